/**
 * Fires the assembly's schedules and scheduled rules on the local service, because LocalStack community
 * never fires Scheduler schedules and hands rule targets to its Docker-only Lambda. Time comes from an
 * injected clock (tests move it instead of waiting), and a firing is handed to Lambda through one injected
 * asynchronous invoke; when that hand-off fails, the target's RetryPolicy and dead-letter queue apply.
 */
import { randomUUID } from "node:crypto";
import { targetPayload } from "./input";
import { type FireWindow, nextFire } from "./next-fire";
import type { ScheduleSpec, ScheduleTarget } from "./schedule-spec";
import { eventTime, scheduledEvent, schedulerInput } from "./scheduled-event";

export interface Clock {
  now(): number;
}

/** Dead-letter message: the body the target would have received, with AWS's message attributes. */
export type DeadLetterSender = (queueArn: string, body: string, attributes: Record<string, string>) => Promise<void>;

export interface SchedulerDeps {
  readonly clock: Clock;
  /** Hands an event to Lambda asynchronously (InvocationType Event); rejects when the hand-off fails. */
  readonly invokeAsync: (functionName: string, payload: Buffer) => Promise<void>;
  readonly deadLetter: DeadLetterSender;
  readonly env: { readonly region: string; readonly accountId: string };
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
  /** Delay before retry n (1-based) of a failed hand-off. Default: 1 s doubling to 60 s. */
  readonly retryDelayMs?: (retry: number) => number;
  /** How often the clock is looked at. Default 1000 ms. */
  readonly tickMs?: number;
  /**
   * Where each schedule's anchor and last firing are kept across restarts of the service (default: nowhere).
   * On AWS a schedule keeps firing while nobody watches; here the service is the one who fires, so a restart
   * must not fire a `rate()` schedule again at its new start, nor forget a firing missed while it was down.
   */
  readonly memory?: ScheduleMemory;
}

/** What the scheduler remembers of one schedule, by ARN. */
export interface RememberedSchedule {
  /** The schedule's definition as the scheduler saw it: a changed definition starts afresh, as a redeploy does. */
  readonly key: string;
  /** When it was created (the anchor of a `rate()` expression). */
  readonly anchorMs: number;
  /** The scheduled time of its last firing. */
  readonly lastFireMs?: number;
}

export interface ScheduleMemory {
  load(): ReadonlyMap<string, RememberedSchedule>;
  save(schedules: ReadonlyMap<string, RememberedSchedule>): void;
}

export interface ScheduleStatus {
  readonly name: string;
  readonly kind: ScheduleSpec["kind"];
  readonly arn: string;
  readonly expression: string;
  readonly zone: string;
  readonly enabled: boolean;
  readonly targets: readonly string[];
  /** ISO instant of the next firing; absent when it will not fire again. */
  readonly nextFire?: string;
  readonly lastFire?: string;
  readonly fired: number;
  readonly failedHandOffs: number;
  readonly note?: string;
}

/** A firing by hand: the schedule's status, and the firing's scheduled time and execution id. */
export interface ScheduleRun extends ScheduleStatus {
  /** ISO instant: `<aws.scheduler.scheduled-time>` of this firing. */
  readonly scheduledTime: string;
  /** `<aws.scheduler.execution-id>` of this firing. */
  readonly executionId: string;
}

interface Entry {
  spec: ScheduleSpec;
  key: string;
  window: FireWindow;
  next: number | undefined;
  lastFire?: number;
  /** The scheduled time of its last firing by the clock (not by hand): what a restart continues after. */
  lastDue?: number;
  fired: number;
  failedHandOffs: number;
}

function defaultRetryDelay(retry: number): number {
  return Math.min(1000 * 2 ** (retry - 1), 60_000);
}

export class LocalScheduler {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: SchedulerDeps) {}

  /**
   * Replaces the schedules; one whose spec did not change keeps its anchor and next firing. A schedule the
   * memory knows with the same spec (the service restarted) keeps its anchor and continues after its last
   * firing: one missed while the service was down fires once, now.
   */
  setSchedules(specs: readonly ScheduleSpec[]): void {
    if (specs.length === 0 && this.entries.size === 0) return; // nothing loaded yet: keep what memory holds
    const now = this.deps.clock.now();
    const remembered = this.entries.size === 0 ? (this.deps.memory?.load() ?? new Map()) : new Map();
    const next = new Map<string, Entry>();
    for (const spec of specs) {
      const key = JSON.stringify(spec);
      const old = this.entries.get(spec.arn);
      if (old && old.key === key) {
        next.set(spec.arn, old);
        continue;
      }
      const known = remembered.get(spec.arn);
      const same = known?.key === key ? known : undefined;
      const window: FireWindow = {
        startMs: spec.startMs,
        endMs: spec.endMs,
        anchorMs: same?.anchorMs ?? now,
        rateFiresAtAnchor: spec.kind === "schedule",
      };
      const entry: Entry = { spec, key, window, next: undefined, fired: 0, failedHandOffs: 0 };
      if (same?.lastFireMs !== undefined) entry.lastDue = same.lastFireMs;
      const after = same ? (same.lastFireMs ?? same.anchorMs - 1) : now - 1;
      entry.next = spec.enabled ? nextFire(spec.expression, spec.zone, window, after) : undefined;
      next.set(spec.arn, entry);
    }
    this.entries = next;
    this.remember();
  }

  private remember(): void {
    const { memory } = this.deps;
    if (!memory) return;
    const schedules = new Map<string, RememberedSchedule>();
    for (const [arn, e] of this.entries) {
      schedules.set(arn, {
        key: e.key,
        anchorMs: e.window.anchorMs,
        ...(e.lastDue === undefined ? {} : { lastFireMs: e.lastDue }),
      });
    }
    memory.save(schedules);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.deps.tickMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  /** Fires every schedule that is due by the clock (once, however many firings a clock jump skipped). */
  tick(): void {
    const now = this.deps.clock.now();
    for (const entry of this.entries.values()) {
      if (entry.next === undefined || entry.next > now) continue;
      const due = entry.next;
      entry.next = nextFire(entry.spec.expression, entry.spec.zone, entry.window, Math.max(due, now));
      entry.lastDue = due;
      this.fire(entry, due);
      this.remember();
    }
  }

  /**
   * Fires one schedule (by name or ARN) now, whatever its expression and state says, as if it were due at
   * `scheduledMs` (default: now): the target's input templating, RetryPolicy and dead-letter queue apply.
   * The schedule's next firing is not moved.
   */
  runNow(name: string, scheduledMs?: number): ScheduleRun {
    const entry = [...this.entries.values()].find((e) => e.spec.name === name || e.spec.arn === name);
    if (!entry) {
      const known = [...this.entries.values()].map((e) => e.spec.name).sort();
      throw new Error(`no schedule or scheduled rule named ${name} (known: ${known.join(", ") || "none"})`);
    }
    if (scheduledMs !== undefined && !Number.isFinite(scheduledMs)) {
      throw new Error("the scheduled time must be an instant");
    }
    const at = scheduledMs ?? this.deps.clock.now();
    const executionId = this.fire(entry, at);
    return { ...this.describe(entry), scheduledTime: eventTime(at), executionId };
  }

  status(): ScheduleStatus[] {
    return [...this.entries.values()].map((e) => this.describe(e));
  }

  private describe(e: Entry): ScheduleStatus {
    const { spec } = e;
    return {
      name: spec.name,
      kind: spec.kind,
      arn: spec.arn,
      expression: spec.expression.text,
      zone: spec.zone,
      enabled: spec.enabled,
      targets: spec.targets.map((t) => t.functionName),
      ...(e.next === undefined ? {} : { nextFire: new Date(e.next).toISOString() }),
      ...(e.lastFire === undefined ? {} : { lastFire: new Date(e.lastFire).toISOString() }),
      fired: e.fired,
      failedHandOffs: e.failedHandOffs,
      ...(spec.flexibleWindowMinutes === undefined
        ? {}
        : { note: `fires at the start of its ${spec.flexibleWindowMinutes}-minute flexible window` }),
    };
  }

  /** Hands one firing to every target; returns its execution id. */
  private fire(entry: Entry, scheduledMs: number): string {
    entry.fired += 1;
    entry.lastFire = scheduledMs;
    const { spec } = entry;
    const event = spec.kind === "rule" ? scheduledEvent(spec.arn, scheduledMs, this.deps.env) : undefined;
    const executionId = randomUUID();
    this.deps.log("info", "schedule fired", { schedule: spec.name, scheduledTime: eventTime(scheduledMs) });
    for (const target of spec.targets) {
      const payload = (attempt: number): string =>
        target.input.kind === "scheduler"
          ? schedulerInput(target.input.input, {
              scheduleArn: spec.arn,
              scheduledTimeMs: scheduledMs,
              executionId,
              attemptNumber: attempt,
            })
          : targetPayload(target.input, event, spec.arn);
      void this.deliver(entry, target, scheduledMs, executionId, payload, 1);
    }
    return executionId;
  }

  /** One hand-off attempt; on failure another after a delay, until the RetryPolicy is spent, then the DLQ. */
  private async deliver(
    entry: Entry,
    target: ScheduleTarget,
    scheduledMs: number,
    executionId: string,
    payload: (attempt: number) => string,
    attempt: number,
  ): Promise<void> {
    const body = payload(attempt);
    try {
      await this.deps.invokeAsync(target.functionName, Buffer.from(body));
      return;
    } catch (error) {
      entry.failedHandOffs += 1;
      const ageSeconds = (this.deps.clock.now() - scheduledMs) / 1000;
      const retriesLeft = attempt <= target.retry.maximumRetryAttempts;
      const delay = (this.deps.retryDelayMs ?? defaultRetryDelay)(attempt);
      const fields = {
        schedule: entry.spec.name,
        function: target.functionName,
        attempt,
        error: (error as Error).message,
      };
      if (retriesLeft && ageSeconds + delay / 1000 <= target.retry.maximumEventAgeSeconds) {
        this.deps.log("warn", "schedule could not hand its event to Lambda; retrying", { ...fields, retryInMs: delay });
        const t = setTimeout(() => {
          this.pending.delete(t);
          void this.deliver(entry, target, scheduledMs, executionId, payload, attempt + 1);
        }, delay);
        this.pending.add(t);
        return;
      }
      if (!target.deadLetterArn) {
        this.deps.log("error", "schedule gave up handing its event to Lambda (no dead-letter queue)", fields);
        return;
      }
      const targetArn = `arn:aws:lambda:${this.deps.env.region}:${this.deps.env.accountId}:function:${target.functionName}`;
      const attributes: Record<string, string> =
        entry.spec.kind === "schedule"
          ? {
              ERROR_CODE: (error as Error).name,
              ERROR_MESSAGE: (error as Error).message,
              EXECUTION_ID: executionId,
              RETRY_ATTEMPTS: String(attempt - 1),
              SCHEDULE_ARN: entry.spec.arn,
              TARGET_ARN: targetArn,
            }
          : {
              ERROR_CODE: (error as Error).name,
              ERROR_MESSAGE: (error as Error).message,
              RETRY_ATTEMPTS: String(attempt - 1),
              RULE_ARN: entry.spec.arn,
              TARGET_ARN: targetArn,
            };
      try {
        await this.deps.deadLetter(target.deadLetterArn, body, attributes);
        this.deps.log("warn", "schedule event sent to its dead-letter queue", {
          ...fields,
          queue: target.deadLetterArn,
        });
      } catch (dlqError) {
        this.deps.log("error", "could not send to the dead-letter queue", {
          ...fields,
          queue: target.deadLetterArn,
          dlqError: (dlqError as Error).message,
        });
      }
    }
  }
}
