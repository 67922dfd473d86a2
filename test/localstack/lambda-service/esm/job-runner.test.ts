/**
 * A job from start to end against an in-process function: the retries, splits, partial commits, age-outs
 * and discards AWS documents for Kafka event-source mappings, in the order they happen.
 */
import type { DiscardedBatch, FailureSink } from "#local/lambda-service/esm/destinations";
import type { PolledRecord, SelfManagedKafkaEvent } from "#local/lambda-service/esm/event";
import { type Job, jobFromPlan } from "#local/lambda-service/esm/job";
import { JobRunner } from "#local/lambda-service/esm/job-runner";
import { newCounters } from "#local/lambda-service/esm/metrics";
import { newPartitionState } from "#local/lambda-service/esm/partition-state";
import type { EmulationOutages } from "#local/lambda-service/esm/poller-types";
import { Aborted } from "#local/lambda-service/esm/sleep";
import type { InvokeResult, KafkaMappingSpec } from "#local/lambda-service/types";
import { polled } from "./records";

const NOW = 1_700_000_000_000;

/** LocalStack's outages as the runner sees them: one begins on `begin()`, ends after `checks` waits. */
class FakeOutages implements EmulationOutages {
  private begun = 0;
  private checksLeft = 0;
  constructor(private readonly checks: number) {}
  begin(): void {
    this.begun++;
    this.checksLeft = this.checks;
  }
  waited(): void {
    this.checksLeft = Math.max(0, this.checksLeft - 1);
  }
  mark(): number {
    return this.begun;
  }
  since(mark: number): boolean {
    return this.begun !== mark || this.down();
  }
  down(): boolean {
    return this.checksLeft > 0;
  }
}

type Reply = "ok" | "error" | "throw" | { response: unknown };

function harness(options: {
  spec?: Partial<KafkaMappingSpec>;
  maxRetries?: number;
  reply?: (offsets: number[], call: number) => Reply;
  active?: () => boolean;
  outages?: FakeOutages;
}) {
  const calls: number[][] = [];
  const slept: number[] = [];
  const settled: number[][] = [];
  const discarded: DiscardedBatch[] = [];
  const results: string[] = [];
  const counters = newCounters();
  const spec = {
    uuid: "uuid-1",
    functionName: "fn",
    maximumRecordAgeSeconds: -1,
    reportBatchItemFailures: false,
    ...options.spec,
  } as KafkaMappingSpec;
  const sink: FailureSink = {
    destination: "arn:aws:sqs:us-east-1:000000000000:dlq",
    deliver: async (batch) => {
      discarded.push(batch);
    },
    close: async () => undefined,
  };
  const runner = new JobRunner({
    spec,
    invoker: {
      invoke: async (_name: string, payload: Buffer): Promise<InvokeResult> => {
        const event = JSON.parse(payload.toString()) as SelfManagedKafkaEvent;
        const offsets = Object.values(event.records).flatMap((list) => list.map((r) => r.offset));
        const reply = (options.reply ?? (() => "ok"))(offsets, calls.push(offsets) - 1);
        if (reply === "throw") throw new Error("function not found");
        const base = {
          requestId: `req-${calls.length}`,
          logTail: "",
          durationMs: 1,
          billedDurationMs: 1,
          maxMemoryUsedMb: 1,
        };
        if (reply === "error")
          return { ...base, functionError: "Unhandled", payload: Buffer.from('{"errorMessage":"boom"}') };
        return { ...base, payload: Buffer.from(reply === "ok" ? "" : JSON.stringify(reply.response)) };
      },
    },
    policy: { maxRetries: options.maxRetries ?? -1, bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError },
    backoff: { initialMs: 100, maxMs: 1_000 },
    counters,
    log: () => undefined,
    now: () => NOW,
    handoff: {
      sink,
      context: { mappingUuid: "uuid-1", functionArn: "arn:fn", bootstrapServers: "b:9092" },
      attempts: 1,
      log: () => undefined,
      functionName: "fn",
      sleep: async () => undefined,
    },
    reportResult: (result) => results.push(result),
    active: options.active ?? (() => true),
    sleep: async (ms) => {
      slept.push(ms);
      options.outages?.waited();
    },
    ...(options.outages ? { outages: options.outages } : {}),
    settle: async (_job, records) => {
      if (records.length > 0) settled.push(records.map((r) => r.offset));
    },
  });
  return { runner, calls, slept, settled, discarded, results, counters };
}

function jobOf(records: PolledRecord[], oversized: PolledRecord[] = []): Job {
  const all = [...records, ...oversized].sort((a, b) => a.offset - b.offset);
  return jobFromPlan(1, {
    parts: [{ source: newPartitionState("t", 0, 1), records: all, done: all.map(() => false) }],
    invocable: records,
    oversized,
    filtered: 0,
  });
}

const range = (from: number, to: number): PolledRecord[] =>
  Array.from({ length: to - from + 1 }, (_, i) => polled(from + i));
const offsetsOf = (batch: DiscardedBatch | undefined): number[] => (batch?.records ?? []).map((r) => r.offset);

test("BisectBatchOnFunctionError halves a failing batch until the bad record is alone; splits are not retries", async () => {
  const h = harness({
    spec: { bisectBatchOnFunctionError: true },
    maxRetries: 1,
    reply: (offsets) => (offsets.includes(5) ? "error" : "ok"),
  });
  await h.runner.run(jobOf(range(0, 7)));
  expect(h.calls).toEqual([
    [0, 1, 2, 3, 4, 5, 6, 7], // fails: split
    [0, 1, 2, 3], // ok
    [4, 5, 6, 7], // fails: split
    [4, 5], // fails: split
    [4], // ok
    [5], // fails: retry 1
    [5], // fails: exhausted
    [6, 7], // ok
  ]);
  expect(h.discarded).toHaveLength(1);
  expect(offsetsOf(h.discarded[0])).toEqual([5]);
  expect(h.discarded[0]).toMatchObject({
    condition: "RetryAttemptsExhausted",
    approximateInvokeCount: 2,
    requestId: "req-7",
    response: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
  });
  expect(h.settled).toEqual([[0, 1, 2, 3], [4], [5], [6, 7]]);
  expect(h.counters).toMatchObject({
    invocations: 8,
    invokedEvents: 23,
    errors: 5,
    failedInvokeEvents: 16,
    delivered: 1,
  });
});

test("a failing batch is retried whole with a doubling back-off until it succeeds", async () => {
  const h = harness({ reply: (_offsets, call) => (call < 3 ? "error" : "ok") });
  await h.runner.run(jobOf(range(0, 2)));
  expect(h.calls).toEqual([
    [0, 1, 2],
    [0, 1, 2],
    [0, 1, 2],
    [0, 1, 2],
  ]);
  expect(h.slept).toEqual([100, 200, 400]);
  expect(h.results).toEqual([
    "PROBLEM: Function call failed",
    "PROBLEM: Function call failed",
    "PROBLEM: Function call failed",
    "OK",
  ]);
  expect(h.settled).toEqual([[0, 1, 2]]);
});

test("ReportBatchItemFailures: what precedes the lowest failed offset is settled, the rest retried", async () => {
  const failure = (offset: number) => ({ itemIdentifier: { partition: "t-0", offset } });
  const h = harness({
    spec: { reportBatchItemFailures: true },
    reply: (_offsets, call) => (call === 0 ? { response: { batchItemFailures: [failure(3), failure(2)] } } : "ok"),
  });
  await h.runner.run(jobOf(range(0, 3)));
  expect(h.calls).toEqual([
    [0, 1, 2, 3],
    [2, 3],
  ]);
  expect(h.settled).toEqual([
    [0, 1],
    [2, 3],
  ]);
});

test("MaximumRecordAgeInSeconds: old records go to the destination uninvoked, the fresh ones are invoked", async () => {
  const old = { timestamp: NOW - 600_000 };
  const records = [polled(0, old), polled(1), polled(2, old), polled(3)];
  const h = harness({ spec: { maximumRecordAgeSeconds: 60 } });
  await h.runner.run(jobOf(records));
  expect(h.calls).toEqual([[1, 3]]);
  expect(h.discarded.map((d) => [d.condition, d.approximateInvokeCount, offsetsOf(d)])).toEqual([
    ["RecordAgeExceeded", 0, [0, 2]],
  ]);
  expect(h.settled).toEqual([
    [0, 2],
    [1, 3],
  ]);
});

test("records too large for any payload go to the destination before the batch is invoked", async () => {
  const h = harness({});
  await h.runner.run(jobOf([polled(0), polled(2)], [polled(1)]));
  expect(h.discarded.map((d) => [d.condition, d.approximateInvokeCount, offsetsOf(d)])).toEqual([
    ["MaximumPayloadSizeExceeded", 0, [1]],
  ]);
  expect(h.discarded[0]).not.toHaveProperty("response");
  expect(h.calls).toEqual([[0, 2]]);
});

test("an invoke that never reached the function is retried without counting against the retries", async () => {
  const h = harness({ maxRetries: 0, reply: (_offsets, call) => (call < 2 ? "throw" : "ok") });
  await h.runner.run(jobOf(range(0, 1)));
  expect(h.calls).toHaveLength(3);
  expect(h.discarded).toEqual([]);
  expect(h.settled).toEqual([[0, 1]]);
  expect(h.counters).toMatchObject({ invocations: 1, errors: 2 });
});

test("a stopped poller makes no further attempt: the job ends with Aborted", async () => {
  const h = harness({ active: () => false });
  await expect(h.runner.run(jobOf(range(0, 1)))).rejects.toBeInstanceOf(Aborted);
  expect(h.calls).toEqual([]);
});

test("a batch that failed while LocalStack did not answer waits for it, then is tried again whole: no retry spent, no split", async () => {
  const outages = new FakeOutages(2);
  const h = harness({
    spec: { bisectBatchOnFunctionError: true },
    maxRetries: 0,
    outages,
    reply: (_offsets, call) => {
      if (call > 0) return "ok";
      outages.begin();
      return "error";
    },
  });
  await h.runner.run(jobOf(range(0, 3)));
  expect(h.calls).toEqual([
    [0, 1, 2, 3],
    [0, 1, 2, 3],
  ]);
  expect(h.slept).toEqual([500, 500]);
  expect(h.discarded).toEqual([]);
  expect(h.settled).toEqual([[0, 1, 2, 3]]);
  expect(h.results).toEqual(["PROBLEM: Function call failed", "OK"]);
});

test("a partial batch response during an outage settles what succeeded and tries the rest again without counting", async () => {
  const outages = new FakeOutages(1);
  const h = harness({
    spec: { reportBatchItemFailures: true },
    maxRetries: 0,
    outages,
    reply: (_offsets, call) => {
      if (call > 0) return "ok";
      outages.begin();
      return { response: { batchItemFailures: [{ itemIdentifier: { partition: "t-0", offset: 2 } }] } };
    },
  });
  await h.runner.run(jobOf(range(0, 3)));
  expect(h.calls).toEqual([
    [0, 1, 2, 3],
    [2, 3],
  ]);
  expect(h.discarded).toEqual([]);
  expect(h.settled).toEqual([
    [0, 1],
    [2, 3],
  ]);
});

test("a failure after an outage has ended counts as usual", async () => {
  const outages = new FakeOutages(1);
  outages.begin();
  outages.waited(); // over before the batch is invoked
  const h = harness({ maxRetries: 0, outages, reply: () => "error" });
  await h.runner.run(jobOf(range(0, 1)));
  expect(h.calls).toEqual([[0, 1]]);
  expect(offsetsOf(h.discarded[0])).toEqual([0, 1]);
  expect(h.discarded[0]?.condition).toBe("RetryAttemptsExhausted");
});
