/**
 * What the poller knows about one assigned partition: the records read but not yet batched, whether
 * kafkajs is paused on it, and how far it is read, processed and committed. The rules that change this
 * state without talking to Kafka live here, so they can be tested without a cluster.
 */
import { MAX_PAYLOAD_BYTES, type PolledRecord, partitionKey, singleRecordEventBytes } from "./event";
import type { KafkaRecordFilter } from "./filter";

export interface QueuedRecord {
  readonly record: PolledRecord;
  /** Epoch ms when it was read: the batching window counts from here. */
  readonly arrivedAt: number;
  /** FilterCriteria rejected it: it is never invoked, only committed past. */
  readonly filtered: boolean;
  /** Its event alone exceeds the payload cap: it goes to the on-failure destination. */
  readonly oversized: boolean;
}

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** Bumped when the partition is (re)assigned: a job of an older epoch must not commit for it. */
  readonly epoch: number;
  queue: QueuedRecord[];
  queuedBytes: number;
  paused: boolean;
  /** Records below this offset are in flight or done: a re-read after a rebalance skips them. */
  nextOffset?: number;
  /** Offset after the last record that is done. */
  processedUpTo?: number;
  highWatermark?: number;
  committed?: number;
  pendingCommit?: number;
  /**
   * Commits are counted (CommittedEventCount) from here: the first offset read or the starting position, then
   * each commit's. Unlike `committed`, a rebalance does not forget it, so a re-commit is not counted twice.
   */
  countedFrom?: number;
}

export function newPartitionState(topic: string, partition: number, epoch: number): PartitionState {
  return { topic, partition, key: partitionKey(topic, partition), epoch, queue: [], queuedBytes: 0, paused: false };
}

/** Forgets the queued records: they are read again from nextOffset. */
export function dropQueue(state: PartitionState): void {
  state.queue = [];
  state.queuedBytes = 0;
}

/**
 * After a (re)assignment kafkajs reads from the committed offset: queued records are dropped, and the
 * records below the highest of (end of the batch in flight, processed, committed) are skipped when read again.
 */
export function resetForAssignment(state: PartitionState, inFlightEnd: number | undefined): void {
  const floor = Math.max(inFlightEnd ?? -1, state.processedUpTo ?? -1, state.committed ?? -1);
  dropQueue(state);
  state.paused = false;
  if (floor >= 0) state.nextOffset = floor;
  else delete state.nextOffset;
}

/** A starting position (LATEST / AT_TIMESTAMP) the consumer was sought to: read from it and commit it. */
export function pinStart(state: PartitionState, offset: number): void {
  state.nextOffset = offset;
  state.pendingCommit = offset;
  state.countedFrom ??= offset;
  delete state.committed;
}

/**
 * What kafkajs committed before a rebalance is not known for sure (it skips commits while it is not
 * running): the processed position is committed again.
 */
export function recommitProcessed(state: PartitionState): void {
  if (state.processedUpTo === undefined) return;
  state.pendingCommit = Math.max(state.pendingCommit ?? 0, state.processedUpTo);
  delete state.committed;
}

/** Whether a fetched record is new: not below the records in flight or done. */
export const isUnread = (state: PartitionState, offset: number): boolean =>
  state.nextOffset === undefined || offset >= state.nextOffset;

/** Classifies a record read from Kafka for the batcher. */
export function queuedRecord(
  record: PolledRecord,
  arrivedAt: number,
  filter: KafkaRecordFilter,
  bootstrapServers: string,
): QueuedRecord {
  const filtered = !filter.matches(record.value);
  const oversized = !filtered && singleRecordEventBytes(bootstrapServers, record) > MAX_PAYLOAD_BYTES;
  return { record, arrivedAt, filtered, oversized };
}

export function enqueue(state: PartitionState, queued: QueuedRecord): void {
  state.queue.push(queued);
  state.queuedBytes += queued.record.bytes;
  state.countedFrom ??= queued.record.offset;
  state.nextOffset = queued.record.offset + 1;
}

/**
 * Queued batches at which kafkajs is paused on the partition, and below which it resumes. When every partition is
 * paused kafkajs sleeps its fetch wait (100 ms) before it looks again, so what stays queued at the resume must
 * outlast that sleep and the fetch after it: at BatchSize 1,000, resuming below one batch (37 ms of work at 27
 * batches/s) left the partitions idle for 47 % of the bench's window, in 55 stalls of ~110 ms.
 */
export const PAUSE_AT_BATCHES = 4;
export const RESUME_BELOW_BATCHES = 3;

export const shouldPause = (state: PartitionState, batchSize: number): boolean =>
  !state.paused && (state.queue.length >= PAUSE_AT_BATCHES * batchSize || state.queuedBytes >= 2 * MAX_PAYLOAD_BYTES);

export const shouldResume = (state: PartitionState, batchSize: number): boolean =>
  state.paused && state.queue.length < RESUME_BELOW_BATCHES * batchSize && state.queuedBytes < MAX_PAYLOAD_BYTES;

/** High watermark minus the committed (or else processed) position; undefined until both are known. */
export function offsetLag(state: PartitionState): number | undefined {
  const position = state.committed ?? state.processedUpTo;
  if (state.highWatermark === undefined || position === undefined) return undefined;
  return Math.max(0, state.highWatermark - position);
}
