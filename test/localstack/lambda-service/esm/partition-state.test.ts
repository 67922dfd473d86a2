/** One partition's read, processed and committed positions, and when kafkajs is paused on it. */
import { compileKafkaFilters } from "#local/lambda-service/esm/filter";
import {
  enqueue,
  isUnread,
  newPartitionState,
  offsetLag,
  type PartitionState,
  pinStart,
  queuedRecord,
  recommitProcessed,
  resetForAssignment,
  shouldPause,
  shouldResume,
} from "#local/lambda-service/esm/partition-state";
import { polled, queued } from "./records";

const state = (fields: Partial<PartitionState> = {}): PartitionState => ({
  ...newPartitionState("t", 0, 1),
  ...fields,
});

describe("assignment", () => {
  test("a fresh partition reads from wherever kafkajs starts", () => {
    const s = state({ queue: [queued(polled(0))], queuedBytes: 10, paused: true, nextOffset: 1 });
    resetForAssignment(s, undefined);
    expect(s).toEqual(newPartitionState("t", 0, 1));
  });

  test("records below the batch in flight, the processed or the committed offset are skipped when re-read", () => {
    const s = state({ processedUpTo: 5, committed: 4 });
    resetForAssignment(s, 9);
    expect(s.nextOffset).toBe(9);
    const t = state({ processedUpTo: 5, committed: 4 });
    resetForAssignment(t, undefined);
    expect(t.nextOffset).toBe(5);
  });

  test("a pinned starting position is read from and committed", () => {
    const s = state({ committed: 2 });
    pinStart(s, 40);
    expect(s).toMatchObject({ nextOffset: 40, pendingCommit: 40 });
    expect(s.committed).toBeUndefined();
  });

  test("the processed position is committed again after a rejoin", () => {
    const s = state({ processedUpTo: 7, committed: 7, pendingCommit: 6 });
    recommitProcessed(s);
    expect(s.pendingCommit).toBe(7);
    expect(s.committed).toBeUndefined();
    const untouched = state({ committed: 3 });
    recommitProcessed(untouched);
    expect(untouched).toEqual(state({ committed: 3 }));
  });
});

describe("intake", () => {
  test("records below nextOffset are in flight or done", () => {
    expect(isUnread(state(), 0)).toBe(true);
    expect(isUnread(state({ nextOffset: 5 }), 4)).toBe(false);
    expect(isUnread(state({ nextOffset: 5 }), 5)).toBe(true);
  });

  test("queued records are classified by the filter and by the 6 MB cap", () => {
    const filter = compileKafkaFilters([JSON.stringify({ value: { keep: [true] } })]);
    const keep = polled(0, { value: JSON.stringify({ keep: true }) });
    const drop = polled(1, { value: JSON.stringify({ keep: false }) });
    const huge = polled(2, { value: JSON.stringify({ keep: true, pad: "x".repeat(6 * 1024 * 1024) }) });
    expect(queuedRecord(keep, 5, filter, "b:9092")).toEqual({
      record: keep,
      arrivedAt: 5,
      filtered: false,
      oversized: false,
    });
    expect(queuedRecord(drop, 5, filter, "b:9092")).toMatchObject({ filtered: true, oversized: false });
    expect(queuedRecord(huge, 5, filter, "b:9092")).toMatchObject({ filtered: false, oversized: true });
  });

  test("enqueue adds the record's bytes and moves nextOffset past it", () => {
    const s = state();
    const record = polled(3);
    enqueue(s, queued(record));
    expect(s).toMatchObject({ queuedBytes: record.bytes, nextOffset: 4 });
    expect(s.queue).toHaveLength(1);
  });
});

describe("pause and resume", () => {
  const withQueue = (n: number, paused: boolean): PartitionState =>
    state({ queue: Array.from({ length: n }, (_, i) => queued(polled(i))), paused });

  test("four full batches queued pause the partition; less than three resume it", () => {
    expect(shouldPause(withQueue(39, false), 10)).toBe(false);
    expect(shouldPause(withQueue(40, false), 10)).toBe(true);
    expect(shouldPause(withQueue(40, true), 10)).toBe(false);
    expect(shouldResume(withQueue(30, true), 10)).toBe(false);
    expect(shouldResume(withQueue(29, true), 10)).toBe(true);
    expect(shouldResume(withQueue(0, false), 10)).toBe(false);
  });

  test("12 MB queued pause the partition; 6 MB keep it paused", () => {
    const mb = 1024 * 1024;
    expect(shouldPause(state({ queuedBytes: 12 * mb }), 100)).toBe(true);
    expect(shouldResume(state({ queuedBytes: 6 * mb, paused: true }), 100)).toBe(false);
  });
});

test("OffsetLag is the high watermark minus the committed (else processed) offset, once both are known", () => {
  expect(offsetLag(state({ highWatermark: 10 }))).toBeUndefined();
  expect(offsetLag(state({ highWatermark: 10, processedUpTo: 4 }))).toBe(6);
  expect(offsetLag(state({ highWatermark: 10, processedUpTo: 8, committed: 7 }))).toBe(3);
  expect(offsetLag(state({ highWatermark: 10, committed: 12 }))).toBe(0);
});
