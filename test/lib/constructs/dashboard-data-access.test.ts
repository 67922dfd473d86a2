import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AttributeType, Table } from "aws-cdk-lib/aws-dynamodb";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { DashboardDataAccess } from "#lib/constructs/dashboard-data-access";

function template(): Template {
  const stack = new Stack(new App(), "dash");
  const table = (id: string) => new Table(stack, id, { partitionKey: { name: "pk", type: AttributeType.STRING } });
  const fn = new LambdaFunction(stack, "Fn", {
    runtime: Runtime.NODEJS_22_X,
    handler: "index.handler",
    code: Code.fromInline("exports.handler = async () => {}"),
  });
  new DashboardDataAccess(stack, "Access", {
    function: fn,
    runsTable: table("Runs"),
    metadataTable: table("Metadata"),
    lakeBucket: new Bucket(stack, "Lake"),
    imagesBucket: new Bucket(stack, "Images"),
    failuresBucket: new Bucket(stack, "Failures"),
    alertsTopicArn: "arn:aws:sns:us-east-1:111111111111:alerts",
    functionPrefix: "sluice-",
  });
  return Template.fromStack(stack);
}

const statements = (t: Template): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> =>
  Object.values(t.findResources("AWS::IAM::Policy")).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement,
  );

test("the function gets every page's environment", () => {
  template().hasResourceProperties("AWS::Lambda::Function", {
    Environment: {
      Variables: Match.objectLike({
        LAKE_RUNS_TABLE: Match.anyValue(),
        LAKE_BUCKET: Match.anyValue(),
        ALERTS_TOPIC_ARN: "arn:aws:sns:us-east-1:111111111111:alerts",
        FACES_METADATA_TABLE: Match.anyValue(),
        FACES_IMAGES_BUCKET: Match.anyValue(),
        FAILURES_BUCKET: Match.anyValue(),
        HEALTH_FUNCTION_PREFIX: "sluice-",
      }),
    },
  });
});

test("reads only: no write, delete or wildcard action", () => {
  const actions = statements(template()).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  expect([...new Set(actions)].sort()).toEqual([
    "cloudwatch:DescribeAlarmHistory",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "s3:GetObject",
    "s3:ListBucket",
  ]);
});

test("the lake bucket is listed and read under the lake's and the dataset's prefixes only", () => {
  const all = statements(template());
  const list = all.find((s) => s.Action === "s3:ListBucket" && s.Condition !== undefined);
  expect(list?.Condition).toEqual({
    StringLike: { "s3:prefix": ["lake/observations/*", "datasets/faces/v1/*"] },
  });
  const reads = JSON.stringify(all.filter((s) => s.Action === "s3:GetObject").map((s) => s.Resource));
  expect(reads).toContain("/lake/observations/*");
  expect(reads).toContain("/datasets/faces/v1/*");
  expect(reads).toContain("/clean/*");
});

test("only the metric reads have resource *; alarms are limited to alarm ARNs", () => {
  const all = statements(template());
  const star = all.filter((s) => s.Resource === "*").flatMap((s) => s.Action);
  expect(star).toEqual(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]);
  const alarms = all.find((s) => Array.isArray(s.Action) && s.Action.includes("cloudwatch:DescribeAlarms"));
  expect(JSON.stringify(alarms?.Resource)).toContain(":alarm:*");
});
