/** Batching as AWS documents it for Kafka: BatchSize, MaximumBatchingWindowInSeconds, the 6 MB payload cap. */
import { type BatchSource, dispatchCandidates, planBatch, readiness } from "#local/lambda-service/esm/batcher";
import { renderEvent } from "#local/lambda-service/esm/event";
import { polled, queued } from "./records";

const source = (key: string, queue: BatchSource["queue"]): BatchSource => ({ key, queue });
const offsets = (records: ReadonlyArray<{ offset: number }>): number[] => records.map((r) => r.offset);
/** 2,000,000 bytes: about 2.67 MB once base64 in the event, so two fit in 6 MB and three do not. */
const big = (offset: number) => polled(offset, { value: Buffer.alloc(2_000_000, 1) });

describe("dispatchCandidates", () => {
  test("skips empty partitions and partitions with a batch in flight; the oldest first record goes first", () => {
    const a = source("t-0", [queued(polled(0), 300)]);
    const b = source("t-1", [queued(polled(0, { partition: 1 }), 100)]);
    const c = source("t-2", []);
    const d = source("t-3", [queued(polled(0, { partition: 3 }), 50)]);
    const inFlight = new Set(["t-3"]);
    expect(dispatchCandidates([a, b, c, d], inFlight).map((s) => s.key)).toEqual(["t-1", "t-0"]);
  });
});

describe("readiness", () => {
  const limits = { batchSize: 3, maxBatchingWindowMs: 500 };

  test("nothing queued: empty", () => {
    expect(readiness([], limits, 1_000)).toEqual({ kind: "empty" });
  });

  test("fewer than BatchSize records wait out the window of the oldest one", () => {
    const candidates = [source("t-0", [queued(polled(0), 1_000), queued(polled(1), 1_200)])];
    expect(readiness(candidates, limits, 1_100)).toEqual({ kind: "wait", ms: 400 });
    expect(readiness(candidates, limits, 1_500)).toEqual({ kind: "due" });
  });

  test("BatchSize records across partitions are due at once", () => {
    const candidates = [
      source("t-0", [queued(polled(0), 1_000), queued(polled(1), 1_000)]),
      source("t-1", [queued(polled(0, { partition: 1 }), 1_000)]),
    ];
    expect(readiness(candidates, limits, 1_000)).toEqual({ kind: "due" });
  });

  test("6 MB of queued records are due at once", () => {
    const wide = { batchSize: 10, maxBatchingWindowMs: 10_000 };
    const two = [source("t-0", [queued(big(0)), queued(big(1))])];
    const three = [source("t-0", [queued(big(0)), queued(big(1)), queued(big(2))])];
    expect(readiness(two, wide, 0)).toEqual({ kind: "wait", ms: 10_000 });
    expect(readiness(three, wide, 0)).toEqual({ kind: "due" });
  });

  test("only filtered-out or oversized records: due at once, nothing to wait for", () => {
    const candidates = [source("t-0", [queued(polled(0), 1_000, { filtered: true })])];
    expect(readiness(candidates, limits, 1_000)).toEqual({ kind: "due" });
    const mixed = [source("t-0", [queued(polled(0), 1_000, { oversized: true }), queued(polled(1), 1_000)])];
    expect(readiness(mixed, limits, 1_000)).toEqual({ kind: "wait", ms: 500 });
  });

  test("a zero window never waits", () => {
    expect(
      readiness([source("t-0", [queued(polled(0), 1_000)])], { batchSize: 5, maxBatchingWindowMs: 0 }, 1_000),
    ).toEqual({
      kind: "due",
    });
  });
});

describe("planBatch", () => {
  test("takes at most BatchSize invocable records, in offset order, oldest partition first", () => {
    const p0 = source(
      "t-0",
      [0, 1, 2].map((o) => queued(polled(o))),
    );
    const p1 = source(
      "t-1",
      [0, 1].map((o) => queued(polled(o, { partition: 1 }))),
    );
    const plan = planBatch([p1, p0], 4, "b:9092");
    expect(plan.parts.map((p) => [p.source.key, offsets(p.records)])).toEqual([
      ["t-1", [0, 1]],
      ["t-0", [0, 1]],
    ]);
    expect(plan.invocable.map((r) => `${r.partition}:${r.offset}`)).toEqual(["1:0", "1:1", "0:0", "0:1"]);
    expect(plan.oversized).toEqual([]);
    expect(plan.filtered).toBe(0);
  });

  test("does not take from the queues: the caller does", () => {
    const p0 = source("t-0", [queued(polled(0))]);
    planBatch([p0], 10, "b:9092");
    expect(p0.queue).toHaveLength(1);
  });

  test("filtered-out records ride along done; oversized ones ride along for the destination", () => {
    const p0 = source("t-0", [
      queued(polled(0), 0, { filtered: true }),
      queued(polled(1)),
      queued(polled(2), 0, { oversized: true }),
      queued(polled(3), 0, { filtered: true }),
    ]);
    const plan = planBatch([p0], 10, "b:9092");
    expect(offsets(plan.parts[0]?.records ?? [])).toEqual([0, 1, 2, 3]);
    expect(plan.parts[0]?.done).toEqual([true, false, false, true]);
    expect(offsets(plan.invocable)).toEqual([1]);
    expect(offsets(plan.oversized)).toEqual([2]);
    expect(plan.filtered).toBe(2);
  });

  test("stops before the record that would push the event past 6 MB, and takes nothing from later partitions", () => {
    const p0 = source("t-0", [queued(big(0)), queued(big(1)), queued(big(2))]);
    const p1 = source("t-1", [queued(polled(0, { partition: 1 }))]);
    const plan = planBatch([p0, p1], 10, "b:9092");
    expect(plan.parts.map((p) => [p.source.key, offsets(p.records)])).toEqual([["t-0", [0, 1]]]);
    expect(Buffer.byteLength(renderEvent("b:9092", plan.invocable))).toBeLessThanOrEqual(6 * 1024 * 1024);
  });

  test("a full batch still lets the filtered-out records before the next invocable one ride along", () => {
    const p0 = source("t-0", [queued(polled(0)), queued(polled(1), 0, { filtered: true }), queued(polled(2))]);
    const plan = planBatch([p0], 1, "b:9092");
    expect(offsets(plan.parts[0]?.records ?? [])).toEqual([0, 1]);
    expect(offsets(plan.invocable)).toEqual([0]);
    expect(plan.filtered).toBe(1);
  });
});
