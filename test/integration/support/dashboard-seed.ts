/**
 * What the dashboard's tests seed through the real pipelines: an hour of the hourly pipeline (a normal sample hour
 * of a day of this run's own, so its runs and lake partition hold only this run's data) and a few sample people
 * through the face pipeline. Each returns what the sample declares, the tests' oracle.
 */

import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type JobResult, runJob } from "#local/jobs/faces/job";
import { lakePartitions } from "#local/jobs/hourly/lake";
import { backfillHour, runsOf } from "#local/jobs/hourly/runs";
import { type DeclaredHour, hourlyFile } from "#local/sample-web/cases/hourly";
import { readSampleManifest } from "#local/sample-web/daemon";
import type { Manifest } from "#local/sample-web/manifest";
import { awsClients } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { listObjects } from "#shared/s3-objects";
import { DATASET_PREFIX } from "../../../lambdas/faces/clean/dataset";
import { cfg } from "../helpers";

/** An hour of a day of this run's own (some day of 2001-2027), 10:00 UTC. */
export function ownHour(): string {
  const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 9_800) * 86_400_000);
  return `${day.toISOString().slice(0, 10)}T10`;
}

export interface SeededHour {
  readonly hour: string;
  readonly runId: string;
  readonly declared: DeclaredHour;
  /** Rows in the hour's lake partition, read by DuckDB once the lake writer has written them all. */
  readonly lakeRows: number;
}

/** Runs ingest for an own, normal hour asynchronously (the schedule's path) and waits for its rows in the lake. */
export async function seedHour(outputs: Record<string, string>): Promise<SeededHour> {
  const hour = ownHour();
  const declared = hourlyFile(hour).declared;
  if (declared.status !== "published") throw new Error(`${hour} is not a normal sample hour`);
  const runId = await backfillHour(cfg, outputs, hour);
  await waitFor(
    `the run of ${hour}`,
    async () => {
      const runs = await runsOf(cfg, outputs, hour);
      return runs.some((r) => r.runId === runId && r.status === "published") ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  const prefix = `lake/observations/dt=${hour.slice(0, 10)}/hour=${hour.slice(11, 13)}/`;
  const lakeRows = await waitFor(
    `${declared.kept} rows of ${hour} in the lake`,
    async () => {
      const rows = (await lakePartitions(cfg, outputs, prefix)).reduce((n, p) => n + p.rows, 0);
      return rows >= declared.kept ? rows : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  return { hour, runId, declared, lakeRows };
}

export interface SeededPeople {
  readonly manifest: Manifest;
  readonly people: Manifest["people"];
  readonly job: JobResult;
  /**
   * Removes what the seeding wrote for these people: their metadata items and the dataset files written since
   * (they hold only their rows: integration tests run one at a time). The end-to-end pipeline test expects the
   * sample's people never seen before, so a test that seeds them must leave no trace; their items are removed
   * before seeding too, so the seeding's outcomes are a first sighting's, as the sample declares them.
   */
  readonly forget: () => Promise<void>;
}

/** The sample web's first `count` people through the face pipeline, drained. */
export async function seedPeople(outputs: Record<string, string>, count: number, tag: string): Promise<SeededPeople> {
  const manifest = readSampleManifest(cfg);
  const log = (m: string): void => {
    process.stderr.write(`[${tag}] ${m}\n`);
  };
  const { s3, documents } = awsClients(cfg);
  const lakeBucket = outputs.LakeBucketName as string;
  const table = outputs.MetadataTableName as string;
  const datasetKeys = async () => new Set((await listObjects(s3, lakeBucket, `${DATASET_PREFIX}/`)).map((o) => o.key));
  const before = await datasetKeys();
  const people = manifest.people.slice(0, count);
  const forgetItems = async () => {
    for (const person of people) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `PERSON#${person.wikidataId}` },
          ProjectionExpression: "pk, sk",
          ConsistentRead: true,
        }),
      );
      for (let i = 0; i < Items.length; i += 25) {
        const batch = Items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
        await documents.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
      }
    }
  };
  const forget = async () => {
    for (const key of await datasetKeys()) {
      if (!before.has(key)) await s3.send(new DeleteObjectCommand({ Bucket: lakeBucket, Key: key }));
    }
    await forgetItems();
  };
  // Whatever an earlier run (or the end-to-end test) recorded of them: this run sees them for the first time.
  await forgetItems();
  try {
    const job = await runJob(cfg, outputs, { from: "sample", limit: count, log, interactive: false });
    return { manifest, people, job, forget };
  } catch (error) {
    await forget();
    throw error;
  }
}
