/**
 * What `npm start` does for the hourly pipeline: fires the hourly schedule once per sample hour, as if due at the
 * top of the hour after it (the schedule's own path in the local Lambda service: its input template, an
 * asynchronous invoke, its RetryPolicy and dead-letter queue; then Lambda's retries and on-failure destination),
 * waits until each hour has its last attempt and the lake holds what was published, and returns the run table
 * and the lake's partitions. Started first and finished last, so AWS's retry delays (1 then 2 minutes) of the
 * always-failing hour overlap the other pipelines.
 */

import { hourStartMs } from "#hourly/hour";
import { partitionPrefix } from "#hourly/lake-layout";
import type { RunRecord } from "#hourly/run-records";
import type { LocalConfig } from "../../config";
import { runSchedule } from "../../lambda-service/daemon";
import { hourlyFile, SAMPLE_HOURS } from "../../sample-web/cases/hourly";
import type { Log } from "../../support/log";
import { lakePartitions } from "./lake";
import { type HourlyOutputs, runsOf } from "./runs";
import { formatHourSummaries, formatPartitions, lakeRowsOf, summarizeHour } from "./summary";

export interface HourlyJobOptions {
  readonly log: Log;
  readonly interactive: boolean;
  /** How long to wait for every hour's last attempt. @default 10 minutes (AWS's retry delays are 1 and 2 minutes) */
  readonly timeoutMs?: number;
}

/** The sample hours `npm start` runs: one of each case the sample web declares. */
export const START_HOURS: readonly string[] = Object.keys(SAMPLE_HOURS);

/** The firings of a started run: hour → the execution id its attempts are recorded under. */
export interface HourlyRunsStarted {
  readonly startedAt: number;
  readonly runIds: ReadonlyMap<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scheduleName(outputs: HourlyOutputs): string {
  const name = outputs.HourlyScheduleName;
  if (!name)
    throw new Error("the hourly stack is not deployed (no HourlyScheduleName output): run npm run deploy:local");
  return name;
}

/** The scheduled time (ISO) of the schedule's firing that ingests `hour`: the top of the next hour. */
export function firingFor(hour: string): string {
  return new Date(hourStartMs(hour) + 3_600_000).toISOString();
}

/** Fires the hourly schedule for each hour; returns at once (the attempts run in the Lambda service). */
export async function startHourlyRuns(
  cfg: LocalConfig,
  outputs: HourlyOutputs,
  hours: readonly string[],
  log: Log,
): Promise<HourlyRunsStarted> {
  const name = scheduleName(outputs);
  const runIds = new Map<string, string>();
  for (const hour of hours) runIds.set(hour, (await runSchedule(cfg, name, firingFor(hour))).executionId);
  log(`hourly: fired ${name} for ${hours.join(", ")}, each as if due at the top of the next hour`);
  return { startedAt: Date.now(), runIds };
}

/** True once an hour's run has its last attempt: a success or refusal, or its declared number of failures. */
function finished(hour: string, attempts: readonly RunRecord[]): boolean {
  const done = attempts.filter((r) => r.status !== "running");
  return done.some((r) => r.status !== "failed") || done.length >= hourlyFile(hour).declared.attempts;
}

/** Waits for every hour's last attempt and for the lake to hold what was published; returns the printout. */
export async function finishHourlyRuns(
  cfg: LocalConfig,
  outputs: HourlyOutputs & Record<string, string>,
  started: HourlyRunsStarted,
  options: HourlyJobOptions,
): Promise<string> {
  const hours = [...started.runIds.keys()];
  const attemptsOf = async (hour: string) =>
    (await runsOf(cfg, outputs, hour)).filter((r) => r.runId === started.runIds.get(hour));
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let attempts = new Map<string, RunRecord[]>();
  let lastNote = "";
  let lastNoteAt = 0;
  for (;;) {
    attempts = new Map(await Promise.all(hours.map(async (h) => [h, await attemptsOf(h)] as const)));
    const pending = hours.filter((h) => !finished(h, attempts.get(h) ?? []));
    if (pending.length === 0 || Date.now() > deadline) {
      if (pending.length > 0) options.log(`hourly: still retrying at the deadline: ${pending.join(", ")}`);
      break;
    }
    const note = pending
      .map((h) => `${h} (${(attempts.get(h) ?? []).filter((r) => r.status === "failed").length} failed)`)
      .join(", ");
    if (note !== lastNote || Date.now() - lastNoteAt > 30_000) {
      const waited = ((Date.now() - started.startedAt) / 1000).toFixed(0);
      options.log(
        `hourly: ${waited} s, waiting for the last attempt of ${note}; Lambda retries 1, then 2 minutes later`,
      );
      lastNote = note;
      lastNoteAt = Date.now();
    }
    await sleep(2000);
  }
  // The lake writer consumes `observations` on its own: wait until every published hour's rows are there.
  const days = [...new Set(hours.map((h) => h.slice(0, 10)))];
  const prefixes = days.map(partitionPrefix);
  const readLake = async () => (await Promise.all(prefixes.map((p) => lakePartitions(cfg, outputs, p)))).flat();
  let partitions = await readLake();
  const lakeDeadline = Date.now() + 120_000;
  const missing = () =>
    hours.filter((h) => {
      const published = (attempts.get(h) ?? []).find((r) => r.status === "published")?.published ?? 0;
      return lakeRowsOf(h, partitions) < published;
    });
  while (missing().length > 0 && Date.now() < lakeDeadline) {
    await sleep(2000);
    partitions = await readLake();
  }
  if (missing().length > 0) options.log(`hourly: the lake does not hold all rows yet of ${missing().join(", ")}`);
  const table = formatHourSummaries(hours.map((h) => summarizeHour(h, attempts.get(h) ?? [], partitions)));
  return [
    "the hourly pipeline: one run per sample hour through its schedule (attempts include Lambda's retries)",
    table,
    `the lake (${prefixes.join(", ")}), read back with DuckDB (hive_partitioning)`,
    formatPartitions(partitions),
  ].join("\n");
}

/** Fires the sample hours and waits for them: `startHourlyRuns` then `finishHourlyRuns`. */
export async function runHourlyJob(
  cfg: LocalConfig,
  outputs: HourlyOutputs & Record<string, string>,
  options: HourlyJobOptions,
): Promise<string> {
  const started = await startHourlyRuns(cfg, outputs, START_HOURS, options.log);
  return finishHourlyRuns(cfg, outputs, started, options);
}
