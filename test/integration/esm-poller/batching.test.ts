/** Batching against real Kafka: BatchSize, the batching window, partitions, the 6 MB cap. */
import { randomBytes } from "node:crypto";
import {
  committed,
  createBucket,
  createTopic,
  eventually,
  FakeFunction,
  mapping,
  poller,
  produce,
  s3Records,
  s3Sink,
  useEsmHarness,
  values,
} from "./harness";

useEsmHarness();

describe("batching", () => {
  test("a batch holds at most BatchSize records, in offset order", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(25));
    const fn = new FakeFunction();
    await poller(mapping(topic, { batchSize: 10, maxBatchingWindowMs: 500 }), fn).start();
    await eventually("25 records", () => fn.records().length >= 25);
    expect(fn.calls.length).toBeGreaterThanOrEqual(3);
    for (const call of fn.calls) expect(call.records.length).toBeLessThanOrEqual(10);
    expect(fn.offsets()).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  test("a lone record waits for the batching window", async () => {
    const topic = await createTopic(1);
    const fn = new FakeFunction();
    await poller(mapping(topic, { batchSize: 100, maxBatchingWindowMs: 2_000 }), fn).start();
    const sent = Date.now();
    await produce(topic, values(1));
    await eventually("the record", () => fn.calls.length > 0);
    expect((fn.calls[0]?.startedAt ?? 0) - sent).toBeGreaterThanOrEqual(1_900);
  });

  test("partitions: a batch may mix them, each keeps offset order, and has one batch in flight", async () => {
    const topic = await createTopic(3);
    for (let p = 0; p < 3; p++)
      await produce(
        topic,
        values(30, `p${p}-`).map((m) => ({ ...m, partition: p })),
      );
    const fn = new FakeFunction(() => undefined, 30);
    await poller(mapping(topic, { batchSize: 20, maxBatchingWindowMs: 300 }), fn, { concurrency: 2 }).start();
    await eventually("90 records", () => fn.records().length >= 90);
    expect(fn.overlaps).toBe(0);
    for (let p = 0; p < 3; p++) expect(fn.offsets(p)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(fn.calls.some((c) => Object.keys(c.event.records).length > 1)).toBe(true);
  });

  test("a batch never exceeds 6 MB; a record too large for any batch goes to the destination", async () => {
    const topic = await createTopic(1, [{ name: "max.message.bytes", value: String(10 * 1024 * 1024) }]);
    const big = (n: number): Buffer => randomBytes(n);
    await produce(topic, [{ value: big(2_000_000) }, { value: big(2_000_000) }, { value: big(2_000_000) }]);
    await produce(topic, [{ key: "huge", value: big(4_800_000) }]); // 6.4 MB in base64
    await produce(topic, [{ value: "small" }]);
    const Bucket = await createBucket();
    const spec = mapping(topic, {
      batchSize: 10,
      maxBatchingWindowMs: 300,
      onFailure: { kind: "s3", destination: `arn:aws:s3:::${Bucket}` },
    });
    const fn = new FakeFunction();
    await poller(spec, fn, { failureSink: s3Sink(spec) }).start();
    await eventually("4 records invoked", () => fn.records().length >= 4);
    for (const call of fn.calls) expect(call.payloadBytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(fn.offsets()).toEqual([0, 1, 2, 4]);
    const [failure] = await s3Records(Bucket, 1);
    expect(failure?.body).toMatchObject({
      requestContext: { condition: "MaximumPayloadSizeExceeded", approximateInvokeCount: 0 },
      responseContext: null,
      KafkaBatchInfo: {
        batchSize: 1,
        recordsInfo: { [`${topic}-0`]: { firstRecordOffset: "3", lastRecordOffset: "3" } },
      },
    });
    await eventually(
      "offsets committed past everything",
      async () => (await committed(spec.consumerGroupId, topic))[0] === 5,
    );
  });
});
