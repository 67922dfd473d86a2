import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { PRODUCTION_BROKERS, PRODUCTION_CONTEXT } from "../../production-context";

function hourly(context: Record<string, unknown> = {}): Template {
  const { hourly } = buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false });
  return Template.fromStack(hourly);
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe("the lake writer", () => {
  const template = hourly();
  const fnId =
    Object.keys(
      template.findResources("AWS::Lambda::Function", { Properties: { FunctionName: "sluice-hourly-lake" } }),
    )[0] ?? "";
  const lakeArn = { "Fn::ImportValue": "sluice-data-LakeBucketArn" };

  test("the lake stage reads the observations topic with the house mapping and knows the lake bucket", () => {
    expect(fnId).not.toBe("");
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: fnId },
      Topics: ["observations"],
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: PRODUCTION_BROKERS.split(",") } },
      SourceAccessConfigurations: [
        { Type: "SASL_SCRAM_512_AUTH", URI: { "Fn::ImportValue": "sluice-data-KafkaSecretArn" } },
      ],
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: { "Fn::ImportValue": "sluice-data-FailuresBucketArn" } } },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "sluice-hourly-lake",
      Environment: {
        Variables: Match.objectLike({
          INPUT_TOPIC: "observations",
          OUTPUT_TOPIC: Match.absent(),
          LAKE_BUCKET: { "Fn::Select": Match.anyValue() },
        }),
      },
    });
  });

  test("on the lake bucket it may put objects under lake/observations/ and do nothing else", () => {
    const policies = template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp("^LakeWriterFunctionRole") }] },
    });
    expect(Object.keys(policies)).not.toHaveLength(0);
    const statements = Object.values(policies).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const onLake = statements.filter((s) => JSON.stringify(s.Resource).includes("LakeBucketArn"));
    expect(onLake).toEqual([
      {
        Action: "s3:PutObject",
        Effect: "Allow",
        Resource: { "Fn::Join": ["", [lakeArn, "/lake/observations/*"]] },
      },
    ]);
  });

  test("its outputs are named for the lake writer", () => {
    template.hasOutput("LakeWriterFunctionName", { Value: "sluice-hourly-lake" });
    template.hasOutput("LakeObservationsPrefix", { Value: "lake/observations/" });
  });

  test("the topic comes from the settings", () => {
    hourly({ "sluice:topic:observations": "obs" }).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      Topics: ["obs"],
    });
  });
});
