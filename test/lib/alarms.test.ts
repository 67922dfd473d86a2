/**
 * Alarms that notify: one alerts topic in the data stack, and for every stage an alarm on its function's Errors
 * and one on its mapping's OffsetLag, both notifying the topic on ALARM and OK. Under the local profile the
 * mapping is left to the local service, so the OffsetLag alarm names the UUID that service gives it.
 */
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { localMappingUuid } from "#lib/local-profile";
import { loadSettings } from "#lib/settings";
import { PRODUCTION_CONTEXT } from "./production-context";

const STAGES = ["scrape", "validate", "store", "clean"];
const TOPIC_EXPORT = { "Fn::ImportValue": "sluice-data-AlertsTopicArn" };

function templates(context: Record<string, unknown> = {}) {
  const { data, pipeline } = buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false });
  return { data: Template.fromStack(data), pipeline: Template.fromStack(pipeline), pipelineStack: pipeline };
}

describe("production profile", () => {
  const { data, pipeline } = templates();

  test("the data stack has one alerts topic, exported, refusing plain HTTP, and no email unless asked", () => {
    data.resourceCountIs("AWS::SNS::Topic", 1);
    data.resourceCountIs("AWS::SNS::Subscription", 0);
    data.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    expect(Object.values(data.findOutputs("*")).some((o) => o.Export?.Name === "sluice-data-AlertsTopicArn")).toBe(
      true,
    );
  });

  test("two alarms per stage, each notifying the alerts topic on ALARM and on OK", () => {
    pipeline.resourceCountIs("AWS::CloudWatch::Alarm", STAGES.length * 2);
    for (const alarm of Object.values(pipeline.findResources("AWS::CloudWatch::Alarm"))) {
      expect(alarm.Properties.AlarmActions).toEqual([TOPIC_EXPORT]);
      expect(alarm.Properties.OKActions).toEqual([TOPIC_EXPORT]);
      expect(alarm.Properties.AlarmName).toBeUndefined(); // CloudFormation names them
    }
  });

  test.each(STAGES)("%s: Errors, Sum >= 1 over one minute, missing data not breaching", (stage) => {
    pipeline.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: `sluice-pipeline-${stage}` }],
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });

  test.each(STAGES)("%s: its mapping's OffsetLag, Maximum >= 1000 for 5 minutes", (stage) => {
    const fn = Object.keys(
      pipeline.findResources("AWS::Lambda::Function", { Properties: { FunctionName: `sluice-pipeline-${stage}` } }),
    )[0];
    const mapping = Object.keys(
      pipeline.findResources("AWS::Lambda::EventSourceMapping", { Properties: { FunctionName: { Ref: fn } } }),
    )[0];
    expect(mapping).toBeDefined();
    pipeline.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "OffsetLag",
      Dimensions: [
        { Name: "EventSourceMappingUUID", Value: { Ref: mapping } },
        { Name: "FunctionName", Value: `sluice-pipeline-${stage}` },
      ],
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 1000,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });
});

test("sluice:alertEmail subscribes that address; sluice:offsetLagAlarmThreshold sets every OffsetLag alarm", () => {
  const { data, pipeline } = templates({
    "sluice:alertEmail": "oncall@example.com",
    "sluice:offsetLagAlarmThreshold": "250",
  });
  data.resourceCountIs("AWS::SNS::Subscription", 1);
  data.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "oncall@example.com" });
  const lagAlarms = pipeline.findResources("AWS::CloudWatch::Alarm", { Properties: { MetricName: "OffsetLag" } });
  expect(Object.values(lagAlarms).map((a) => a.Properties.Threshold)).toEqual([250, 250, 250, 250]);
});

test("under the local profile the OffsetLag alarm names the mapping UUID the local service gives it", () => {
  const { pipeline, pipelineStack } = templates({ "sluice:profile": "local" });
  const mappings = Object.keys(pipeline.findResources("AWS::Lambda::EventSourceMapping"));
  const expected = mappings.map((id) => localMappingUuid(pipelineStack.stackName, id)).sort();
  const named = Object.values(
    pipeline.findResources("AWS::CloudWatch::Alarm", { Properties: { MetricName: "OffsetLag" } }),
  )
    .map((a) => a.Properties.Dimensions as Array<{ Name: string; Value: unknown }>)
    .map((dims) => dims.find((d) => d.Name === "EventSourceMappingUUID")?.Value)
    .sort();
  expect(named).toEqual(expected);
  for (const alarm of Object.values(pipeline.findResources("AWS::CloudWatch::Alarm"))) {
    expect(alarm.Condition).toBeUndefined(); // LocalStack deploys and evaluates them
  }
});

describe("settings", () => {
  const settingsWith = (context: Record<string, unknown>) =>
    loadSettings(new App({ context: { ...PRODUCTION_CONTEXT, ...context } }).node);

  test("no alert email and a 1000-record OffsetLag threshold by default", () => {
    const s = settingsWith({});
    expect([s.alertEmail, s.offsetLagAlarmThreshold]).toEqual([undefined, 1000]);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ["an address without @", { "sluice:alertEmail": "oncall.example.com" }, /sluice:alertEmail.*not an email address/],
    ["an address with a space", { "sluice:alertEmail": "on call@example.com" }, /sluice:alertEmail/],
    ["a threshold of 0", { "sluice:offsetLagAlarmThreshold": 0 }, /sluice:offsetLagAlarmThreshold.*whole number/],
    ["a word for a threshold", { "sluice:offsetLagAlarmThreshold": "many" }, /sluice:offsetLagAlarmThreshold/],
  ])("%s is refused", (_what, context, message) => {
    expect(() => settingsWith(context)).toThrow(message);
  });
});
