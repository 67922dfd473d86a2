/**
 * Discarded records: the failure record's content, and the hand-off to the destination — retried a few
 * times, then logged and dropped, as records without a destination are.
 */
import type { DiscardedBatch, FailureSink } from "#local/lambda-service/esm/destinations";
import {
  destinationRetryDelayMs,
  discardedBatch,
  type HandoffDeps,
  handOff,
} from "#local/lambda-service/esm/failure-handoff";
import type { PollerLog } from "#local/lambda-service/esm/poller-types";
import { polled } from "./records";

const records = [polled(4), polled(5)];
const context = { mappingUuid: "uuid-1", functionArn: "arn:fn", bootstrapServers: "b:9092" };

function harness(sink?: FailureSink, attempts = 3) {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const slept: number[] = [];
  const log: PollerLog = (level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) });
  const deps: HandoffDeps = {
    ...(sink ? { sink } : {}),
    context,
    attempts,
    log,
    functionName: "fn",
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
  return { deps, lines, slept };
}

function sink(failures: number): FailureSink & { delivered: DiscardedBatch[] } {
  let left = failures;
  const delivered: DiscardedBatch[] = [];
  return {
    destination: "arn:aws:sqs:us-east-1:000000000000:dlq",
    delivered,
    deliver: async (batch) => {
      if (left-- > 0) throw new Error("throttled", { cause: new Error("429") });
      delivered.push(batch);
    },
    close: async () => undefined,
  };
}

describe("discardedBatch", () => {
  test("carries the last invocation's request id, answer and invoke count", () => {
    const response = { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" };
    expect(
      discardedBatch("RetryAttemptsExhausted", records, { invokeCount: 3, requestId: "req-9", response }, 1_000),
    ).toEqual({
      condition: "RetryAttemptsExhausted",
      records,
      requestId: "req-9",
      approximateInvokeCount: 3,
      response,
      timestamp: 1_000,
    });
  });

  test("records never invoked get a fresh request id and no response", () => {
    expect(discardedBatch("MaximumPayloadSizeExceeded", records, { invokeCount: 0 }, 1_000, () => "fresh")).toEqual({
      condition: "MaximumPayloadSizeExceeded",
      records,
      requestId: "fresh",
      approximateInvokeCount: 0,
      timestamp: 1_000,
    });
  });
});

test("destination retries wait 500 ms, doubling up to 8 s", () => {
  expect([1, 2, 3, 4, 5, 6].map(destinationRetryDelayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
});

describe("handOff", () => {
  const batch = discardedBatch("RetryAttemptsExhausted", records, { invokeCount: 2 }, 1_000, () => "req");

  test("without a destination the records are logged as an error and dropped", async () => {
    const { deps, lines } = harness();
    expect(await handOff(batch, deps)).toBe("dropped");
    expect(lines).toEqual([
      {
        level: "error",
        message: "records discarded (RetryAttemptsExhausted); the mapping has no on-failure destination",
        fields: {
          uuid: "uuid-1",
          function: "fn",
          condition: "RetryAttemptsExhausted",
          approximateInvokeCount: 2,
          records: ["t-0@4", "t-0@5"],
        },
      },
    ]);
  });

  test("a destination that refuses at first is tried again after a back-off", async () => {
    const target = sink(2);
    const { deps, lines, slept } = harness(target);
    expect(await handOff(batch, deps)).toBe("delivered");
    expect(target.delivered).toEqual([batch]);
    expect(slept).toEqual([500, 1_000]);
    expect(lines.map((l) => [l.level, l.fields?.attempt ?? l.message])).toEqual([
      ["error", 1],
      ["error", 2],
      ["warn", "records sent to the on-failure destination (RetryAttemptsExhausted)"],
    ]);
    expect(lines[0]?.fields).toMatchObject({ error: "Error: throttled", cause: "Error: 429" });
  });

  test("a destination that refuses every attempt: the records are dropped, loudly", async () => {
    const { deps, lines, slept } = harness(sink(5), 3);
    expect(await handOff(batch, deps)).toBe("dropped");
    expect(slept).toEqual([500, 1_000]);
    expect(lines.at(-1)).toMatchObject({
      level: "error",
      message: "records DROPPED: the on-failure destination refused them 3 times",
      fields: { condition: "RetryAttemptsExhausted", records: ["t-0@4", "t-0@5"] },
    });
  });

  test("refusals while LocalStack does not answer are not tries: the hand-off waits for it, then delivers", async () => {
    const target = sink(4); // the first two during the outage, then two counted refusals, then taken
    const { deps, lines, slept } = harness(target, 3);
    let refusalsSeen = 0;
    let downChecks = 0;
    const outages = {
      mark: () => 0,
      since: () => refusalsSeen++ < 2,
      down: () => downChecks++ % 2 === 0, // each wait finds it down once, then answering
    };
    expect(await handOff(batch, { ...deps, outages })).toBe("delivered");
    expect(target.delivered).toEqual([batch]);
    expect(lines.map((l) => l.message)).toEqual([
      "on-failure destination unreachable while LocalStack does not answer; waiting for it",
      "on-failure destination unreachable while LocalStack does not answer; waiting for it",
      "on-failure destination did not take the failure record",
      "on-failure destination did not take the failure record",
      "records sent to the on-failure destination (RetryAttemptsExhausted)",
    ]);
    expect(slept).toEqual([500, 500, 500, 1_000]);
  });
});
