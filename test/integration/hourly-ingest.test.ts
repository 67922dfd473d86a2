/**
 * The hourly pipeline end to end on the local stack: each sample hour is ingested by firing the hourly schedule as
 * if due at the top of the next hour (the schedule's own path: its input template, an asynchronous invoke, then
 * Lambda's retries and on-failure queue), and its run records must say what the sample web declares — rows
 * fetched, kept and rejected by reason, the attempt that succeeded, the final status. The lake, read back with
 * DuckDB, must hold exactly the declared kept rows per hour; the always-503 hour must land in the on-failure queue
 * after 3 attempts and the ingest Errors alarm must notify an SQS subscriber of the alerts topic; running a
 * published hour again must add no Kafka record, no lake object and no row.
 * Lambda's retry delays are AWS's (1 and 2 minutes), waited once in beforeAll: this file takes about 4 minutes.
 */

import { DescribeAlarmsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { noRejections } from "#hourly/cleaning";
import { partitionPrefix } from "#hourly/lake-layout";
import type { RunRecord } from "#hourly/run-records";
import { alarmInBody } from "#local/jobs/alerts";
import { firingFor } from "#local/jobs/hourly/job";
import { type LakePartition, lakePartitions } from "#local/jobs/hourly/lake";
import { backfillHour, runsOf } from "#local/jobs/hourly/runs";
import { runSchedule } from "#local/lambda-service/daemon";
import { adminKafka, withAdmin } from "#local/launchers/kafka-client";
import { hourlyFile, SAMPLE_HOURS } from "#local/sample-web/cases/hourly";
import { awsClients, stackOutputs } from "#local/support/aws";
import { listObjects } from "#shared/s3-objects";
import { cfg, unique } from "./helpers";

jest.setTimeout(15 * 60_000);

const HOURS = Object.keys(SAMPLE_HOURS);
const FAILING_HOUR = "2026-11-29T12";
const { cloudWatch, s3, sns, sqs } = awsClients(cfg);
let outputs: Record<string, string>;
const runIds = new Map<string, string>();
/** The scheduled time of each hour's firing, as the scheduler reports it. */
const firings = new Map<string, string>();
let firedAt = 0;
let errorsAlarm = "";
const subscriber = { queueUrl: "", subscriptionArn: "" };

const runsOfRun = async (hour: string): Promise<RunRecord[]> =>
  (await runsOf(cfg, outputs, hour)).filter((r) => r.runId === runIds.get(hour));
const sampleLake = async (): Promise<LakePartition[]> =>
  lakePartitions(cfg, outputs, partitionPrefix((HOURS[0] as string).slice(0, 10)));

async function poll<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Forgets earlier runs of a sample hour and its lake objects, so this run starts from the sample's first attempt. */
async function forgetRuns(hour: string): Promise<void> {
  const db = awsClients(cfg).documents;
  const table = outputs.HourlyRunsTableName;
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "#h = :h",
      ExpressionAttributeNames: { "#h": "hour" },
      ExpressionAttributeValues: { ":h": hour },
    }),
  );
  const keys = (out.Items ?? []).map((i) => ({ DeleteRequest: { Key: { hour: i.hour, id: i.id } } }));
  for (let i = 0; i < keys.length; i += 25) {
    await db.send(new BatchWriteCommand({ RequestItems: { [table as string]: keys.slice(i, i + 25) } }));
  }
  const objects = await listObjects(s3, outputs.LakeBucketName as string, partitionPrefix(hour));
  if (objects.length > 0) {
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: outputs.LakeBucketName,
        Delete: { Objects: objects.map((o) => ({ Key: o.key })) },
      }),
    );
  }
}

/** An SQS queue subscribed to the alerts topic, as an on-call tool would be. */
async function subscribe(): Promise<void> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("hourly-alerts") }));
  subscriber.queueUrl = QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: subscriber.queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const sub = await sns.send(
    new SubscribeCommand({
      TopicArn: outputs.AlertsTopicArn,
      Protocol: "sqs",
      Endpoint: Attributes?.QueueArn,
      ReturnSubscriptionArn: true,
    }),
  );
  subscriber.subscriptionArn = sub.SubscriptionArn as string;
}

/** Kafka's end offset of every partition of `observations`, summed: what has ever been produced to it. */
async function producedToObservations(): Promise<number> {
  return withAdmin(adminKafka(cfg, "sluice-test-hourly"), async (admin) =>
    (await admin.fetchTopicOffsets("observations")).reduce((sum, p) => sum + Number(p.high), 0),
  );
}

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  for (const hour of HOURS) await forgetRuns(hour);
  const { MetricAlarms = [] } = await cloudWatch.send(new DescribeAlarmsCommand({}));
  const alarm = MetricAlarms.find(
    (a) =>
      a.MetricName === "Errors" &&
      a.Dimensions?.some((d) => d.Name === "FunctionName" && d.Value === outputs.HourlyIngestFunctionName),
  );
  errorsAlarm = alarm?.AlarmName ?? "";
  // From OK, so this run's errors make a state change (and a notification) even if an earlier run left it in ALARM.
  if (errorsAlarm) {
    await cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: errorsAlarm, StateValue: "OK", StateReason: "hourly-ingest test start" }),
    );
  }
  await subscribe();
  firedAt = Date.now();
  for (const hour of HOURS) {
    const fired = await runSchedule(cfg, outputs.HourlyScheduleName as string, firingFor(hour));
    runIds.set(hour, fired.executionId);
    firings.set(hour, fired.scheduledTime);
  }
  // Every hour's last attempt: a success or a recorded refusal, or its declared number of failed attempts.
  await poll("every sample hour's last attempt", 10 * 60_000, async () => {
    for (const hour of HOURS) {
      const done = (await runsOfRun(hour)).filter((r) => r.status !== "running");
      const declared = hourlyFile(hour).declared;
      if (!done.some((r) => r.status !== "failed") && done.length < declared.attempts) return undefined;
    }
    return true;
  });
});

afterAll(async () => {
  if (subscriber.subscriptionArn)
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriber.subscriptionArn }));
  if (subscriber.queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: subscriber.queueUrl }));
});

test.each(HOURS)("%s ends as the sample declares", async (hour) => {
  const declared = hourlyFile(hour).declared;
  const runs = await runsOfRun(hour);
  expect(runs.map((r) => r.attempt)).toEqual(Array.from({ length: declared.attempts }, (_, i) => i + 1));
  const last = runs[runs.length - 1];
  expect(last?.status).toBe(declared.status);
  for (const earlier of runs.slice(0, -1)) expect(earlier.status).toBe("failed");
  if (declared.status === "published") {
    expect(last).toMatchObject({
      fetched: declared.fetched,
      kept: declared.kept,
      published: declared.kept,
      rejected: { ...noRejections(), ...declared.rejected },
    });
  }
});

test("the lake holds, per hour's partition, exactly the kept rows the sample declares (DuckDB, Hive partitions)", async () => {
  const expected = HOURS.filter((h) => hourlyFile(h).declared.kept > 0).map((h) => ({
    dt: h.slice(0, 10),
    hour: h.slice(11, 13),
    rows: hourlyFile(h).declared.kept,
  }));
  // The lake writer consumes `observations` on its own: wait until every published hour has its rows.
  const partitions = await poll("the published hours' rows in the lake", 120_000, async () => {
    const parts = await sampleLake();
    const rows = (h: { dt: string; hour: string }) => parts.find((p) => p.dt === h.dt && p.hour === h.hour)?.rows ?? 0;
    return expected.every((e) => rows(e) >= e.rows) ? parts : undefined;
  });
  const sampled = partitions.filter((p) => HOURS.includes(`${p.dt}T${p.hour}`));
  expect(sampled.map(({ dt, hour, rows }) => ({ dt, hour, rows }))).toEqual(expected);
});

test("the always-503 hour lands in the on-failure queue after 3 attempts, with the schedule's input", async () => {
  const record = await poll("the failed hour's invocation record", 60_000, async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: outputs.HourlyFailuresQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const records = (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}"));
    return records.find((r) => r.requestPayload?.runId === runIds.get(FAILING_HOUR));
  });
  expect(record.requestContext).toMatchObject({ condition: "RetriesExhausted", approximateInvokeCount: 3 });
  expect(firings.get(FAILING_HOUR)).toBe("2026-11-29T13:00:00Z");
  expect(record.requestPayload).toEqual({ scheduledTime: "2026-11-29T13:00:00Z", runId: runIds.get(FAILING_HOUR) });
});

test("the ingest Errors alarm notifies the alerts topic's SQS subscriber", async () => {
  expect(errorsAlarm).not.toBe("");
  const notification = await poll("the ingest Errors alarm's ALARM notification", 240_000, async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: subscriber.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    return Messages.map((m) => alarmInBody(m.Body ?? "")).find(
      (a) => a?.AlarmName === errorsAlarm && a.NewStateValue === "ALARM",
    );
  });
  const message = notification as unknown as {
    StateChangeTime: string;
    Trigger: { MetricName: string; Dimensions: Array<{ name: string; value: string }> };
  };
  expect(Date.parse(message.StateChangeTime)).toBeGreaterThanOrEqual(firedAt - 1000);
  expect(message.Trigger).toMatchObject({
    MetricName: "Errors",
    Dimensions: [{ name: "FunctionName", value: outputs.HourlyIngestFunctionName }],
  });
});

test("running a published hour again adds no Kafka record, no lake object and no row", async () => {
  const hour = "2026-11-29T10";
  const kept = hourlyFile(hour).declared.kept;
  const lakeOf = async () =>
    (await listObjects(s3, outputs.LakeBucketName as string, partitionPrefix(hour))).map((o) => o.key);
  await poll("the hour's rows in the lake", 120_000, async () =>
    (await sampleLake()).some((p) => `${p.dt}T${p.hour}` === hour && p.rows === kept) ? true : undefined,
  );
  const objectsBefore = await lakeOf();
  const producedBefore = await producedToObservations();

  const runId = await backfillHour(cfg, outputs, hour);
  const again = await poll("the second run's attempt", 60_000, async () => {
    const runs = (await runsOf(cfg, outputs, hour)).filter((r) => r.runId === runId && r.status !== "running");
    return runs[0];
  });
  expect(again).toMatchObject({ attempt: 1, status: "already-published", published: 0 });
  const published = (await runsOf(cfg, outputs, hour)).filter((r) => r.status === "published");
  expect(published).toHaveLength(1);
  // Nothing was produced, so the lake writer has nothing to write: the topic's end offsets say so.
  expect(await producedToObservations()).toBe(producedBefore);
  expect(await lakeOf()).toEqual(objectsBefore);
  const rows = (await sampleLake()).find((p) => `${p.dt}T${p.hour}` === hour)?.rows;
  expect(rows).toBe(kept);
});
