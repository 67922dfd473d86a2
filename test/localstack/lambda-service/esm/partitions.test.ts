/** Assignments, starting positions, batches leaving the queues and rewinds, against a recording consumer. */
import { planBatch } from "#local/lambda-service/esm/batcher";
import { enqueue } from "#local/lambda-service/esm/partition-state";
import { PartitionTable } from "#local/lambda-service/esm/partitions";
import { polled, queued } from "./records";

function consumer(failSeek = false) {
  const calls: Array<[string, unknown]> = [];
  return {
    calls,
    seek: (target: { topic: string; partition: number; offset: string }) => {
      if (failSeek) throw new Error("not assigned");
      calls.push(["seek", target]);
    },
    resume: (topics: Array<{ topic: string; partitions: number[] }>) => {
      calls.push(["resume", topics]);
    },
  };
}

const spec = { uuid: "uuid-1", batchSize: 2, startingPosition: "LATEST" as const };

describe("assign", () => {
  test("creates the assigned partitions, resumes them and forgets the ones no longer assigned", () => {
    const table = new PartitionTable(spec, () => undefined);
    const c = consumer();
    expect(table.assign(c, { t: [1, 0] })).toEqual(["t-0", "t-1"]);
    expect(table.assign(c, { t: [1] })).toEqual(["t-1"]);
    expect([...table.byKey.keys()]).toEqual(["t-1"]);
    expect(c.calls).toEqual([
      ["resume", [{ topic: "t", partitions: [1, 0] }]],
      ["resume", [{ topic: "t", partitions: [1] }]],
    ]);
  });

  test("a partition kept through a rebalance keeps its epoch; one assigned again gets a new one", () => {
    const table = new PartitionTable(spec, () => undefined);
    const c = consumer();
    table.assign(c, { t: [0, 1] });
    expect(table.byKey.get("t-0")?.epoch).toBe(1);
    table.assign(c, { t: [1] });
    table.assign(c, { t: [0, 1] });
    expect(table.byKey.get("t-1")?.epoch).toBe(2);
    expect(table.byKey.get("t-0")?.epoch).toBe(3);
  });

  test("a pinned start offset is sought to and committed, once", () => {
    const lines: string[] = [];
    const table = new PartitionTable(spec, (_level, message) => lines.push(message));
    const c = consumer();
    table.pin(new Map([["t-0", 42]]));
    table.assign(c, { t: [0] });
    expect(table.byKey.get("t-0")).toMatchObject({ nextOffset: 42, pendingCommit: 42 });
    table.assign(c, { t: [0] });
    expect(c.calls.filter(([kind]) => kind === "seek")).toEqual([["seek", { topic: "t", partition: 0, offset: "42" }]]);
    expect(lines).toContain("starting position LATEST");
  });

  test("a failed seek leaves the partition where kafkajs starts it, and is logged", () => {
    const lines: string[] = [];
    const table = new PartitionTable(spec, (level, message) => lines.push(`${level} ${message}`));
    table.pin(new Map([["t-0", 42]]));
    table.assign(consumer(true), { t: [0] });
    expect(table.byKey.get("t-0")?.nextOffset).toBeUndefined();
    expect(lines).toContain("error cannot seek to the starting position");
  });
});

describe("take and release", () => {
  function tableWith(offsets: number[], paused = false) {
    const table = new PartitionTable(spec, () => undefined);
    const c = consumer();
    table.assign(c, { t: [0] });
    c.calls.length = 0;
    const state = table.byKey.get("t-0");
    if (!state) throw new Error("not assigned");
    for (const o of offsets) enqueue(state, queued(polled(o)));
    state.paused = paused;
    return { table, c, state };
  }

  test("taking a batch empties that much of the queue and marks the partition in flight up to its end", () => {
    const { table, c, state } = tableWith([0, 1, 2]);
    const job = table.take(1, planBatch([state], 2, "b:9092"), c);
    expect(job.parts.get("t-0")?.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(state.queue.map((q) => q.record.offset)).toEqual([2]);
    expect(state.queuedBytes).toBe(polled(2).bytes);
    expect(table.inFlight.get("t-0")).toBe(2);
    expect(c.calls).toEqual([]);
  });

  test("a paused partition resumes once less than three batches are queued", () => {
    const { table, c, state } = tableWith([0, 1, 2, 3, 4, 5, 6, 7, 8], true);
    table.take(1, planBatch([state], 2, "b:9092"), c);
    expect(state.paused).toBe(true); // 7 queued: three batches of 2 and more
    table.take(2, planBatch([state], 2, "b:9092"), c);
    expect(state.paused).toBe(false);
    expect(c.calls).toEqual([["resume", [{ topic: "t", partitions: [0] }]]]);
  });

  test("a job that ended half-way rewinds its partition to the first record not done", () => {
    const { table, c, state } = tableWith([0, 1, 2]);
    const job = table.take(1, planBatch([state], 3, "b:9092"), c);
    const part = job.parts.get("t-0");
    if (part) part.prefix = 1;
    table.release(job, c);
    expect(table.inFlight.has("t-0")).toBe(false);
    expect(state).toMatchObject({ nextOffset: 1, queue: [], queuedBytes: 0 });
    expect(c.calls).toEqual([["seek", { topic: "t", partition: 0, offset: "1" }]]);
  });

  test("a job that finished, or ended while stopping, rewinds nothing", () => {
    const { table, c, state } = tableWith([0, 1]);
    const done = table.take(1, planBatch([state], 2, "b:9092"), c);
    const part = done.parts.get("t-0");
    if (part) part.prefix = 2;
    table.release(done, c);
    enqueue(state, queued(polled(2)));
    const stopped = table.take(2, planBatch([state], 2, "b:9092"), c);
    table.release(stopped, undefined);
    expect(c.calls).toEqual([]);
    expect(table.inFlight.size).toBe(0);
  });

  test("clear drops the queues and the assignment, not the batches in flight", () => {
    const { table, c, state } = tableWith([0, 1, 2]);
    table.take(1, planBatch([state], 2, "b:9092"), c);
    table.clear();
    expect(table.byKey.size).toBe(0);
    expect(state.queue).toEqual([]);
    expect(table.inFlight.get("t-0")).toBe(2);
  });
});
