/**
 * The local profile leaves schedules and scheduled rules to the local Lambda service (LocalStack community
 * would never fire them into a function), and leaves event-pattern rules to LocalStack.
 */
import { App, Stack } from "aws-cdk-lib";
import { CfnRule } from "aws-cdk-lib/aws-events";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import { LocalProfile, runsOnLocalService } from "#lib/local-profile";

test("schedules and scheduled rules get the always-false condition; event-pattern rules do not", () => {
  const app = new App();
  const stack = new Stack(app, "S");
  const target = "arn:aws:lambda:us-east-1:000000000000:function:f";
  new CfnSchedule(stack, "Nightly", {
    scheduleExpression: "cron(30 2 * * ? *)",
    flexibleTimeWindow: { mode: "OFF" },
    target: { arn: target, roleArn: "arn:aws:iam::000000000000:role/r" },
  });
  new CfnRule(stack, "Tick", { scheduleExpression: "rate(5 minutes)", targets: [{ id: "t", arn: target }] });
  new CfnRule(stack, "OnUpload", { eventPattern: { source: ["aws.s3"] }, targets: [{ id: "t", arn: target }] });
  LocalProfile.applyTo(app);
  const resources = app.synth().getStackByName("S").template.Resources as Record<string, { Condition?: string }>;
  expect(resources.Nightly?.Condition).toBe("SluiceDeployedByCloudFormation");
  expect(resources.Tick?.Condition).toBe("SluiceDeployedByCloudFormation");
  expect(resources.OnUpload?.Condition).toBeUndefined();
});

test("runsOnLocalService: the one rule the aspect and the assembly transform share", () => {
  const cases: Array<[string, boolean, boolean]> = [
    ["AWS::Lambda::Function", false, true],
    ["AWS::Lambda::EventSourceMapping", false, true],
    ["AWS::Lambda::Url", false, true],
    ["AWS::Lambda::EventInvokeConfig", false, true],
    ["AWS::Lambda::Permission", false, true],
    ["AWS::Scheduler::Schedule", false, true],
    ["AWS::Events::Rule", true, true],
    ["AWS::Events::Rule", false, false],
    ["AWS::SQS::Queue", false, false],
    ["AWS::IAM::Role", false, false],
  ];
  for (const [type, scheduled, expected] of cases)
    expect([type, runsOnLocalService(type, scheduled)]).toEqual([type, expected]);
});
