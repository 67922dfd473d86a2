/**
 * Offsets are committed only past records that are done, in order (at-least-once), as AWS commits for
 * Kafka mappings; a job whose partition was revoked commits nothing for it; a failed commit stays pending.
 */
import type { BatchPlan } from "#local/lambda-service/esm/batcher";
import {
  advance,
  commitRequest,
  countCommitted,
  dueCommits,
  markDone,
  OffsetCommitter,
  settle,
} from "#local/lambda-service/esm/commits";
import type { PolledRecord } from "#local/lambda-service/esm/event";
import { type Job, jobFromPlan } from "#local/lambda-service/esm/job";
import { newPartitionState, type PartitionState } from "#local/lambda-service/esm/partition-state";
import { polled } from "./records";

function jobOf(parts: Array<{ state: PartitionState; records: PolledRecord[]; done?: boolean[] }>): Job {
  const plan: BatchPlan<PartitionState> = {
    parts: parts.map((p) => ({ source: p.state, records: p.records, done: p.done ?? p.records.map(() => false) })),
    invocable: parts.flatMap((p) => p.records),
    oversized: [],
    filtered: 0,
  };
  return jobFromPlan(1, plan);
}

describe("markDone", () => {
  const state = newPartitionState("t", 0, 1);
  const records = [10, 11, 12, 13].map((o) => polled(o));

  test("the commit offset moves past the done prefix only: a gap holds it back", () => {
    const job = jobOf([{ state, records }]);
    expect(markDone(job, [records[1], records[2]] as PolledRecord[])).toEqual([]);
    const [advanced] = markDone(job, [records[0] as PolledRecord]);
    expect(advanced?.next).toBe(13);
    expect(markDone(job, [records[3] as PolledRecord]).map((a) => a.next)).toEqual([14]);
  });

  test("records already done when planned (filtered out) advance with nothing else", () => {
    const job = jobOf([{ state, records, done: [true, true, false, false] }]);
    expect(markDone(job, []).map((a) => a.next)).toEqual([12]);
    expect(markDone(job, [])).toEqual([]);
  });

  test("each partition advances on its own", () => {
    const other = newPartitionState("t", 1, 2);
    const job = jobOf([
      { state, records: [polled(0), polled(1)] },
      { state: other, records: [polled(5, { partition: 1 })] },
    ]);
    const advanced = markDone(job, [polled(5, { partition: 1 }), polled(0)]);
    expect(advanced.map((a) => [a.part.state.key, a.next])).toEqual([
      ["t-0", 1],
      ["t-1", 6],
    ]);
  });

  test("records of other partitions or offsets are ignored", () => {
    const job = jobOf([{ state, records }]);
    expect(markDone(job, [polled(10, { partition: 9 }), polled(99)])).toEqual([]);
  });
});

describe("settle", () => {
  test("advances the partition's processed and pending offsets", () => {
    const state = newPartitionState("t", 0, 1);
    const job = jobOf([{ state, records: [polled(3), polled(4)] }]);
    expect(settle(job, [polled(3)], new Map([[state.key, state]]))).toBe(true);
    expect(state).toMatchObject({ processedUpTo: 4, pendingCommit: 4 });
  });

  test("commits nothing for a partition revoked or reassigned since the job took its records", () => {
    const state = newPartitionState("t", 0, 1);
    const job = jobOf([{ state, records: [polled(3)] }]);
    const reassigned = newPartitionState("t", 0, 2);
    expect(settle(job, [polled(3)], new Map([[state.key, reassigned]]))).toBe(false);
    expect(settle(job, [], new Map())).toBe(false);
    expect(reassigned.pendingCommit).toBeUndefined();
    expect(state.pendingCommit).toBeUndefined();
  });
});

test("advance never moves an offset backwards", () => {
  const state = { ...newPartitionState("t", 0, 1), processedUpTo: 9, pendingCommit: 9 };
  advance(state, 5);
  expect(state).toMatchObject({ processedUpTo: 9, pendingCommit: 9 });
});

describe("due commits", () => {
  const at = (committed: number | undefined, pendingCommit: number | undefined, partition = 0): PartitionState => ({
    ...newPartitionState("t", partition, 1),
    ...(committed !== undefined ? { committed } : {}),
    ...(pendingCommit !== undefined ? { pendingCommit } : {}),
  });

  test("a partition is due when its pending offset is ahead of the committed one, or nothing is committed", () => {
    const due = dueCommits([at(undefined, 0, 0), at(4, 4, 1), at(4, 7, 2), at(undefined, undefined, 3)]);
    expect(commitRequest(due)).toEqual([
      { topic: "t", partition: 0, offset: "0" },
      { topic: "t", partition: 2, offset: "7" },
    ]);
  });
});

describe("OffsetCommitter", () => {
  const pending = (): PartitionState => ({ ...newPartitionState("t", 0, 1), pendingCommit: 5 });

  test("commits the pending offsets and records them as committed", async () => {
    const state = pending();
    const commitOffsets = jest.fn(async () => undefined);
    const committer = new OffsetCommitter({
      consumer: () => ({ commitOffsets }),
      partitions: () => [state],
      onError: () => undefined,
    });
    await committer.flush();
    await committer.flush();
    expect(commitOffsets.mock.calls).toEqual([[[{ topic: "t", partition: 0, offset: "5" }]]]);
    expect(state.committed).toBe(5);
  });

  test("flushes asked for while a commit is on its way become one commit, of the offsets pending when it starts", async () => {
    const state = pending();
    let release: () => void = () => undefined;
    const commitOffsets = jest
      .fn(async (_offsets: unknown) => undefined)
      .mockImplementationOnce(
        () =>
          new Promise<undefined>((resolve) => {
            release = () => resolve(undefined);
          }),
      );
    const committer = new OffsetCommitter({
      consumer: () => ({ commitOffsets }),
      partitions: () => [state],
      onError: () => undefined,
    });
    const first = committer.flush();
    await new Promise((resolve) => setImmediate(resolve)); // the first commit is on its way
    state.pendingCommit = 6;
    const second = committer.flush();
    state.pendingCommit = 7;
    const third = committer.flush();
    expect(third).toBe(second);
    release();
    await Promise.all([first, second, third]);
    expect(commitOffsets.mock.calls).toEqual([
      [[{ topic: "t", partition: 0, offset: "5" }]],
      [[{ topic: "t", partition: 0, offset: "7" }]],
    ]);
    expect(state.committed).toBe(7);
  });

  test("without a running consumer the offsets stay pending", async () => {
    const state = pending();
    await new OffsetCommitter({
      consumer: () => undefined,
      partitions: () => [state],
      onError: () => undefined,
    }).flush();
    expect(state.committed).toBeUndefined();
  });

  test("a failed commit is reported and goes again with the next flush", async () => {
    const state = pending();
    const errors: unknown[] = [];
    let fail = true;
    const commitOffsets = jest.fn(async () => {
      if (fail) throw new Error("not the coordinator");
    });
    const committer = new OffsetCommitter({
      consumer: () => ({ commitOffsets }),
      partitions: () => [state],
      onError: (offsets, error) => errors.push([offsets, (error as Error).message]),
    });
    await committer.flush();
    expect(state.committed).toBeUndefined();
    expect(errors).toEqual([[[{ topic: "t", partition: 0, offset: "5" }], "not the coordinator"]]);
    fail = false;
    await committer.flush();
    expect(state.committed).toBe(5);
  });

  test("commits run one at a time, in order", async () => {
    const state = pending();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const commitOffsets = jest.fn(async (offsets: Array<{ offset: string }>) => {
      order.push(`start ${offsets[0]?.offset}`);
      if (offsets[0]?.offset === "5") await new Promise<void>((r) => (release = r));
      order.push(`end ${offsets[0]?.offset}`);
    });
    const committer = new OffsetCommitter({
      consumer: () => ({ commitOffsets }),
      partitions: () => [state],
      onError: () => undefined,
    });
    const first = committer.flush();
    await new Promise((r) => setImmediate(r));
    state.pendingCommit = 8;
    const second = committer.flush();
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["start 5", "end 5", "start 8", "end 8"]);
    expect(state.committed).toBe(8);
  });
});

describe("CommittedEventCount", () => {
  test("each commit counts how far it moved the partition, from the first offset read", () => {
    const state: PartitionState = { ...newPartitionState("t", 0, 1), countedFrom: 40 };
    expect(countCommitted(state, 45)).toBe(5);
    expect(countCommitted(state, 52)).toBe(7);
  });

  test("a re-commit after a rebalance (committed forgotten, the same offset sent again) counts nothing", () => {
    const state: PartitionState = { ...newPartitionState("t", 0, 1), countedFrom: 0 };
    expect(countCommitted(state, 10)).toBe(10);
    expect(countCommitted(state, 10)).toBe(0);
  });

  test("a partition never read (a starting position committed) counts nothing", () => {
    expect(countCommitted(newPartitionState("t", 0, 1), 7)).toBe(0);
  });

  test("the committer reports what its successful commits moved, summed over partitions", async () => {
    const a: PartitionState = { ...newPartitionState("t", 0, 1), countedFrom: 0, pendingCommit: 5 };
    const b: PartitionState = { ...newPartitionState("t", 1, 1), countedFrom: 100, pendingCommit: 103 };
    const moved: number[] = [];
    await new OffsetCommitter({
      consumer: () => ({ commitOffsets: async () => undefined }),
      partitions: () => [a, b],
      onError: () => undefined,
      onCommitted: (records) => moved.push(records),
    }).flush();
    expect(moved).toEqual([8]);
  });
});
