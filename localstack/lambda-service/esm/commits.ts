/**
 * Which offsets to commit, and when: a partition's offset moves only past records that are done
 * (succeeded, filtered out, or handed to the on-failure destination), in offset order — at-least-once, as
 * AWS commits for Kafka mappings. A job that lost its partition to a rebalance commits nothing for it.
 * Commits are sent one at a time; a failed one stays pending and goes with the next.
 */
import type { Consumer } from "kafkajs";
import { type PolledRecord, partitionKey } from "./event";
import type { Job, JobPartition } from "./job";
import type { PartitionState } from "./partition-state";

/** Marks records of the job done; returns the parts whose done prefix grew, with the offset after it. */
export function markDone(job: Job, records: readonly PolledRecord[]): Array<{ part: JobPartition; next: number }> {
  for (const r of records) {
    const part = job.parts.get(partitionKey(r.topic, r.partition));
    const i = part?.index.get(r.offset);
    if (part && i !== undefined) part.done[i] = true;
  }
  const advanced: Array<{ part: JobPartition; next: number }> = [];
  for (const part of job.parts.values()) {
    const before = part.prefix;
    while (part.prefix < part.records.length && part.done[part.prefix]) part.prefix++;
    const last = part.records[part.prefix - 1];
    if (part.prefix > before && last) advanced.push({ part, next: last.offset + 1 });
  }
  return advanced;
}

/** Whether the job's part still belongs to the partition the poller holds (not revoked and reassigned). */
const isCurrent = (partitions: ReadonlyMap<string, PartitionState>, part: JobPartition): boolean =>
  partitions.get(part.state.key) === part.state && part.state.epoch === part.epoch;

/** Records that the partition is processed up to `next`, and that `next` is to be committed. */
export function advance(state: PartitionState, next: number): void {
  state.processedUpTo = Math.max(state.processedUpTo ?? 0, next);
  state.pendingCommit = Math.max(state.pendingCommit ?? 0, next);
}

/**
 * Marks records done and advances the current partitions past their done prefix.
 * Returns whether any partition has a new offset to commit.
 */
export function settle(
  job: Job,
  records: readonly PolledRecord[],
  partitions: ReadonlyMap<string, PartitionState>,
): boolean {
  let advanced = false;
  for (const { part, next } of markDone(job, records)) {
    if (!isCurrent(partitions, part)) continue;
    advance(part.state, next);
    advanced = true;
  }
  return advanced;
}

/** The partitions with an offset to commit beyond what the group has. */
export const dueCommits = (partitions: Iterable<PartitionState>): PartitionState[] =>
  [...partitions].filter(
    (s) => s.pendingCommit !== undefined && (s.committed === undefined || s.pendingCommit > s.committed),
  );

/**
 * How many records a commit of `next` moves the partition past (CommittedEventCount: "the deltas of last and
 * current committed offset"), counted once each: a re-commit after a rebalance counts nothing again.
 */
export function countCommitted(state: PartitionState, next: number): number {
  const from = state.countedFrom ?? next;
  state.countedFrom = Math.max(from, next);
  return Math.max(0, next - from);
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export const commitRequest = (due: readonly PartitionState[]): TopicPartitionOffset[] =>
  due.map((s) => ({ topic: s.topic, partition: s.partition, offset: String(s.pendingCommit) }));

export interface CommitterDeps {
  /** The consumer to commit through, read at each flush; undefined while none runs. */
  readonly consumer: () => Pick<Consumer, "commitOffsets"> | undefined;
  readonly partitions: () => Iterable<PartitionState>;
  readonly onError: (offsets: TopicPartitionOffset[], error: unknown) => void;
  /** A commit went through: `records` is how far it moved the offsets, summed over its partitions. */
  readonly onCommitted?: (records: number) => void;
}

/**
 * Serializes the commits of one poller, and coalesces them: while one is on its way, every flush asked for meanwhile
 * is the one commit that follows it, of the offsets pending when it starts (at BatchSize 100 a commit per batch was a
 * Kafka round trip per 100 records).
 */
export class OffsetCommitter {
  private chain: Promise<void> = Promise.resolve();
  /** The flush that has not started yet, shared by every caller until it does. */
  private waiting: Promise<void> | undefined;

  constructor(private readonly deps: CommitterDeps) {}

  /**
   * Commits the pending offsets, after the commits before it. Without a running consumer it does
   * nothing: kafkajs drops commits while its runner is down, so they stay pending.
   */
  flush(): Promise<void> {
    if (this.waiting) return this.waiting;
    const run = this.chain.then(async () => {
      this.waiting = undefined;
      const consumer = this.deps.consumer();
      if (!consumer) return;
      const due = dueCommits(this.deps.partitions());
      if (due.length === 0) return;
      const offsets = commitRequest(due);
      // What was sent, not pendingCommit as it is now: a job may advance it while the commit is on its way.
      const sent = due.map((s) => s.pendingCommit);
      try {
        await consumer.commitOffsets(offsets);
        let moved = 0;
        due.forEach((s, i) => {
          const next = sent[i] ?? 0;
          moved += countCommitted(s, next);
          s.committed = next;
        });
        if (moved > 0) this.deps.onCommitted?.(moved);
      } catch (error) {
        this.deps.onError(offsets, error);
      }
    });
    this.chain = run.catch(() => undefined);
    this.waiting = run;
    return run;
  }
}
