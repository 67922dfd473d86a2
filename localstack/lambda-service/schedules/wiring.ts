/**
 * How the service runs its scheduler: the clock (the real one, or under SLUICE_TEST_CLOCK=1 one that tests
 * set through POST /_sluice/clock, so no test waits for real minutes), the retry delays (shortened by
 * SLUICE_SCHEDULER_RETRY_DELAY_MS for tests; both read in config.ts) and the SQS dead-letter sender.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { LocalConfig } from "../../config";
import {
  type Clock,
  type DeadLetterSender,
  LocalScheduler,
  type RememberedSchedule,
  type ScheduleMemory,
  type SchedulerDeps,
} from "./scheduler";

/** The real clock moved by an offset that tests set. */
export class SettableClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Sets "now" to an instant, or moves it by a number of seconds. */
  set(change: { readonly now?: string; readonly advanceSeconds?: number }): number {
    if (change.now !== undefined) {
      const ms = Date.parse(change.now);
      if (!Number.isFinite(ms)) throw new Error(`"now" is not an ISO instant: ${change.now}`);
      this.offsetMs = ms - Date.now();
    }
    if (change.advanceSeconds !== undefined) {
      if (!Number.isFinite(change.advanceSeconds)) throw new Error(`"advanceSeconds" must be a number of seconds`);
      this.offsetMs += change.advanceSeconds * 1000;
    }
    return this.now();
  }
}

export interface SchedulerSettings {
  /** Set when tests may move the clock. */
  readonly testClock?: SettableClock;
  readonly clock: Clock;
  readonly retryDelayMs?: (retry: number) => number;
}

/** The scheduler's part of the service's configuration. */
export type SchedulerConfig = Pick<LocalConfig["lambdaService"], "testClock" | "schedulerRetryDelayMs">;

export function schedulerSettings(config: SchedulerConfig): SchedulerSettings {
  const testClock = config.testClock ? new SettableClock() : undefined;
  const fixed = config.schedulerRetryDelayMs;
  return {
    testClock,
    clock: testClock ?? { now: () => Date.now() },
    ...(fixed === undefined ? {} : { retryDelayMs: () => fixed }),
  };
}

export interface ServiceScheduler {
  readonly scheduler: LocalScheduler;
  /** Moves the test clock and fires what became due; only under SLUICE_TEST_CLOCK=1. */
  readonly setClock?: (change: { now?: string; advanceSeconds?: number }) => { now: string };
}

/** Where the service remembers its schedules' firings: beside its other state, wiped by `local:reset`. */
export function scheduleMemoryFile(cfg: Pick<LocalConfig, "stateDir">): string {
  return join(cfg.stateDir, "lambda-service", "schedules.json");
}

/**
 * The schedules' anchors and last firings in a JSON file (written whole, through a rename), so that a restarted
 * service neither fires a `rate()` schedule again at its start nor forgets one it missed. A file that cannot
 * be read is reported and the schedules start afresh, as after a deploy.
 */
export function fileScheduleMemory(file: string, log: SchedulerDeps["log"]): ScheduleMemory {
  return {
    load() {
      let raw: string;
      try {
        raw = readFileSync(file, "utf8");
      } catch {
        return new Map();
      }
      try {
        const parsed = JSON.parse(raw) as Record<string, RememberedSchedule>;
        const valid = Object.entries(parsed).filter(
          ([, s]) =>
            typeof s?.key === "string" &&
            Number.isFinite(s.anchorMs) &&
            (s.lastFireMs === undefined || Number.isFinite(s.lastFireMs)),
        );
        return new Map(valid);
      } catch (error) {
        log("warn", "the schedules' memory is unreadable; they start afresh", {
          file,
          error: (error as Error).message,
        });
        return new Map();
      }
    },
    save(schedules) {
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(Object.fromEntries(schedules), null, 1)}\n`);
      renameSync(temp, file);
    },
  };
}

/**
 * The service's scheduler: clock and retry delays from the configuration, dead letters to SQS, firings
 * remembered in memoryFile — except under the test clock, whose moved "now" would be remembered as real.
 */
export function serviceScheduler(
  config: SchedulerConfig,
  deps: Pick<SchedulerDeps, "invokeAsync" | "env" | "log"> & {
    readonly sqs: () => Promise<SQSClient>;
    readonly memoryFile?: string;
  },
): ServiceScheduler {
  const settings = schedulerSettings(config);
  const remember = deps.memoryFile !== undefined && !settings.testClock;
  const scheduler = new LocalScheduler({
    clock: settings.clock,
    invokeAsync: deps.invokeAsync,
    deadLetter: sqsDeadLetterSender(deps.sqs),
    env: deps.env,
    log: deps.log,
    ...(settings.retryDelayMs ? { retryDelayMs: settings.retryDelayMs } : {}),
    ...(remember && deps.memoryFile ? { memory: fileScheduleMemory(deps.memoryFile, deps.log) } : {}),
  });
  const { testClock } = settings;
  if (!testClock) return { scheduler };
  return {
    scheduler,
    setClock(change) {
      const now = testClock.set(change);
      scheduler.tick();
      return { now: new Date(now).toISOString() };
    },
  };
}

/** Sends a dead-letter message to an SQS queue by ARN, its attributes as SQS string attributes. */
export function sqsDeadLetterSender(sqs: () => Promise<SQSClient>): DeadLetterSender {
  const urls = new Map<string, string>();
  return async (queueArn, body, attributes) => {
    const { GetQueueUrlCommand, SendMessageCommand } = await import("@aws-sdk/client-sqs");
    const client = await sqs();
    let url = urls.get(queueArn);
    if (url === undefined) {
      // require, not a static import: the destinations module loads SDK clients the service loads lazily.
      const { queueOf } = require("../esm/destinations") as typeof import("../esm/destinations");
      const queue = queueOf(queueArn);
      const { QueueUrl } = await client.send(
        new GetQueueUrlCommand({
          QueueName: queue.name,
          ...(queue.account !== "" ? { QueueOwnerAWSAccountId: queue.account } : {}),
        }),
      );
      if (!QueueUrl) throw new Error(`no URL for queue ${queueArn}`);
      url = QueueUrl;
      urls.set(queueArn, url);
    }
    await client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v.slice(0, 1000) || "-" }]),
        ),
      }),
    );
  };
}
