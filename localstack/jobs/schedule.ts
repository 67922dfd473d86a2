/** `sluice schedule run NAME [--at TIME]`: fire a schedule of the local Lambda service, now or as if due at TIME. */
import { parseArgs } from "node:util";
import type { LocalConfig } from "../config";
import { parseScheduledTime, runSchedule } from "../lambda-service/daemon";
import type { Log } from "../support/log";

export const SCHEDULE_HELP = `usage: npx tsx localstack/cli.ts schedule run NAME [--at TIME]

Fires a schedule (EventBridge Scheduler) or scheduled rule (EventBridge) that the local Lambda service runs, now,
whatever its expression and state say. The firing takes the schedule's own path: its target's Input with the
context attributes filled in (<aws.scheduler.scheduled-time>, <aws.scheduler.execution-id>, …), an asynchronous
invoke, the target's RetryPolicy and dead-letter queue when the hand-off fails. Its next firing is not moved.

  NAME        the schedule's or rule's name or ARN (npm run local:status lists them), e.g. sluice-hourly-ingest
  --at TIME   the firing's scheduled time, ISO 8601 with its zone (default: now), e.g. 2026-11-29T12:00:00Z;
              the hourly ingest schedule then ingests the hour before it (2026-11-29T11)`;

export interface ScheduleRunArgs {
  readonly name: string;
  /** ISO instant, validated. */
  readonly at?: string;
}

/** The arguments of `schedule run`, or a message that says what is wrong (with the usage). */
export function parseScheduleArgs(args: readonly string[]): ScheduleRunArgs {
  const usage = (message: string) => new Error(`${message}\n\n${SCHEDULE_HELP}`);
  let parsed: ReturnType<typeof parseArgs<{ options: { at: { type: "string" } }; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: { at: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const [action, name, ...extra] = parsed.positionals;
  if (action !== "run")
    throw usage(action === undefined ? "schedule needs an action: run" : `unknown action "${action}"`);
  if (!name) throw usage("schedule run needs the schedule's name");
  if (extra.length > 0) throw usage(`unexpected arguments: ${extra.join(" ")}`);
  const at = parsed.values.at;
  if (at !== undefined) parseScheduledTime(at);
  return at === undefined ? { name } : { name, at };
}

export async function scheduleCommand(cfg: LocalConfig, args: readonly string[], log: Log): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    log(SCHEDULE_HELP);
    return 0;
  }
  const { name, at } = parseScheduleArgs(args);
  const fired = await runSchedule(cfg, name, at);
  log(
    `fired ${fired.name} (${fired.expression}) at scheduled time ${fired.scheduledTime} → ${fired.targets.join(", ")}; execution ${fired.executionId}; next ${fired.nextFire ?? "never"}`,
  );
  return 0;
}
