/**
 * A job: one batch taken from the queues, from the moment it is planned until every record in it is
 * settled (succeeded, filtered out, or handed to the destination). It remembers, per partition, which of
 * its records are settled, so that offsets are committed only past a settled prefix.
 */
import type { BatchPlan } from "./batcher";
import type { PolledRecord } from "./event";
import type { PartitionState } from "./partition-state";

export interface JobPartition {
  readonly state: PartitionState;
  readonly epoch: number;
  /** Everything the job took from the queue, in offset order (filtered and oversized records included). */
  readonly records: readonly PolledRecord[];
  readonly done: boolean[];
  /** offset → index in records. */
  readonly index: ReadonlyMap<number, number>;
  /** How many leading records are done. */
  prefix: number;
}

export interface Job {
  readonly id: number;
  /** By partition key. */
  readonly parts: ReadonlyMap<string, JobPartition>;
  readonly invocable: readonly PolledRecord[];
  readonly oversized: readonly PolledRecord[];
}

export function jobFromPlan(id: number, plan: BatchPlan<PartitionState>): Job {
  const parts = new Map<string, JobPartition>();
  for (const { source, records, done } of plan.parts) {
    parts.set(source.key, {
      state: source,
      epoch: source.epoch,
      records,
      done: [...done],
      index: new Map(records.map((r, i) => [r.offset, i])),
      prefix: 0,
    });
  }
  return { id, parts, invocable: plan.invocable, oversized: plan.oversized };
}

/** The offset after the part's last record: reads of the partition resume there once the job ends. */
export function endOffset(part: JobPartition): number | undefined {
  const last = part.records[part.records.length - 1];
  return last === undefined ? undefined : last.offset + 1;
}

/** The first record not done, where the partition must be read again when the job stops early. */
export function firstUndoneOffset(part: JobPartition): number | undefined {
  return part.records[part.prefix]?.offset;
}
