// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation Fn::Sub templates
/**
 * The local profile applied to templates of an app that is not ours: the same resources get the same
 * always-false condition as with the aspect, once per template, twice is the same as once, deployed resources no
 * longer point at skipped ones, and a rewritten template is published under the hash of its new content.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { CfnRule } from "aws-cdk-lib/aws-events";
import { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import { CfnQueue } from "aws-cdk-lib/aws-sqs";
import { LocalProfile, localMappingUuid } from "#lib/local-profile";
import { applyLocalProfile, applyLocalProfileToAssembly, type CfnTemplate } from "#local/apps/local-profile-transform";

const FALSE = { "Fn::Equals": ["local", "aws"] };
const SKIPPED_METADATA = { "sluice:runs-on": "local-lambda-service" };

const template = (): CfnTemplate => ({
  Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
  Resources: {
    Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "orders", Handler: "index.handler" } },
    Unnamed: { Type: "AWS::Lambda::Function", Properties: { Handler: "index.handler" } },
    FnUrl: { Type: "AWS::Lambda::Url", Properties: { TargetFunctionArn: { "Fn::GetAtt": ["Fn", "Arn"] } } },
    Tick: { Type: "AWS::Scheduler::Schedule", Properties: { ScheduleExpression: "rate(1 hour)" } },
    Nightly: { Type: "AWS::Events::Rule", Properties: { ScheduleExpression: "cron(0 2 * * ? *)" } },
    OnUpload: { Type: "AWS::Events::Rule", Properties: { EventPattern: { source: ["aws.s3"] } } },
    Queue: { Type: "AWS::SQS::Queue", DependsOn: ["Fn", "Policy"] },
    Policy: {
      Type: "AWS::IAM::Policy",
      DependsOn: "Unnamed",
      Properties: {
        Resources: [{ "Fn::GetAtt": ["Fn", "Arn"] }, { Ref: "Unnamed" }, { "Fn::GetAtt": "Queue.Arn" }],
        Text: { "Fn::Sub": "${Fn.Arn}/${Queue.Arn}/${AWS::Region}" },
      },
    },
  },
  Outputs: { Url: { Value: { "Fn::GetAtt": ["FnUrl", "FunctionUrl"] } }, Queue: { Value: { Ref: "Queue" } } },
});

test("the resources the local service runs get the false condition and the runs-on metadata; the rest are left alone", () => {
  const { template: out, skipped } = applyLocalProfile(template(), "shop");
  expect(skipped).toEqual(["Fn", "Unnamed", "FnUrl", "Tick", "Nightly"]);
  expect(out.Conditions).toEqual({
    IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] },
    SluiceDeployedByCloudFormation: FALSE,
  });
  const r = out.Resources ?? {};
  for (const id of ["Fn", "Unnamed", "FnUrl", "Tick", "Nightly"]) {
    expect(r[id]?.Condition).toBe("SluiceDeployedByCloudFormation");
    expect(r[id]?.Metadata).toEqual(SKIPPED_METADATA);
  }
  expect(r.OnUpload).toEqual({ Type: "AWS::Events::Rule", Properties: { EventPattern: { source: ["aws.s3"] } } });
  // Skipped resources keep their references: the local service resolves them.
  expect(r.FnUrl?.Properties).toEqual({ TargetFunctionArn: { "Fn::GetAtt": ["Fn", "Arn"] } });
});

test("what CloudFormation deploys no longer refers to skipped resources: names, ARNs, placeholders", () => {
  const { template: out } = applyLocalProfile(template(), "shop");
  const r = out.Resources ?? {};
  expect(r.Queue?.DependsOn).toEqual(["Policy"]);
  expect(r.Policy?.DependsOn).toBeUndefined();
  expect(r.Policy?.Properties).toEqual({
    Resources: [
      { "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders" },
      "shop-Unnamed",
      { "Fn::GetAtt": "Queue.Arn" },
    ],
    Text: {
      "Fn::Sub":
        "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders/${Queue.Arn}/${AWS::Region}",
    },
  });
  expect(out.Outputs).toEqual({ Url: { Value: "sluice-local:FnUrl.FunctionUrl" }, Queue: { Value: { Ref: "Queue" } } });
});

test("an alarm on a skipped function and mapping names them as the local service does, so its metrics match", () => {
  const alarmed: CfnTemplate = {
    Resources: {
      Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "orders" } },
      Mapping: { Type: "AWS::Lambda::EventSourceMapping", Properties: { FunctionName: { Ref: "Fn" } } },
      Lag: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          MetricName: "OffsetLag",
          Dimensions: [
            { Name: "EventSourceMappingUUID", Value: { Ref: "Mapping" } },
            { Name: "FunctionName", Value: { Ref: "Fn" } },
          ],
        },
      },
    },
  };
  const { template: out } = applyLocalProfile(alarmed, "shop");
  expect(out.Resources?.Lag?.Properties?.Dimensions).toEqual([
    { Name: "EventSourceMappingUUID", Value: localMappingUuid("shop", "Mapping") },
    { Name: "FunctionName", Value: "orders" },
  ]);
  expect(out.Resources?.Lag?.Condition).toBeUndefined();
});

test("applied twice it is the same as once, with the condition added once", () => {
  const once = applyLocalProfile(template(), "shop").template;
  const twice = applyLocalProfile(once, "shop");
  expect(twice.template).toEqual(once);
  expect(Object.keys(twice.template.Conditions ?? {})).toEqual(["IsProd", "SluiceDeployedByCloudFormation"]);
});

test("a template with nothing for the local service is returned as it is, with no condition", () => {
  const plain: CfnTemplate = { Resources: { Queue: { Type: "AWS::SQS::Queue" } } };
  expect(applyLocalProfile(plain, "s")).toEqual({ template: plain, skipped: [] });
});

test("the transform marks exactly what the aspect marks, with the same condition", () => {
  const build = (profiled: boolean): Record<string, unknown> => {
    const app = new App();
    const stack = new Stack(app, "S");
    new CfnFunction(stack, "Fn", {
      code: { zipFile: "x" },
      handler: "index.handler",
      role: "arn:aws:iam::000000000000:role/r",
      runtime: "nodejs22.x",
    });
    new CfnSchedule(stack, "Tick", {
      scheduleExpression: "rate(1 hour)",
      flexibleTimeWindow: { mode: "OFF" },
      target: { arn: "arn:aws:lambda:us-east-1:000000000000:function:f", roleArn: "arn:aws:iam::000000000000:role/r" },
    });
    new CfnRule(stack, "Nightly", { scheduleExpression: "cron(0 2 * * ? *)" });
    new CfnRule(stack, "OnUpload", { eventPattern: { source: ["aws.s3"] } });
    new CfnQueue(stack, "Queue");
    if (profiled) LocalProfile.applyTo(app);
    return app.synth().getStackByName("S").template as Record<string, unknown>;
  };
  const byAspect = build(true) as CfnTemplate;
  const byTransform = applyLocalProfile(build(false) as CfnTemplate, "S").template;
  expect(byTransform.Conditions).toEqual(byAspect.Conditions);
  const conditions = (t: CfnTemplate): Record<string, unknown> =>
    Object.fromEntries(Object.entries(t.Resources ?? {}).map(([id, r]) => [id, r.Condition ?? null]));
  expect(conditions(byTransform)).toEqual(conditions(byAspect));
  expect(conditions(byTransform)).toEqual({
    Fn: "SluiceDeployedByCloudFormation",
    Tick: "SluiceDeployedByCloudFormation",
    Nightly: "SluiceDeployedByCloudFormation",
    OnUpload: null,
    Queue: null,
  });
});

test("an assembly's rewritten template is published under the hash of its new content", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-profile-"));
  try {
    const app = new App({ outdir: dir });
    const stack = new Stack(app, "Shop");
    new CfnFunction(stack, "Fn", {
      code: { zipFile: "x" },
      handler: "index.handler",
      role: "arn:aws:iam::000000000000:role/r",
      runtime: "nodejs22.x",
    });
    app.synth();
    const before = JSON.parse(readFileSync(join(dir, "Shop.assets.json"), "utf8")) as { files: object };
    const [stackResult] = applyLocalProfileToAssembly(dir);
    expect(stackResult?.skipped).toEqual(["Fn"]);
    const content = readFileSync(join(dir, "Shop.template.json"), "utf8");
    expect(JSON.parse(content).Resources.Fn.Condition).toBe("SluiceDeployedByCloudFormation");
    const hash = createHash("sha256").update(content).digest("hex");
    const after = JSON.parse(readFileSync(join(dir, "Shop.assets.json"), "utf8")) as { files: object };
    expect(Object.keys(after.files)).toEqual([hash]);
    expect(Object.keys(before.files)).not.toEqual([hash]);
    expect(readFileSync(join(dir, "manifest.json"), "utf8")).toContain(`${hash}.json`);
    expect(applyLocalProfileToAssembly(dir)[0]?.skipped).toEqual(["Fn"]);
    expect(readFileSync(join(dir, "Shop.template.json"), "utf8")).toBe(content);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
