/**
 * Batching, as AWS's Kafka poller does it: a batch is due when BatchSize invocable records or 6 MB of
 * event are queued, or when the batching window of its oldest record has passed. It takes records from
 * the partitions with no batch in flight, oldest first; each partition's records stay in offset order.
 * Filtered-out and oversized records ride along (they are settled with the batch, never invoked).
 * Pure: the poller applies a plan to its queues.
 */
import { EventSizer, MAX_PAYLOAD_BYTES, type PolledRecord } from "./event";
import type { PartitionState } from "./partition-state";

export interface BatchingLimits {
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
}

/** A partition as the batcher sees it. */
export type BatchSource = Pick<PartitionState, "key" | "queue">;

/** Partitions with queued records and no batch in flight, the one with the oldest record first. */
export function dispatchCandidates<S extends BatchSource>(
  partitions: Iterable<S>,
  inFlight: { has(key: string): boolean },
): S[] {
  return [...partitions]
    .filter((s) => s.queue.length > 0 && !inFlight.has(s.key))
    .sort((a, b) => (a.queue[0]?.arrivedAt ?? 0) - (b.queue[0]?.arrivedAt ?? 0));
}

export type Readiness =
  | { readonly kind: "empty" }
  | { readonly kind: "due" }
  /** Not due yet: look again after ms. */
  | { readonly kind: "wait"; readonly ms: number };

/** Whether a batch should start now from candidates (as dispatchCandidates orders them). */
export function readiness(candidates: readonly BatchSource[], limits: BatchingLimits, now: number): Readiness {
  const oldest = candidates[0]?.queue[0]?.arrivedAt;
  if (oldest === undefined) return { kind: "empty" };
  let invocable = 0;
  let bytes = 0;
  let settleOnly = false;
  // Stops counting once a full batch is queued: the queues of a partition that is read faster than it is delivered
  // hold thousands of records, and this runs after every fetch and every batch.
  scan: for (const s of candidates) {
    for (const q of s.queue) {
      if (q.filtered || q.oversized) settleOnly = true;
      else {
        invocable++;
        bytes += q.record.bytes;
        if (invocable >= limits.batchSize || bytes >= MAX_PAYLOAD_BYTES) break scan;
      }
    }
  }
  const waited = now - oldest;
  const due =
    invocable >= limits.batchSize ||
    bytes >= MAX_PAYLOAD_BYTES ||
    waited >= limits.maxBatchingWindowMs ||
    // Only records that need no invocation: settle them at once.
    (settleOnly && invocable === 0);
  return due ? { kind: "due" } : { kind: "wait", ms: Math.max(1, limits.maxBatchingWindowMs - waited) };
}

/** What one partition gives to a batch: the first records.length records of its queue. */
export interface PlannedPart<S extends BatchSource = BatchSource> {
  readonly source: S;
  /** In offset order, filtered-out and oversized records included. */
  readonly records: PolledRecord[];
  /** Per record: true when it needs nothing more (filtered out). */
  readonly done: boolean[];
}

export interface BatchPlan<S extends BatchSource = BatchSource> {
  readonly parts: PlannedPart<S>[];
  /** The records to send to the function. */
  readonly invocable: PolledRecord[];
  /** Records whose event alone exceeds the payload cap. */
  readonly oversized: PolledRecord[];
  /** How many filtered-out records the batch takes. */
  readonly filtered: number;
}

/**
 * Takes records from the candidates' queues, in order, until BatchSize invocable records or until the
 * next one would push the event past 6 MB.
 */
export function planBatch<S extends BatchSource>(
  candidates: readonly S[],
  batchSize: number,
  bootstrapServers: string,
): BatchPlan<S> {
  const sizer = new EventSizer(bootstrapServers);
  const parts: PlannedPart<S>[] = [];
  const invocable: PolledRecord[] = [];
  const oversized: PolledRecord[] = [];
  let filtered = 0;
  let full = false;
  for (const source of candidates) {
    if (full) break;
    const part: PlannedPart<S> = { source, records: [], done: [] };
    for (const q of source.queue) {
      if (q.filtered) {
        filtered++;
        part.done.push(true);
      } else if (q.oversized) {
        oversized.push(q.record);
        part.done.push(false);
      } else {
        if (invocable.length >= batchSize || sizer.sizeWithIn(source.key, q.record.bytes) > MAX_PAYLOAD_BYTES) {
          full = true;
          break;
        }
        sizer.addIn(source.key, q.record.bytes);
        invocable.push(q.record);
        part.done.push(false);
      }
      part.records.push(q.record);
    }
    if (part.records.length > 0) parts.push(part);
  }
  return { parts, invocable, oversized, filtered };
}
