import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { cloudWatchSource } from "#lib/stacks/dashboard/sources";
import { PRODUCTION_CONTEXT } from "../../production-context";

const outdir = () => mkdtempSync(join(tmpdir(), "sluice-dashboard-"));
const template = (context: Record<string, unknown>) => {
  // No bundling (every function would be built for each synthesis): the assertions read the templates only.
  const bundling = { "aws:cdk:bundling-stacks": ["none"] };
  const { dashboard } = buildApp({
    context: { ...PRODUCTION_CONTEXT, ...bundling, ...context },
    outdir: outdir(),
    nag: false,
  });
  return Template.fromStack(dashboard);
};

test("on AWS the dashboard's URL takes only signed requests, and there is no public dashboard by default", () => {
  const t = template({});
  t.resourceCountIs("AWS::Lambda::Url", 1);
  t.hasResourceProperties("AWS::Lambda::Url", { AuthType: "AWS_IAM" });
  t.hasResourceProperties("AWS::Lambda::Function", {
    FunctionName: "sluice-dashboard-dashboard",
    Environment: {
      Variables: Match.objectLike({
        DASHBOARD_MODE: "full",
        TRANSACTIONS_TOPIC: "transactions",
        KAFKA_SECRET_ARN: Match.anyValue(),
      }),
    },
  });
});

test("under the local profile the one dashboard's URL is open", () => {
  const t = template({ "sluice:profile": "local", "sluice:dashboardPublic": true });
  t.resourceCountIs("AWS::Lambda::Url", 1);
  t.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE" });
});

test("sluice:dashboardPublic adds an open, read-only dashboard with no Kafka settings and no right to the secret", () => {
  const t = template({ "sluice:dashboardPublic": "true" });
  t.resourceCountIs("AWS::Lambda::Url", 2);
  t.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE" });
  t.hasResourceProperties("AWS::Lambda::Url", { AuthType: "AWS_IAM" });
  const publicFn = t.findResources("AWS::Lambda::Function", {
    Properties: { FunctionName: "sluice-dashboard-dashboard-public" },
  });
  const [[, fn] = []] = Object.entries(publicFn);
  const variables = (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
    .Environment.Variables;
  expect(variables.DASHBOARD_MODE).toBe("read-only");
  expect(Object.keys(variables)).not.toEqual(expect.arrayContaining(["KAFKA_SECRET_ARN"]));
  expect(Object.keys(variables).filter((k) => k.startsWith("KAFKA") || k === "TRANSACTIONS_TOPIC")).toEqual([]);
  const policies = t.findResources("AWS::IAM::Policy");
  const publicPolicies = Object.values(policies).filter((p) =>
    JSON.stringify(p).includes("PublicDashboardFunctionRole"),
  );
  expect(JSON.stringify(publicPolicies)).not.toContain("secretsmanager:GetSecretValue");
});

test("every dashboard gets sharp (the thumbnails') from one layer built for Lambda's arm64 Linux", () => {
  const t = template({ "sluice:dashboardPublic": true });
  t.resourceCountIs("AWS::Lambda::LayerVersion", 1);
  t.hasResourceProperties("AWS::Lambda::LayerVersion", {
    CompatibleArchitectures: ["arm64"],
    CompatibleRuntimes: ["nodejs22.x"],
  });
  const [layer] = Object.keys(t.findResources("AWS::Lambda::LayerVersion"));
  const functions = Object.values(t.findResources("AWS::Lambda::Function")).filter((f) =>
    String(f.Properties.FunctionName).startsWith("sluice-dashboard-dashboard"),
  );
  expect(functions).toHaveLength(2);
  for (const f of functions) expect(f.Properties.Layers).toEqual([{ Ref: layer }]);
});

test("sluice:dashboardPublic must be true or false", () => {
  expect(() => template({ "sluice:dashboardPublic": "yes" })).toThrow(
    'CDK context "sluice:dashboardPublic": expected true or false, got "yes"',
  );
});

describe("cdk-nag", () => {
  test("a public dashboard and the CloudWatch source synthesize with every finding acknowledged", () => {
    const { app, dashboard } = buildApp({
      context: { ...PRODUCTION_CONTEXT, "aws:cdk:bundling-stacks": ["none"], "sluice:dashboardPublic": true },
      outdir: outdir(),
    });
    const role = dashboard.dashboard.function.role;
    if (role === undefined) throw new Error("the dashboard has no role");
    cloudWatchSource("sluice-")(dashboard).grant(dashboard.dashboard.function);
    expect(() => app.synth()).not.toThrow();
    const policies = Template.fromStack(dashboard).findResources("AWS::IAM::Policy");
    expect(JSON.stringify(policies)).toContain("cloudwatch:DescribeAlarmHistory");
  });
});
