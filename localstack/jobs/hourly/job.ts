/**
 * What `npm start` does for the hourly pipeline (the integrator wires it): runs the sample web's bad and good
 * hours through ingest by asynchronous invocation, the path a schedule's firing takes (so Lambda's retries and the
 * on-failure destination apply), waits until each hour has its final attempt, and returns the run table.
 */

import type { LocalConfig } from "../../config";
import { hourlyFile, SAMPLE_HOURS } from "../../sample-web/cases/hourly";
import type { Log } from "../../support/log";
import { backfillHour, formatRuns, type HourlyOutputs, runsOf } from "./runs";

export interface HourlyJobOptions {
  readonly log: Log;
  readonly interactive: boolean;
  /** How long to wait for every hour's last attempt. @default 10 minutes (AWS's retry delays are 1 and 2 minutes) */
  readonly timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runHourlyJob(
  cfg: LocalConfig,
  outputs: HourlyOutputs,
  options: HourlyJobOptions,
): Promise<string> {
  const hours = Object.keys(SAMPLE_HOURS);
  const runIds = new Map<string, string>();
  for (const hour of hours) runIds.set(hour, await backfillHour(cfg, outputs, hour));
  options.log(`hourly: invoked ingest for ${hours.join(", ")}; waiting for each hour's last attempt`);
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  const finished = async (hour: string) => {
    const declared = hourlyFile(hour).declared;
    const mine = (await runsOf(cfg, outputs, hour)).filter((r) => r.runId === runIds.get(hour));
    const done = mine.filter((r) => r.status !== "running");
    return done.some((r) => r.status !== "failed") || done.length >= declared.attempts;
  };
  let pending = hours;
  while (pending.length > 0 && Date.now() < deadline) {
    const states = await Promise.all(pending.map(async (h) => [h, await finished(h)] as const));
    pending = states.filter(([, done]) => !done).map(([h]) => h);
    if (pending.length > 0) await sleep(2000);
  }
  if (pending.length > 0) options.log(`hourly: still retrying at the deadline: ${pending.join(", ")}`);
  const runs = (await Promise.all(hours.map((h) => runsOf(cfg, outputs, h)))).flat();
  return `the hourly pipeline's runs (one line per attempt)\n${formatRuns(runs)}`;
}
