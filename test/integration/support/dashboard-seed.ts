/**
 * What the dashboard's tests seed through the real pipelines: an hour of the hourly pipeline (a normal sample hour
 * of a day of this run's own, so its runs and lake partition hold only this run's data) and a few sample people
 * through the face pipeline. Each returns what the sample declares, the tests' oracle.
 */

import { type JobResult, runJob } from "#local/jobs/faces/job";
import { lakePartitions } from "#local/jobs/hourly/lake";
import { backfillHour, runsOf } from "#local/jobs/hourly/runs";
import { type DeclaredHour, hourlyFile } from "#local/sample-web/cases/hourly";
import { readSampleManifest } from "#local/sample-web/daemon";
import type { Manifest } from "#local/sample-web/manifest";
import { waitFor } from "#local/support/proc";
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
}

/** The sample web's first `count` people through the face pipeline, drained. */
export async function seedPeople(outputs: Record<string, string>, count: number, tag: string): Promise<SeededPeople> {
  const manifest = readSampleManifest(cfg);
  const log = (m: string): void => {
    process.stderr.write(`[${tag}] ${m}\n`);
  };
  const job = await runJob(cfg, outputs, { from: "sample", limit: count, log, interactive: false });
  return { manifest, people: manifest.people.slice(0, count), job };
}
