/**
 * The event EventBridge sends a rule's targets when a schedule fires (AWS's "Scheduled Event"), and the
 * context attributes EventBridge Scheduler substitutes into a schedule's Input.
 */
import { randomUUID } from "node:crypto";

export interface ScheduledEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": "Scheduled Event";
  readonly source: "aws.events";
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, never>;
}

/** ISO 8601 in UTC with seconds precision, as EventBridge writes `time`: 2026-03-29T01:30:00Z. */
export function eventTime(instantMs: number): string {
  return `${new Date(instantMs).toISOString().slice(0, 19)}Z`;
}

export function scheduledEvent(
  ruleArn: string,
  instantMs: number,
  env: { region: string; accountId: string },
): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: env.accountId,
    time: eventTime(instantMs),
    region: env.region,
    resources: [ruleArn],
    detail: {},
  };
}

export interface SchedulerContext {
  readonly scheduleArn: string;
  /** The scheduled time of this firing (not the attempt's). */
  readonly scheduledTimeMs: number;
  readonly executionId: string;
  readonly attemptNumber: number;
}

/**
 * Scheduler's Input with its context attributes replaced: <aws.scheduler.schedule-arn>,
 * <aws.scheduler.scheduled-time>, <aws.scheduler.execution-id>, <aws.scheduler.attempt-number>.
 */
export function schedulerInput(input: string | undefined, ctx: SchedulerContext): string {
  if (input === undefined) return "{}";
  const values: Record<string, string> = {
    "aws.scheduler.schedule-arn": ctx.scheduleArn,
    "aws.scheduler.scheduled-time": eventTime(ctx.scheduledTimeMs),
    "aws.scheduler.execution-id": ctx.executionId,
    "aws.scheduler.attempt-number": String(ctx.attemptNumber),
  };
  return input.replace(/<(aws\.scheduler\.[a-z-]+)>/g, (whole, name: string) => values[name] ?? whole);
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The epoch milliseconds of a scheduled time given by hand (`--at`): ISO 8601 with its zone, e.g.
 * `2026-11-29T12:00:00Z` or `2026-11-29T13:00+01:00`. Throws a message that says what is accepted.
 */
export function parseScheduledTime(text: string): number {
  const m = INSTANT.exec(text);
  const expected = "expected an ISO 8601 instant with its zone, e.g. 2026-11-29T12:00:00Z";
  if (!m) throw new Error(`"${text}" is not a scheduled time: ${expected}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as number[];
  const daysInMonth = new Date(Date.UTC(year as number, month as number, 0)).getUTCDate();
  if (
    (month as number) < 1 ||
    (month as number) > 12 ||
    (day as number) < 1 ||
    (day as number) > daysInMonth ||
    (hour as number) > 23 ||
    (minute as number) > 59 ||
    (second as number) > 59
  ) {
    throw new Error(`"${text}" is not a real date and time: ${expected}`);
  }
  return Date.parse(text);
}
