/**
 * `sluice hourly backfill --hour YYYY-MM-DDTHH`: ingest a past hour by an asynchronous invoke of ingest, as one would
 * backfill on AWS (Lambda's retries and on-failure destination apply; the schedule is not involved).
 */
import { parseArgs } from "node:util";
import type { LocalConfig } from "../../config";
import { stackOutputs } from "../../support/aws";
import type { Log } from "../../support/log";
import { backfillHour, formatRuns, runsOf } from "./runs";

export const BACKFILL_HELP = `usage: sluice hourly backfill --hour YYYY-MM-DDTHH [--wait SECONDS]

Invokes the ingest function asynchronously for a past hour (UTC), as one would backfill on AWS; the schedule is not
involved (\`schedule run sluice-hourly-ingest --at TIME\` goes through it). Lambda retries a failing hour twice,
then sends it to the on-failure queue (output HourlyFailuresQueueUrl).
An hour an earlier run published is not produced again (its attempt says already-published).

  --hour H      the hour, e.g. 2026-11-29T10
  --wait S      wait up to S seconds for the first attempt and print the hour's run table (default 60; 0: don't)`;

export async function hourlyCommand(cfg: LocalConfig, args: readonly string[], log: Log): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "backfill" || rest.includes("--help") || rest.includes("-h")) {
    log(BACKFILL_HELP);
    return action === "backfill" ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { hour: { type: "string" }, wait: { type: "string" } },
    strict: true,
  });
  if (!values.hour) throw new Error(`--hour is required\n\n${BACKFILL_HELP}`);
  const waitS = values.wait === undefined ? 60 : Number(values.wait);
  if (!Number.isFinite(waitS) || waitS < 0) throw new Error(`--wait must be a number of seconds, got "${values.wait}"`);
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const runId = await backfillHour(cfg, outputs, values.hour);
  log(`invoked ingest for ${values.hour} asynchronously (run ${runId})`);
  const deadline = Date.now() + waitS * 1000;
  while (Date.now() < deadline) {
    const runs = (await runsOf(cfg, outputs, values.hour)).filter((r) => r.runId === runId);
    if (runs.some((r) => r.status !== "running")) {
      log(formatRuns(runs));
      return 0;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (waitS > 0) log(`no attempt finished within ${waitS} s; the run records will show it (HourlyRunsTableName)`);
  return 0;
}
