/**
 * The dispatcher carries out AWS's asynchronous invocation: 1 + MaximumRetryAttempts tries of a failing
 * function, then its record to OnFailure (or the event to the dead-letter queue); a success's record to
 * OnSuccess; throttles retried without using up retries; an event queued by a stopped dispatcher tried by
 * the next one. Retry delays are shortened to milliseconds (SLUICE_ASYNC_RETRY_DELAYS_MS does the same).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DestinationDelivery } from "#local/lambda-service/async/destinations";
import { AsyncDispatcher } from "#local/lambda-service/async/dispatcher";
import type { DestinationSpec, EventInvokeConfig } from "#local/lambda-service/async/invoke-config";
import { DurableEventQueue } from "#local/lambda-service/async/queue";
import type { InvocationRecord } from "#local/lambda-service/async/record";
import { LambdaServiceError } from "#local/lambda-service/executor";
import type { FunctionMetricName } from "#local/lambda-service/metrics/definitions";
import type { FunctionMetrics } from "#local/lambda-service/metrics/recorder";
import type { InvokeResult, Invoker } from "#local/lambda-service/types";

const QUEUE: DestinationSpec = { arn: "arn:aws:sqs:us-east-1:000000000000:records", kind: "sqs" };
const DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq";

const ok = (payload: string, functionError?: "Unhandled"): InvokeResult => ({
  requestId: "x",
  payload: Buffer.from(payload),
  ...(functionError ? { functionError } : {}),
  logTail: "",
  durationMs: 1,
  billedDurationMs: 1,
  maxMemoryUsedMb: 1,
});

interface Sent {
  readonly destination?: string;
  readonly record?: InvocationRecord;
  readonly deadLetter?: { target: string; payload: string; attributes: unknown };
}

function harness(
  answers: Array<InvokeResult | Error>,
  config: Partial<EventInvokeConfig>,
  deadLetter?: string,
  reservedConcurrency?: number,
  removeFailures = 0,
  extra: { readonly metrics?: FunctionMetrics; readonly failDelivery?: boolean } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "async-dispatcher-"));
  const calls: string[] = [];
  const requestIds: Array<string | undefined> = [];
  const sent: Sent[] = [];
  const invoker: Invoker = {
    async invoke(name, payload, options) {
      calls.push(`${name} ${payload.toString()}`);
      requestIds.push(options?.requestId);
      const answer = answers.shift() ?? ok('"done"');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const delivery = {
    async deliver(destination: DestinationSpec, record: InvocationRecord) {
      if (extra.failDelivery) throw new Error("AccessDenied");
      sent.push({ destination: destination.arn, record });
    },
    async deadLetter(target: string, payload: string, attributes: unknown) {
      if (extra.failDelivery) throw new Error("AccessDenied");
      sent.push({ deadLetter: { target, payload, attributes } });
    },
  } as unknown as DestinationDelivery;
  const make = () =>
    new AsyncDispatcher({
      queue: new (class extends DurableEventQueue {
        override async remove(requestId: string): Promise<void> {
          if (removeFailures-- > 0) throw new Error("disk trouble");
          await super.remove(requestId);
        }
      })(join(dir, "events")),
      invoker,
      configFor: () => ({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, ...config }),
      deadLetterTarget: () => deadLetter,
      functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      reservedConcurrency: () => reservedConcurrency,
      delivery: async () => delivery,
      delays: { functionErrorMs: [5, 10], throttleMinMs: 1, throttleMaxMs: 4 },
      log: () => undefined,
      ...(extra.metrics ? { metrics: extra.metrics } : {}),
    });
  const drained = async (d: AsyncDispatcher) => {
    const deadline = Date.now() + 5_000;
    while (d.pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  return { dir, calls, requestIds, sent, make, drained };
}

describe("AsyncDispatcher", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("runs every attempt of one event under the request id its enqueue returned, as AWS does", async () => {
    const error = ok('{"errorType":"Error","errorMessage":"boom"}', "Unhandled");
    const h = harness([error, error], { maximumRetryAttempts: 2 });
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    const requestId = await d.enqueue("flaky", '{"n":1}');
    await h.drained(d);
    expect(h.requestIds).toEqual([requestId, requestId, requestId]);
    await d.stop();
  });

  it("tries a failing function 1 + MaximumRetryAttempts times, then sends RetriesExhausted to OnFailure", async () => {
    const error = ok('{"errorType":"Error","errorMessage":"boom"}', "Unhandled");
    const h = harness([error, error, error], { maximumRetryAttempts: 1, onFailure: QUEUE });
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    const requestId = await d.enqueue("failing", '{"n":1}');
    await h.drained(d);
    expect(h.calls).toEqual(['failing {"n":1}', 'failing {"n":1}']);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.destination).toBe(QUEUE.arn);
    expect(h.sent[0]?.record).toMatchObject({
      version: "1.0",
      requestContext: {
        requestId,
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:failing:$LATEST",
        condition: "RetriesExhausted",
        approximateInvokeCount: 2,
      },
      requestPayload: { n: 1 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorType: "Error", errorMessage: "boom" },
    });
  });

  it("sends a success's record to OnSuccess, after a failed first try", async () => {
    const h = harness([ok('{"errorMessage":"once"}', "Unhandled"), ok('{"ok":true}')], { onSuccess: QUEUE });
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    await d.enqueue("flaky", "{}");
    await h.drained(d);
    expect(h.calls).toHaveLength(2);
    expect(h.sent[0]?.record).toMatchObject({
      requestContext: { condition: "Success", approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST" },
      responsePayload: { ok: true },
    });
    expect(h.sent[0]?.record?.responseContext).not.toHaveProperty("functionError");
  });

  it("does not count throttles as retries", async () => {
    const throttle = () => new LambdaServiceError("TooManyRequestsException", "Rate Exceeded.", 429);
    const h = harness([throttle(), throttle(), throttle(), ok('"fine"')], {
      maximumRetryAttempts: 0,
      onSuccess: QUEUE,
    });
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    await d.enqueue("busy", "{}");
    await h.drained(d);
    expect(h.calls).toHaveLength(4);
    expect(h.sent[0]?.record?.requestContext.condition).toBe("Success");
  });

  it("sends the event to the dead-letter queue when no OnFailure destination takes it", async () => {
    const h = harness([ok('{"errorMessage":"bad input"}', "Unhandled")], { maximumRetryAttempts: 0 }, DLQ);
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    const requestId = await d.enqueue("f", '{"a":1}');
    await h.drained(d);
    expect(h.sent).toEqual([
      {
        deadLetter: {
          target: DLQ,
          payload: '{"a":1}',
          attributes: {
            RequestID: { DataType: "String", StringValue: requestId },
            ErrorCode: { DataType: "Number", StringValue: "200" },
            ErrorMessage: { DataType: "String", StringValue: "bad input" },
          },
        },
      },
    ]);
  });

  it("sends events of a function with reserved concurrency 0 to failure handling without trying them", async () => {
    const h = harness([], { onFailure: QUEUE }, undefined, 0);
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    await d.enqueue("off", '{"b":2}');
    await h.drained(d);
    expect(h.calls).toEqual([]);
    expect(h.sent[0]?.record).toMatchObject({
      requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 0 },
      requestPayload: { b: 2 },
    });
  });

  it("tries an event accepted while the queue is read at start once", async () => {
    const h = harness([], { onSuccess: QUEUE });
    dirs.push(h.dir);
    const d = h.make();
    await Promise.all([d.start(), d.enqueue("racy", '{"r":1}'), d.enqueue("racy", '{"r":2}')]);
    await h.drained(d);
    expect(h.calls.sort()).toEqual(['racy {"r":1}', 'racy {"r":2}']);
    expect(h.sent).toHaveLength(2);
  });

  it("tries an event again when finishing it failed (at least once, never lost)", async () => {
    const h = harness([], { onSuccess: QUEUE }, undefined, undefined, 1);
    dirs.push(h.dir);
    const d = h.make();
    await d.start();
    await d.enqueue("again", "{}");
    const deadline = Date.now() + 5_000;
    while (h.sent.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await h.drained(d);
    expect(h.calls).toEqual(["again {}", "again {}"]);
    expect(await new DurableEventQueue(join(h.dir, "events")).load(() => undefined)).toEqual([]);
  });

  it("leaves an event queued while stopped to the next dispatcher on the same directory", async () => {
    const h = harness([], { onSuccess: QUEUE });
    dirs.push(h.dir);
    const first = h.make();
    await first.enqueue("later", '{"kept":true}'); // never started: as if killed before trying it
    await first.stop();
    expect(h.calls).toEqual([]);
    const second = h.make();
    expect(await second.start()).toBe(1);
    await h.drained(second);
    expect(h.calls).toEqual(['later {"kept":true}']);
    expect(h.sent[0]?.record?.requestPayload).toEqual({ kept: true });
    expect(await new DurableEventQueue(join(h.dir, "events")).load(() => undefined)).toEqual([]);
  });

  describe("metrics", () => {
    const recorder = () => {
      const records: Array<[string, FunctionMetricName, number]> = [];
      const metrics: FunctionMetrics = { record: (fn, metric, value) => records.push([fn, metric, value]) };
      return { records, metrics };
    };

    it("an event tried twice then sent to OnFailure: received once, its age at each try, dropped once", async () => {
      const { records, metrics } = recorder();
      const error = ok('{"errorMessage":"boom"}', "Unhandled");
      const h = harness([error, error], { maximumRetryAttempts: 1, onFailure: QUEUE }, undefined, undefined, 0, {
        metrics,
      });
      dirs.push(h.dir);
      const d = h.make();
      await d.start();
      await d.enqueue("failing", "{}");
      await h.drained(d);
      expect(records.map(([fn, metric]) => `${fn} ${metric}`)).toEqual([
        "failing AsyncEventsReceived",
        "failing AsyncEventAge",
        "failing AsyncEventAge",
        "failing AsyncEventsDropped",
      ]);
      const ages = records.filter(([, metric]) => metric === "AsyncEventAge").map(([, , age]) => age);
      expect(ages[0]).toBeGreaterThanOrEqual(0);
      expect(ages[1]).toBeGreaterThanOrEqual(5); // the first retry waits 5 ms here
    });

    it.each([
      ["a destination", "DestinationDeliveryFailures", { onFailure: QUEUE }, undefined],
      ["the dead-letter queue", "DeadLetterErrors", {}, DLQ],
    ] as const)("a record %s refuses counts in %s", async (_where, metric, config, deadLetter) => {
      const { records, metrics } = recorder();
      const error = ok('{"errorMessage":"boom"}', "Unhandled");
      const h = harness([error], { maximumRetryAttempts: 0, ...config }, deadLetter, undefined, 0, {
        metrics,
        failDelivery: true,
      });
      dirs.push(h.dir);
      const d = h.make();
      await d.start();
      await d.enqueue("failing", "{}");
      await h.drained(d);
      expect(records.filter(([, m]) => m === metric)).toEqual([["failing", metric, 1]]);
    });

    it("reserved concurrency 0: the event is throttled and dropped untried", async () => {
      const { records, metrics } = recorder();
      const h = harness([], {}, undefined, 0, 0, { metrics });
      dirs.push(h.dir);
      const d = h.make();
      await d.start();
      await d.enqueue("closed", "{}");
      await h.drained(d);
      expect(records.map(([, metric, value]) => `${metric}=${value}`)).toEqual([
        "AsyncEventsReceived=1",
        "Throttles=1",
        "AsyncEventsDropped=1",
      ]);
    });
  });
});
