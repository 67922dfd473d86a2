/**
 * What to do after a failed invocation, as AWS documents for Kafka event-source mappings:
 *  - a function error (or, with ReportBatchItemFailures, a malformed response) retries the whole batch,
 *    halving it first when BisectBatchOnFunctionError is on (a split does not count as a retry);
 *  - a valid partial response settles what succeeded and retries from the lowest failed offset of each
 *    failed partition;
 *  - after MaximumRetryAttempts retries (-1: forever; 10 when a destination is set) the records are
 *    discarded (RetryAttemptsExhausted);
 *  - records older than MaximumRecordAgeInSeconds are discarded before any (re)invocation;
 *  - local only: a failure while the emulation itself did not answer is retried as it was, without counting a
 *    retry or bisecting (afterOutage).
 * Pure: the job runner carries the decisions out.
 */
import { type PolledRecord, partitionKey } from "./event";
import type { FailedOutcome, InvokeResponse } from "./invoke-outcome";
import type { RetryBackoff } from "./poller-types";

/** Records invoked together, with what their attempts so far produced. */
export interface SubBatch {
  readonly records: readonly PolledRecord[];
  /** Retries counted against MaximumRetryAttempts. */
  readonly retries: number;
  /** Invocations of these records (ApproximateInvokeCount). */
  readonly invokeCount: number;
  /** The last invocation's request id and answer. */
  readonly requestId?: string;
  readonly response?: InvokeResponse;
}

export const freshSubBatch = (records: readonly PolledRecord[]): SubBatch => ({ records, retries: 0, invokeCount: 0 });

/** AWS: "When you configure both infinite retries and an on-failure destination, Lambda automatically
 * applies a maximum of 10 retry attempts." */
const DEFAULT_RETRIES_WITH_DESTINATION = 10;

/** The retry quota in effect: -1 is forever. */
export const effectiveMaxRetries = (maximumRetryAttempts: number, hasDestination: boolean): number =>
  maximumRetryAttempts < 0 && hasDestination ? DEFAULT_RETRIES_WITH_DESTINATION : maximumRetryAttempts;

/** The pause before the next attempt after `failures` failures in a row (at least 1): doubling, capped. */
export const backoffMs = (failures: number, backoff: RetryBackoff): number =>
  Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));

/** The records older than maxAgeSeconds at now (none when it is -1: no limit). */
export function expiredRecords(records: readonly PolledRecord[], now: number, maxAgeSeconds: number): PolledRecord[] {
  if (maxAgeSeconds < 0) return [];
  return records.filter((r) => now - r.timestamp > maxAgeSeconds * 1000);
}

export interface RetryPolicy {
  /** -1: forever. */
  readonly maxRetries: number;
  readonly bisectBatchOnFunctionError: boolean;
}

export type FailureStep =
  /** Try `next` again; `succeeded` are done. */
  | { readonly kind: "retry"; readonly succeeded: readonly PolledRecord[]; readonly next: SubBatch }
  /** Replace the batch by its two halves, the first to run first. */
  | { readonly kind: "bisect"; readonly halves: readonly [SubBatch, SubBatch] }
  /** Out of retries: `succeeded` are done, `exhausted` goes to the destination. */
  | { readonly kind: "exhausted"; readonly succeeded: readonly PolledRecord[]; readonly exhausted: SubBatch };

/** The records of a partial failure still to retry: in a failed partition, at or after its lowest failed offset. */
export function stillFailing(
  records: readonly PolledRecord[],
  failedFrom: ReadonlyMap<string, number>,
): PolledRecord[] {
  return records.filter((r) => {
    const from = failedFrom.get(partitionKey(r.topic, r.partition));
    return from !== undefined && r.offset >= from;
  });
}

/**
 * Decides what follows a failed attempt. `attempt` is the sub-batch as invoked, its invokeCount,
 * requestId and response already updated with this invocation.
 */
export function afterFailure(attempt: SubBatch, outcome: FailedOutcome, policy: RetryPolicy): FailureStep {
  let succeeded: readonly PolledRecord[] = [];
  let records = attempt.records;
  if (outcome.kind === "partial") {
    records = stillFailing(attempt.records, outcome.failedFrom);
    const failing = new Set(records);
    succeeded = attempt.records.filter((r) => !failing.has(r));
  } else if (policy.bisectBatchOnFunctionError && records.length > 1) {
    const middle = Math.ceil(records.length / 2);
    return {
      kind: "bisect",
      halves: [freshSubBatch(records.slice(0, middle)), freshSubBatch(records.slice(middle))],
    };
  }
  const next: SubBatch = { ...attempt, records, retries: attempt.retries + 1 };
  if (policy.maxRetries >= 0 && next.retries > policy.maxRetries)
    return { kind: "exhausted", succeeded, exhausted: next };
  return { kind: "retry", succeeded, next };
}

/**
 * What follows an attempt that failed while the local emulation did not answer: what succeeded is done (a valid
 * partial response), the rest is tried again as it was, with no retry counted and no bisection.
 */
export function afterOutage(
  attempt: SubBatch,
  outcome: FailedOutcome,
): { readonly succeeded: readonly PolledRecord[]; readonly next: SubBatch } {
  if (outcome.kind !== "partial") return { succeeded: [], next: attempt };
  const records = stillFailing(attempt.records, outcome.failedFrom);
  const failing = new Set(records);
  return { succeeded: attempt.records.filter((r) => !failing.has(r)), next: { ...attempt, records } };
}
