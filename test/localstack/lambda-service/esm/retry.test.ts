/**
 * Error handling of Kafka event-source mappings as the AWS Lambda developer guide documents it:
 * MaximumRetryAttempts (-1 forever; 10 with an on-failure destination), BisectBatchOnFunctionError (a
 * split is not a retry), ReportBatchItemFailures (retry from the lowest failed offset per partition),
 * MaximumRecordAgeInSeconds.
 */
import type { FailedOutcome } from "#local/lambda-service/esm/invoke-outcome";
import {
  afterFailure,
  backoffMs,
  effectiveMaxRetries,
  expiredRecords,
  freshSubBatch,
  type RetryPolicy,
  type SubBatch,
  stillFailing,
} from "#local/lambda-service/esm/retry";
import { polled } from "./records";

const offsets = (records: ReadonlyArray<{ offset: number }>): number[] => records.map((r) => r.offset);
const response = { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" };
const functionError: FailedOutcome = { kind: "error", requestId: "req-1", reason: "boom", response };
const partial = (failedFrom: Record<string, number>): FailedOutcome => ({
  kind: "partial",
  requestId: "req-2",
  failedFrom: new Map(Object.entries(failedFrom)),
  response: { statusCode: 200, executedVersion: "$LATEST" },
});
const attempted = (records: SubBatch["records"], retries = 0): SubBatch => ({
  records,
  retries,
  invokeCount: retries + 1,
  requestId: "req-1",
  response,
});
const policy = (maxRetries: number, bisectBatchOnFunctionError = false): RetryPolicy => ({
  maxRetries,
  bisectBatchOnFunctionError,
});

describe("retry quota", () => {
  test.each([
    [-1, true, 10],
    [-1, false, -1],
    [0, true, 0],
    [3, true, 3],
    [3, false, 3],
  ])("MaximumRetryAttempts %d with destination %s → %d", (configured, hasDestination, expected) => {
    expect(effectiveMaxRetries(configured, hasDestination)).toBe(expected);
  });
});

test("the back-off doubles from the initial delay up to the cap", () => {
  const backoff = { initialMs: 100, maxMs: 1_000 };
  expect([1, 2, 3, 4, 5, 6].map((failures) => backoffMs(failures, backoff))).toEqual([
    100, 200, 400, 800, 1_000, 1_000,
  ]);
});

describe("MaximumRecordAgeInSeconds", () => {
  const now = 1_000_000;
  const records = [
    polled(0, { timestamp: now - 61_000 }),
    polled(1, { timestamp: now - 60_000 }),
    polled(2, { timestamp: now - 1_000 }),
  ];

  test("records older than the limit expire; a record exactly at the limit does not", () => {
    expect(offsets(expiredRecords(records, now, 60))).toEqual([0]);
  });

  test("-1 is no limit", () => {
    expect(expiredRecords(records, now, -1)).toEqual([]);
  });
});

test("a partial response fails, per partition, the records from the lowest reported offset on", () => {
  const records = [polled(0), polled(1), polled(2), polled(0, { partition: 1 }), polled(1, { partition: 1 })];
  expect(stillFailing(records, new Map([["t-0", 1]])).map((r) => `${r.partition}:${r.offset}`)).toEqual(["0:1", "0:2"]);
});

describe("afterFailure", () => {
  const four = [0, 1, 2, 3].map((o) => polled(o));

  test("a function error retries the whole batch and counts a retry", () => {
    const step = afterFailure(attempted(four), functionError, policy(2));
    expect(step).toEqual({ kind: "retry", succeeded: [], next: { ...attempted(four), retries: 1 } });
  });

  test("the retry beyond MaximumRetryAttempts exhausts the batch, keeping the last invocation's answer", () => {
    const step = afterFailure(attempted(four, 2), functionError, policy(2));
    expect(step).toEqual({
      kind: "exhausted",
      succeeded: [],
      exhausted: { records: four, retries: 3, invokeCount: 3, requestId: "req-1", response },
    });
  });

  test("MaximumRetryAttempts 0: the first failure exhausts", () => {
    expect(afterFailure(attempted(four), functionError, policy(0)).kind).toBe("exhausted");
  });

  test("-1 retries forever", () => {
    expect(afterFailure(attempted(four, 1_000), functionError, policy(-1)).kind).toBe("retry");
  });

  test("BisectBatchOnFunctionError halves the batch (first half the larger) and starts both afresh", () => {
    const five = [0, 1, 2, 3, 4].map((o) => polled(o));
    const step = afterFailure(attempted(five, 1), functionError, policy(1, true));
    expect(step).toEqual({
      kind: "bisect",
      halves: [freshSubBatch(five.slice(0, 3)), freshSubBatch(five.slice(3))],
    });
  });

  test("a single record cannot be halved: it is retried", () => {
    const one = [polled(5)];
    expect(afterFailure(attempted(one), functionError, policy(1, true))).toEqual({
      kind: "retry",
      succeeded: [],
      next: { ...attempted(one), retries: 1 },
    });
  });

  test("a partial failure is not bisected: what precedes the failed offset succeeds, the rest is retried", () => {
    const step = afterFailure(attempted(four), partial({ "t-0": 2 }), policy(1, true));
    expect(step.kind).toBe("retry");
    if (step.kind !== "retry") return;
    expect(offsets(step.succeeded)).toEqual([0, 1]);
    expect(offsets(step.next.records)).toEqual([2, 3]);
    expect(step.next.retries).toBe(1);
  });

  test("a partial failure out of retries settles the successes and exhausts the rest", () => {
    const step = afterFailure(attempted(four, 1), partial({ "t-0": 3 }), policy(1));
    expect(step.kind).toBe("exhausted");
    if (step.kind !== "exhausted") return;
    expect(offsets(step.succeeded)).toEqual([0, 1, 2]);
    expect(offsets(step.exhausted.records)).toEqual([3]);
  });
});
