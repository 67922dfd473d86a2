/**
 * What Lambda does after each attempt of an asynchronous event, as pure decisions (no clock, no I/O), so
 * the documented schedule is tested exactly and the queue only carries it out.
 *
 * From the Lambda developer guide ("How Lambda handles errors and retries with asynchronous invocation"):
 *  - A function error: by default two more attempts, one minute after the first and two minutes after
 *    the second (MaximumRetryAttempts 0-2 sets how many).
 *  - A throttle (429) or a system error (5xx): the event goes back to the queue and is tried again until it
 *    is older than MaximumEventAgeInSeconds (default 6 hours), waits growing exponentially from 1 second to
 *    at most 5 minutes.
 *  - An event older than the maximum age is discarded (condition EventAgeExceeded); one whose retries are
 *    used up is discarded with RetriesExhausted; a success is recorded with Success.
 */
import type { EventInvokeConfig } from "./invoke-config";

export interface RetryDelays {
  /** Wait before the 2nd and the 3rd attempt after a function error. AWS: 60 s, 120 s. */
  readonly functionErrorMs: readonly [number, number];
  /** First wait after a throttle or service error, doubled each time up to throttleMaxMs. AWS: 1 s. */
  readonly throttleMinMs: number;
  /** AWS: 5 minutes. */
  readonly throttleMaxMs: number;
}

export const AWS_RETRY_DELAYS: RetryDelays = {
  functionErrorMs: [60_000, 120_000],
  throttleMinMs: 1_000,
  throttleMaxMs: 300_000,
};

/**
 * The delays from SLUICE_ASYNC_RETRY_DELAYS_MS: "<1st>,<2nd>[,<throttle min>,<throttle max>]" in
 * milliseconds (tests shorten them); AWS's when unset.
 */
export function retryDelaysFromEnv(value: string | undefined): RetryDelays {
  if (value === undefined || value.trim() === "") return AWS_RETRY_DELAYS;
  const parts = value.split(",").map((p) => Number(p.trim()));
  if ((parts.length !== 2 && parts.length !== 4) || parts.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(
      `SLUICE_ASYNC_RETRY_DELAYS_MS must be "<first>,<second>" or "<first>,<second>,<throttle min>,<throttle max>" in milliseconds, got "${value}"`,
    );
  }
  const [first = 0, second = 0, min = AWS_RETRY_DELAYS.throttleMinMs, max = AWS_RETRY_DELAYS.throttleMaxMs] = parts;
  return { functionErrorMs: [first, second], throttleMinMs: min, throttleMaxMs: Math.max(min, max) };
}

/** The outcome of one attempt. */
export type AttemptOutcome = "success" | "function-error" | "throttled" | "service-error";

export type DiscardCondition = "RetriesExhausted" | "EventAgeExceeded";

/** What to do next with an event. */
export type NextStep =
  | { readonly action: "success" }
  | { readonly action: "discard"; readonly condition: DiscardCondition }
  | { readonly action: "retry"; readonly atMs: number };

export interface EventProgress {
  /** Epoch ms when Lambda accepted the event. */
  readonly enqueuedAtMs: number;
  /** Attempts that reached the function (and returned an error) so far, this one included. */
  readonly functionErrors: number;
  /** Throttles and service errors so far, this one included. */
  readonly throttles: number;
}

/** Whether the event is too old to be tried at nowMs. */
export function tooOld(
  progress: Pick<EventProgress, "enqueuedAtMs">,
  config: EventInvokeConfig,
  nowMs: number,
): boolean {
  return nowMs - progress.enqueuedAtMs > config.maximumEventAgeSeconds * 1000;
}

/** The decision after an attempt that ended with outcome at nowMs. */
export function nextStep(
  outcome: AttemptOutcome,
  progress: EventProgress,
  config: EventInvokeConfig,
  delays: RetryDelays,
  nowMs: number,
): NextStep {
  if (outcome === "success") return { action: "success" };
  let delay: number;
  if (outcome === "function-error") {
    if (progress.functionErrors > config.maximumRetryAttempts)
      return { action: "discard", condition: "RetriesExhausted" };
    delay = delays.functionErrorMs[Math.min(progress.functionErrors, 2) - 1] ?? delays.functionErrorMs[1];
  } else {
    const exponent = Math.max(0, progress.throttles - 1);
    delay = Math.min(delays.throttleMaxMs, delays.throttleMinMs * 2 ** Math.min(exponent, 30));
  }
  const atMs = nowMs + delay;
  if (tooOld(progress, config, atMs)) return { action: "discard", condition: "EventAgeExceeded" };
  return { action: "retry", atMs };
}
