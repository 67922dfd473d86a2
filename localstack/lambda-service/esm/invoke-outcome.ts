/**
 * What one invocation of the function with a batch amounts to, as AWS's Kafka poller judges it: a
 * success; a function error; with ReportBatchItemFailures, a partial failure (the lowest failed offset per
 * partition) or a malformed response (which fails the whole batch); or an invoke that never ran the
 * function. Pure, apart from the counters it keeps.
 */
import type { InvokeResult } from "../types";
import type { DiscardedBatch } from "./destinations";
import type { PolledRecord } from "./event";
import type { PollerCounters } from "./metrics";
import { parseBatchResponse } from "./response";

/** The last invocation's answer, as a failure record reports it. */
export type InvokeResponse = NonNullable<DiscardedBatch["response"]>;

export type InvokeOutcome =
  | { readonly kind: "success"; readonly requestId: string }
  | {
      readonly kind: "partial";
      readonly requestId: string;
      /** partition key → lowest failed offset; the records before it succeeded. */
      readonly failedFrom: ReadonlyMap<string, number>;
      readonly response: InvokeResponse;
    }
  | {
      readonly kind: "error";
      readonly requestId: string;
      readonly reason: string;
      readonly response: InvokeResponse;
    }
  | { readonly kind: "invokeFailed"; readonly error: unknown };

/** An outcome in which the function ran and the batch, or part of it, failed. */
export type FailedOutcome = Extract<InvokeOutcome, { kind: "partial" | "error" }>;

/** Judges the result of invoking the function with records. */
export function judgeInvocation(
  result: InvokeResult,
  records: readonly PolledRecord[],
  reportBatchItemFailures: boolean,
): Exclude<InvokeOutcome, { kind: "invokeFailed" }> {
  const response = { statusCode: 200, executedVersion: "$LATEST" };
  const { requestId } = result;
  if (result.functionError !== undefined) {
    return {
      kind: "error",
      requestId,
      reason: `function error (${result.functionError}): ${result.payload.toString("utf8").slice(0, 500)}`,
      response: { ...response, functionError: result.functionError },
    };
  }
  if (!reportBatchItemFailures) return { kind: "success", requestId };
  const parsed = parseBatchResponse(result.payload, records);
  if (parsed.kind === "success") return { kind: "success", requestId };
  if (parsed.kind === "invalid") {
    return { kind: "error", requestId, reason: `invalid batchItemFailures response: ${parsed.reason}`, response };
  }
  return { kind: "partial", requestId, failedFrom: parsed.failedFrom, response };
}

/**
 * Counts an invocation of `size` records: invocations, invoked and failed events, errors. As AWS defines
 * FailedInvokeEventCount, the events of an invoke that never reached the function (throttled, the function gone)
 * count as failed, like those of a function error (thrown, timed out, crashed) or of a non-empty batchItemFailures
 * response; InvokeErrorCount counts per batch the invocations that failed as a whole (not a partial response).
 */
export function countInvocation(counters: PollerCounters, outcome: InvokeOutcome, size: number): void {
  if (outcome.kind === "invokeFailed") {
    counters.errors++;
    counters.invokeErrors++;
    counters.failedInvokeEvents += size;
    return;
  }
  counters.invocations++;
  counters.invokedEvents += size;
  if (outcome.kind === "success") return;
  counters.errors++;
  if (outcome.kind === "error") counters.invokeErrors++;
  counters.failedInvokeEvents += size;
}
