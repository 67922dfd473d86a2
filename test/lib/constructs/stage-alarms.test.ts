/** The alarm construct on its own: what it makes with and without a mapping, and the thresholds it refuses. */
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Topic } from "aws-cdk-lib/aws-sns";
import { StageAlarms, type StageAlarmsProps } from "#lib/constructs/stage-alarms";

function synth(props: Partial<StageAlarmsProps> = {}) {
  const stack = new Stack(new App(), "S");
  const topic = new Topic(stack, "Alerts");
  const alarms = new StageAlarms(stack, "Alarms", { functionName: "f", alertTopic: topic, ...props });
  return {
    alarms,
    template: Template.fromStack(stack),
    topicRef: { Ref: stack.getLogicalId(topic.node.defaultChild as never) },
  };
}

test("without a mapping: only the Errors alarm", () => {
  const { alarms, template } = synth();
  expect(alarms.offsetLag).toBeUndefined();
  template.resourceCountIs("AWS::CloudWatch::Alarm", 1);
  template.hasResourceProperties("AWS::CloudWatch::Alarm", {
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: "f" }],
  });
});

test("with a mapping: Errors and OffsetLag, both acting on ALARM and OK", () => {
  const { template, topicRef } = synth({ eventSourceMappingId: "uuid-1", offsetLagThreshold: 7 });
  template.resourceCountIs("AWS::CloudWatch::Alarm", 2);
  template.hasResourceProperties("AWS::CloudWatch::Alarm", {
    MetricName: "OffsetLag",
    Threshold: 7,
    Dimensions: [
      { Name: "EventSourceMappingUUID", Value: "uuid-1" },
      { Name: "FunctionName", Value: "f" },
    ],
    AlarmActions: [topicRef],
    OKActions: [topicRef],
  });
});

test.each([0, -1, 1.5])("an OffsetLag threshold of %s is refused", (threshold) => {
  expect(() => synth({ eventSourceMappingId: "u", offsetLagThreshold: threshold })).toThrow(/offsetLagThreshold/);
});
