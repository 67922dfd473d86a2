/**
 * The hourly ingest end to end on the local stack: each sample hour is invoked asynchronously (the schedule's
 * path: Lambda's retries, the on-failure queue), and its run records must say what the sample web declares —
 * rows fetched, kept and rejected by reason, the attempt that succeeded, the final status. The always-503 hour
 * must land in the on-failure queue after 3 attempts, and running a published hour again must produce nothing.
 * Lambda's retry delays are AWS's (1 and 2 minutes), so this test takes about 4 minutes.
 */

import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { noRejections } from "#hourly/cleaning";
import type { RunRecord } from "#hourly/run-records";
import { backfillHour, runsOf } from "#local/jobs/hourly/runs";
import { hourlyFile, SAMPLE_HOURS } from "#local/sample-web/cases/hourly";
import { awsClients, stackOutputs } from "#local/support/aws";
import { cfg } from "./helpers";

jest.setTimeout(15 * 60_000);

const HOURS = Object.keys(SAMPLE_HOURS);
let outputs: Record<string, string>;
const runIds = new Map<string, string>();
const runsOfRun = async (hour: string): Promise<RunRecord[]> =>
  (await runsOf(cfg, outputs, hour)).filter((r) => r.runId === runIds.get(hour));

async function poll<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Forgets earlier runs of the sample hours, so each test run starts from the sample's own first attempt. */
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
}

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  for (const hour of HOURS) await forgetRuns(hour);
  for (const hour of HOURS) runIds.set(hour, await backfillHour(cfg, outputs, hour));
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

test("the always-503 hour lands in the on-failure queue after 3 attempts", async () => {
  const sqs = awsClients(cfg).sqs;
  const record = await poll("the failed hour's invocation record", 60_000, async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: outputs.HourlyFailuresQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const records = (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}"));
    return records.find((r) => r.requestPayload?.runId === runIds.get("2026-11-29T12"));
  });
  expect(record.requestContext).toMatchObject({ condition: "RetriesExhausted", approximateInvokeCount: 3 });
  expect(record.requestPayload).toEqual({ hour: "2026-11-29T12", runId: runIds.get("2026-11-29T12") });
});

test("running a published hour again produces nothing", async () => {
  const hour = "2026-11-29T10";
  const runId = await backfillHour(cfg, outputs, hour);
  const again = await poll("the second run's attempt", 60_000, async () => {
    const runs = (await runsOf(cfg, outputs, hour)).filter((r) => r.runId === runId && r.status !== "running");
    return runs[0];
  });
  expect(again).toMatchObject({ attempt: 1, status: "already-published", published: 0 });
  const published = (await runsOf(cfg, outputs, hour)).filter((r) => r.status === "published");
  expect(published).toHaveLength(1);
});
