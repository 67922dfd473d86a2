import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { PRODUCTION_CONTEXT } from "../../production-context";

function hourly(context: Record<string, unknown> = {}) {
  const { hourly } = buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false });
  return { stack: hourly, template: Template.fromStack(hourly) };
}

describe("the hourly ingest (production profile)", () => {
  const { stack, template } = hourly();
  const fnName = `${stack.stackName}-ingest`;

  test("the schedule fires the settings' expression in UTC, with the firing's time and id, a RetryPolicy and a DLQ", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      Name: `${stack.stackName}-ingest`,
      ScheduleExpression: "rate(1 hour)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: { "Fn::Join": ["", Match.arrayWith([`:function:${stack.stackName}-ingest`])] },
        Input: JSON.stringify({
          scheduledTime: "<aws.scheduler.scheduled-time>",
          runId: "<aws.scheduler.execution-id>",
        }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^IngestScheduleDeadLetters"), "Arn"] } },
      },
    });
  });

  test("sluice:hourlySchedule changes the expression", () => {
    const { template: t } = hourly({ "sluice:hourlySchedule": "cron(5 * * * ? *)" });
    t.hasResourceProperties("AWS::Scheduler::Schedule", { ScheduleExpression: "cron(5 * * * ? *)" });
  });

  test("the function retries a failing hour twice, then sends it to the failures queue", () => {
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: Match.stringLikeRegexp("^IngestFunction") },
      Qualifier: "$LATEST",
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: { "Fn::GetAtt": [Match.stringLikeRegexp("^IngestFailures"), "Arn"] } },
      },
    });
  });

  test("the function knows its source, topic, table and allow list", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: fnName,
      Environment: {
        Variables: Match.objectLike({
          OUTPUT_TOPIC: "observations",
          SOURCE_URL_TEMPLATE: Match.stringLikeRegexp("\\{hour\\}"),
          RUNS_TABLE: { Ref: Match.stringLikeRegexp("^IngestRuns") },
        }),
      },
    });
  });

  test("one run table keyed by hour and attempt id, on demand, retained", () => {
    const tables = Object.values(template.findResources("AWS::DynamoDB::Table"));
    expect(tables).toHaveLength(1);
    expect(tables[0]?.Properties.KeySchema).toEqual([
      { AttributeName: "hour", KeyType: "HASH" },
      { AttributeName: "id", KeyType: "RANGE" },
    ]);
    expect(tables[0]?.Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(tables[0]?.DeletionPolicy).toBe("Retain");
  });

  test("alarms on the function's Errors and the dead-letter queue's depth notify the alerts topic", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: fnName }],
      AlarmActions: [Match.anyValue()],
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
      OKActions: [Match.anyValue()],
    });
  });

  test("the scheduler's role may invoke only the ingest function and send only to its dead-letter queue", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: "scheduler.amazonaws.com" } })],
      }),
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "lambda:InvokeFunction",
            Resource: { "Fn::Join": ["", Match.arrayWith([`:function:${stack.stackName}-ingest`])] },
          }),
        ]),
      },
    });
  });

  test("outputs named for the hourly pipeline", () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        "HourlyIngestFunctionName",
        "HourlyRunsTableName",
        "HourlyScheduleName",
        "HourlyFailuresQueueUrl",
        "HourlyDeadLetterQueueUrl",
      ]),
    );
  });
});
