/**
 * Alarms that notify, offline. A function that throws raises its Errors alarm (sluice's StageAlarms, deployed by
 * CloudFormation and evaluated by LocalStack once a minute), and the alerts topic's subscribers get AWS's alarm
 * message: an SQS queue in SNS's envelope, an email subscription in LocalStack's SES store; `sluice alerts` lists
 * both. The Errors data point comes from the local Lambda service's metrics (AWS/Lambda, published to CloudWatch):
 * nothing here publishes it. The deployed pipeline's own alarms are checked against its mappings too.
 *
 * Wall time: LocalStack evaluates an alarm every Period × EvaluationPeriods (60 s here, not configurable) from
 * its creation, so the ALARM arrives within about a minute of the metric reaching CloudWatch.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { destroyApp } from "#local/apps/apps";
import { alarmInBody } from "#local/jobs/alerts";
import { findApp } from "#local/support/app-registry";
import { awsClients, stackOutputs } from "#local/support/aws";
import { cfg, output } from "./helpers";

const cli = resolve(__dirname, "../../localstack/cli.ts");
const suffix = Date.now().toString(36);
const name = `alarms-${suffix}`;
const functionName = `alarms-failing-${suffix}`;
const email = `oncall-${suffix}@example.com`;
const work = mkdtempSync(join(tmpdir(), "sluice-alarms-"));
const appCommand = `npx tsx ${resolve(__dirname, "fixtures/apps/alarms/app.ts")}`;
const env = {
  ...process.env,
  ALARMS_SUFFIX: suffix,
  ALARMS_EMAIL: email,
  ALARMS_ATTEMPTS_FILE: join(work, "attempts"),
};
const { cloudWatch, lambda, sqs } = awsClients(cfg);

async function sluice(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("npx", ["tsx", cli, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Polls until found() returns a value, or fails naming what it waited for. */
async function eventually<T>(what: string, timeoutMs: number, found: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await found();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

let outputs: Record<string, string> = {};

beforeAll(async () => {
  await sluice("deploy", "--app", appCommand, "--name", name);
  outputs = await stackOutputs(cfg, name);
}, 300_000);

afterAll(async () => {
  if (findApp(cfg.stateDir, name)) await destroyApp(cfg, name, () => {});
  rmSync(work, { recursive: true, force: true });
}, 120_000);

test("every stage of the deployed pipeline has its Errors alarm and its mapping's OffsetLag alarm", async () => {
  const { MetricAlarms = [] } = await cloudWatch.send(new DescribeAlarmsCommand({}));
  const dims = (metric: string) =>
    MetricAlarms.filter((a) => a.MetricName === metric).map((a) =>
      Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name, d.Value])),
    );
  const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
  for (const stage of ["Scrape", "Validate", "Store", "Clean"]) {
    const fn = await output(`${stage}FunctionName`);
    const mapping = EventSourceMappings.find((m) => m.FunctionArn?.endsWith(`:function:${fn}`));
    expect(dims("Errors")).toContainEqual({ FunctionName: fn });
    expect(dims("OffsetLag")).toContainEqual({ FunctionName: fn, EventSourceMappingUUID: mapping?.UUID });
  }
});

test("the fixture's Errors alarm is deployed, notifying the alerts topic, and OK while nothing fails", async () => {
  const { MetricAlarms = [] } = await cloudWatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [outputs.ErrorsAlarmName ?? ""] }),
  );
  expect(MetricAlarms).toHaveLength(1);
  expect(MetricAlarms[0]).toMatchObject({
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: functionName }],
    AlarmActions: [outputs.AlertsTopicArn],
    OKActions: [outputs.AlertsTopicArn],
    StateValue: "OK",
  });
});

test("a function that throws raises its Errors alarm; the SQS subscriber receives AWS's alarm message", async () => {
  const alarmName = outputs.ErrorsAlarmName ?? "";
  const invoked = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify({ id: "boom", fail: true }) }),
  );
  expect(invoked.FunctionError).toBe("Unhandled");

  const envelope = await eventually("the ALARM notification in the subscriber queue", 240_000, async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: outputs.SubscriberQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
    );
    for (const m of Messages) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: outputs.SubscriberQueueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
      const body = JSON.parse(m.Body ?? "{}") as Record<string, unknown>;
      const alarm = alarmInBody(m.Body ?? "");
      if (alarm?.AlarmName === alarmName && alarm.NewStateValue === "ALARM") return body;
    }
    return undefined;
  });
  expect(envelope).toMatchObject({
    Type: "Notification",
    TopicArn: outputs.AlertsTopicArn,
    Subject: expect.stringMatching(new RegExp(`^ALARM: "${alarmName}" in `)),
  });
  expect(JSON.parse(String(envelope.Message))).toMatchObject({
    AlarmName: alarmName,
    AlarmDescription: `${functionName}: the function failed (Errors >= 1 in a minute)`,
    AWSAccountId: cfg.accountId,
    OldStateValue: "OK",
    NewStateValue: "ALARM",
    NewStateReason: expect.stringContaining("Threshold Crossed"),
    StateChangeTime: expect.any(String),
    AlarmArn: `arn:aws:cloudwatch:${cfg.region}:${cfg.accountId}:alarm:${alarmName}`,
    Trigger: {
      MetricName: "Errors",
      Namespace: "AWS/Lambda",
      StatisticType: "Statistic",
      Statistic: "SUM",
      Dimensions: [{ name: "FunctionName", value: functionName }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 1,
      TreatMissingData: "notBreaching",
    },
  });
}, 300_000);

test("the email subscription's copy lands in LocalStack's mail store, and `sluice alerts` lists both", async () => {
  const alarmName = outputs.ErrorsAlarmName ?? "";
  await eventually(`the ALARM mail to ${email}`, 60_000, async () => {
    const res = await fetch(`${cfg.endpoint.url}/_aws/ses`);
    if (!res.ok) return undefined;
    const { messages = [] } = (await res.json()) as {
      messages?: Array<{ Destination?: { ToAddresses?: string[] }; Body?: { text_part?: string } }>;
    };
    return messages.find((m) => {
      const alarm = alarmInBody(m.Body?.text_part ?? "");
      return (
        m.Destination?.ToAddresses?.includes(email) && alarm?.AlarmName === alarmName && alarm.NewStateValue === "ALARM"
      );
    });
  });
  const listed = await sluice("alerts", "--since", "1h", "--limit", "200");
  expect(listed).toMatch(new RegExp(`${alarmName}  OK → ALARM  Threshold Crossed`));
  expect(listed).toContain(`to ${email}  ALARM: ${alarmName} (OK → ALARM)`);
  expect(listed).toContain(`${outputs.AlertsTopicArn}  email  ${email}`);
}, 120_000);
