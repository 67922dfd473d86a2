/**
 * The partitions this poller holds, and what moves them: group (re)assignments with their starting
 * positions, records leaving the queues for a batch (pausing and resuming kafkajs on the partition), and
 * rewinds after a job that stopped half-way. Partition keys with a batch in flight are kept across
 * rebalances and reconnects, so that records in flight are never read twice.
 */
import type { Consumer } from "kafkajs";
import type { KafkaMappingSpec } from "../types";
import type { BatchPlan } from "./batcher";
import { partitionKey } from "./event";
import { endOffset, firstUndoneOffset, type Job, type JobPartition, jobFromPlan } from "./job";
import {
  dropQueue,
  newPartitionState,
  type PartitionState,
  pinStart,
  recommitProcessed,
  resetForAssignment,
  shouldResume,
} from "./partition-state";
import { errorFields } from "./poller-log";
import type { PollerLog } from "./poller-types";

type PartitionConsumer = Pick<Consumer, "seek" | "resume">;

export class PartitionTable {
  readonly byKey = new Map<string, PartitionState>();
  /** Partition key → end offset of its batch in flight. */
  readonly inFlight = new Map<string, number>();
  /** Start offsets (LATEST / AT_TIMESTAMP) of partitions without a committed offset, applied on assignment. */
  private pinned = new Map<string, number>();
  private epochs = 0;

  constructor(
    private readonly spec: Pick<KafkaMappingSpec, "uuid" | "batchSize" | "startingPosition">,
    private readonly log: PollerLog,
  ) {}

  /** The start offsets to apply when the partitions are next assigned. */
  pin(pinned: Map<string, number>): void {
    this.pinned = pinned;
  }

  /**
   * After every (re)join: kafkajs restarts from the committed offsets, so queued records are dropped and
   * re-read; partitions no longer assigned are forgotten. Returns the assigned partition keys.
   */
  assign(consumer: PartitionConsumer, assignment: Record<string, number[]>): string[] {
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        assigned.add(key);
        const state = this.byKey.get(key) ?? newPartitionState(topic, partition, ++this.epochs);
        resetForAssignment(state, this.inFlight.get(key));
        this.seekToStart(consumer, state);
        recommitProcessed(state);
        this.byKey.set(key, state);
      }
    }
    for (const key of [...this.byKey.keys()]) if (!assigned.has(key)) this.byKey.delete(key);
    const resume = Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));
    try {
      if (resume.length > 0) consumer.resume(resume);
    } catch (error) {
      this.log("warn", "cannot resume partitions", { uuid: this.spec.uuid, ...errorFields(error) });
    }
    return [...assigned].sort();
  }

  /** Applies a pinned starting position before kafkajs's first fetch of the partition, and commits it so it sticks. */
  private seekToStart(consumer: PartitionConsumer, state: PartitionState): void {
    const start = this.pinned.get(state.key);
    if (start === undefined) return;
    this.pinned.delete(state.key);
    try {
      consumer.seek({ topic: state.topic, partition: state.partition, offset: String(start) });
      pinStart(state, start);
      this.log("info", `starting position ${this.spec.startingPosition}`, {
        uuid: this.spec.uuid,
        partition: state.key,
        offset: start,
      });
    } catch (error) {
      this.log("error", "cannot seek to the starting position", {
        uuid: this.spec.uuid,
        partition: state.key,
        ...errorFields(error),
      });
    }
  }

  /** Takes the planned records off the queues; their partitions are in flight until release(). */
  take(id: number, plan: BatchPlan<PartitionState>, consumer: PartitionConsumer | undefined): Job {
    const job = jobFromPlan(id, plan);
    for (const part of job.parts.values()) {
      const s = part.state;
      const taken = s.queue.splice(0, part.records.length);
      s.queuedBytes -= taken.reduce((sum, q) => sum + q.record.bytes, 0);
      this.inFlight.set(s.key, endOffset(part) ?? 0);
      if (shouldResume(s, this.spec.batchSize)) {
        s.paused = false;
        consumer?.resume([{ topic: s.topic, partitions: [s.partition] }]);
      }
    }
    return job;
  }

  /**
   * The job ended: its partitions may take new batches. Without `consumer` (stopping) nothing is re-read;
   * otherwise a partition whose records are not all done is read again from the first of them.
   */
  release(job: Job, consumer: PartitionConsumer | undefined): void {
    for (const key of job.parts.keys()) this.inFlight.delete(key);
    for (const [key, part] of job.parts) {
      if (part.prefix < part.records.length && consumer) this.rewind(key, part, consumer);
    }
  }

  private rewind(key: string, part: JobPartition, consumer: PartitionConsumer): void {
    const s = this.byKey.get(key);
    const from = firstUndoneOffset(part);
    if (!s || s.epoch !== part.epoch || from === undefined) return;
    dropQueue(s);
    s.nextOffset = from;
    try {
      consumer.seek({ topic: s.topic, partition: s.partition, offset: String(from) });
      if (s.paused) {
        s.paused = false;
        consumer.resume([{ topic: s.topic, partitions: [s.partition] }]);
      }
    } catch (error) {
      this.log("error", "cannot rewind the partition; it is read again after the next rebalance", {
        uuid: this.spec.uuid,
        partition: key,
        ...errorFields(error),
      });
    }
  }

  /** The consumer is gone: queues and assignments are dropped (batches in flight stay marked). */
  clear(): void {
    for (const s of this.byKey.values()) dropQueue(s);
    this.byKey.clear();
  }
}
