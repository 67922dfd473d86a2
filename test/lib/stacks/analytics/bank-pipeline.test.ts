import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { PRODUCTION_BROKERS, PRODUCTION_CONTEXT } from "../../production-context";

function analytics(context: Record<string, unknown> = {}): Template {
  const { analytics } = buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false });
  return Template.fromStack(analytics);
}

describe("the bank pipeline", () => {
  const template = analytics();
  const tableId = Object.keys(template.findResources("AWS::DynamoDB::Table"))[0] ?? "";
  const fnId =
    Object.keys(
      template.findResources("AWS::Lambda::Function", {
        Properties: { FunctionName: "sluice-analytics-transactions" },
      }),
    )[0] ?? "";

  test("one table: pk/sk strings, on demand, point-in-time recovery, AWS-managed encryption, retained by default", () => {
    expect(tableId).not.toBe("");
    template.hasResource("AWS::DynamoDB::Table", {
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TableName: Match.absent(),
      },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  test("the local profile's removal policy reaches the table", () => {
    analytics({ "sluice:profile": "local" }).hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Delete" });
  });

  test("the transactions stage reads the transactions topic with the house mapping and knows the table", () => {
    expect(fnId).not.toBe("");
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: fnId },
      Topics: ["transactions"],
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: PRODUCTION_BROKERS.split(",") } },
      SourceAccessConfigurations: [
        { Type: "SASL_SCRAM_512_AUTH", URI: { "Fn::ImportValue": "sluice-data-KafkaSecretArn" } },
      ],
      StartingPosition: "TRIM_HORIZON",
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: { "Fn::ImportValue": "sluice-data-FailuresBucketArn" } } },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "sluice-analytics-transactions",
      Runtime: "nodejs22.x",
      Environment: {
        Variables: Match.objectLike({
          INPUT_TOPIC: "transactions",
          OUTPUT_TOPIC: Match.absent(),
          BANK_TABLE: { Ref: tableId },
        }),
      },
    });
  });

  test("the topic comes from the settings", () => {
    analytics({ "sluice:topic:transactions": "bank-tx" }).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      Topics: ["bank-tx"],
    });
  });

  test("the stage may get, put and update the table's items: no scan, query or delete", () => {
    const policies = template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp("^BankTransactionsFunctionRole") }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement,
    ) as Array<{ Action: string | string[]; Resource: unknown }>;
    const onTable = statements.filter((s) => JSON.stringify(s.Resource).includes(tableId));
    expect(onTable).toEqual([
      {
        Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        Effect: "Allow",
        Resource: { "Fn::GetAtt": [tableId, "Arn"] },
      },
    ]);
    const dynamoActions = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("dynamodb:"));
    expect(dynamoActions.sort()).toEqual(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
  });

  test("its outputs are named for the bank", () => {
    template.hasOutput("BankTableName", { Value: { Ref: tableId } });
    template.hasOutput("TransactionsFunctionName", { Value: "sluice-analytics-transactions" });
    template.hasOutput("TransactionsTopic", { Value: "transactions" });
    template.hasOutput("AnalyticsTopics", { Value: Match.stringLikeRegexp("(^|,)transactions(,|$)") });
  });
});
