/**
 * How an invocation ended, in AWS's terms: a sandbox reports what happened (a result, an error, a timeout, a death),
 * and these pure functions turn that into the payload, the function error, the extra log lines and REPORT status
 * Lambda would produce, and into what the function's counters count it as.
 */
import type { PhaseStatus } from "./platform-records";
import type { ErrorPayload } from "./protocol";
import { errorStatus, TIMEOUT_STATUS, timedOutLine, timedOutMessage } from "./report";

/** How a sandbox's Init phase ended. */
export type InitOutcome =
  | { readonly ok: true; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly durationMs: number;
      readonly status: "error" | "timeout";
      /** Set for "error". */
      readonly error?: ErrorPayload;
    };

export type InitFailure = Extract<InitOutcome, { ok: false }>;

/** How one invocation on a sandbox ended. */
export type RunOutcome =
  /** A buffer when the handler streamed (the concatenated chunks; empty when they went to a sink). */
  | { readonly kind: "ok"; readonly payload: string | Buffer }
  | { readonly kind: "error"; readonly error: ErrorPayload }
  | { readonly kind: "timeout" }
  | { readonly kind: "exit"; readonly description: string; readonly outOfMemory: boolean }
  | { readonly kind: "closed" };

/** What an ended invocation counts as. */
export type Tally = "ok" | "error" | "timeout" | "crash";

export interface Settlement {
  readonly payload: Buffer;
  readonly functionError?: "Unhandled";
  readonly durationMs: number;
  /** Logged after START (or the output so far) and before END. */
  readonly lines: readonly string[];
  /** REPORT's suffix; none for a clean end (and for a function error, which text REPORT does not mark). */
  readonly statusText?: string;
  /** The status and error type of the JSON format's platform.runtimeDone and platform.report. */
  readonly phase: PhaseStatus;
  readonly tally: Tally;
}

/** A function's counters, as its stats report them. */
export class Tallies {
  invocations = 0;
  /** Invocations that returned a function error (timeouts and crashes included). */
  errors = 0;
  coldStarts = 0;
  timeouts = 0;
  /** Workers that died mid-invocation or during init (timeouts excluded). */
  crashes = 0;

  record(tally: Tally): void {
    if (tally === "ok") return;
    this.errors++;
    if (tally === "timeout") this.timeouts++;
    if (tally === "crash") this.crashes++;
  }
}

function errorPayloadBuffer(error: ErrorPayload): Buffer {
  return Buffer.from(JSON.stringify(error), "utf8");
}

function timeoutError(requestId: string, timeoutSeconds: number): ErrorPayload {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: ${timedOutMessage(timeoutSeconds)}`,
  };
}

const UNKNOWN_INIT_ERROR: ErrorPayload = {
  errorType: "Runtime.Unknown",
  errorMessage: "Unknown application error occurred",
};

/**
 * A failed Init: AWS retries it inside the invocation, so its time is the invocation's duration, and an
 * INIT_REPORT line (with this settlement's statusText) precedes START.
 */
export function settleInitFailure(init: InitFailure, requestId: string, timeoutSeconds: number, now: Date): Settlement {
  const timedOut = init.status === "timeout";
  const error = timedOut ? timeoutError(requestId, timeoutSeconds) : (init.error ?? UNKNOWN_INIT_ERROR);
  return {
    payload: errorPayloadBuffer(error),
    functionError: "Unhandled",
    durationMs: init.durationMs,
    lines: timedOut ? [timedOutLine(requestId, timeoutSeconds, now)] : [],
    statusText: timedOut ? TIMEOUT_STATUS : errorStatus(error.errorType),
    phase: timedOut ? { status: "timeout" } : { status: "error", errorType: error.errorType },
    tally: timedOut ? "timeout" : "crash",
  };
}

export interface RunFacts {
  readonly requestId: string;
  readonly timeoutSeconds: number;
  /** Measured from START to the outcome. */
  readonly durationMs: number;
  readonly now: Date;
}

/** An invocation that ran (a closed executor is the caller's to report, not a function result). */
export function settleRun(outcome: Exclude<RunOutcome, { kind: "closed" }>, facts: RunFacts): Settlement {
  const { requestId, timeoutSeconds, durationMs } = facts;
  switch (outcome.kind) {
    case "ok":
      return {
        payload: typeof outcome.payload === "string" ? Buffer.from(outcome.payload, "utf8") : outcome.payload,
        durationMs,
        lines: [],
        phase: { status: "success" },
        tally: "ok",
      };
    case "error":
      return {
        payload: errorPayloadBuffer(outcome.error),
        functionError: "Unhandled",
        durationMs,
        lines: [],
        phase: { status: "error", errorType: outcome.error.errorType },
        tally: "error",
      };
    case "timeout":
      return {
        payload: errorPayloadBuffer(timeoutError(requestId, timeoutSeconds)),
        functionError: "Unhandled",
        durationMs: Math.min(durationMs, timeoutSeconds * 1000),
        lines: [timedOutLine(requestId, timeoutSeconds, facts.now)],
        statusText: TIMEOUT_STATUS,
        phase: { status: "timeout" },
        tally: "timeout",
      };
    case "exit": {
      const errorType = outcome.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
      const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: ${outcome.description}`;
      return {
        payload: errorPayloadBuffer({ errorType, errorMessage }),
        functionError: "Unhandled",
        durationMs,
        lines: [`${errorMessage}\n${errorType}`],
        statusText: errorStatus(errorType),
        phase: { status: "error", errorType },
        tally: "crash",
      };
    }
  }
}
