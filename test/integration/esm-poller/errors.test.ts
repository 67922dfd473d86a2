/** Errors and retries against real Kafka and LocalStack destinations: retries, bisecting, partial responses, record age, on-failure records. */
import { KafkaSelfManagedEventSchema } from "@aws-lambda-powertools/parser/schemas/kafka";
import { CreateTopicCommand, DeleteTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { createFailureSink } from "#local/lambda-service/esm/destinations";
import { cfg, unique } from "../helpers";
import {
  cleanups,
  committed,
  createBucket,
  createTopic,
  eventually,
  FakeFunction,
  kafka,
  logs,
  mapping,
  poller,
  produce,
  readTopic,
  s3Records,
  s3Sink,
  sinks,
  sleep,
  sns,
  sqs,
  useEsmHarness,
  values,
} from "./harness";

useEsmHarness();

describe("errors and retries", () => {
  test("a failing batch is retried whole until it succeeds; the partition waits", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(3));
    const fn = new FakeFunction((_call, i) => (i < 2 ? { error: "boom" } : undefined));
    const spec = mapping(topic, { batchSize: 10, maxBatchingWindowMs: 300 });
    await poller(spec, fn).start();
    await eventually("3 calls", () => fn.calls.length >= 3);
    await produce(topic, values(1, "later"));
    await eventually("the later record", () => fn.records().some((r) => r.value === "later0"));
    expect(fn.calls.slice(0, 3).map((c) => c.records.map((r) => r.offset))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(fn.calls[3]?.records.map((r) => r.offset)).toEqual([3]);
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 4);
  });

  test("MaximumRetryAttempts exhausted: an AWS failure record in S3, offsets move past the batch", async () => {
    const topic = await createTopic(1);
    const Bucket = await createBucket();
    const spec = mapping(topic, {
      batchSize: 10,
      maxBatchingWindowMs: 300,
      maximumRetryAttempts: 1,
      onFailure: { kind: "s3", destination: `arn:aws:s3:::${Bucket}` },
    });
    const fn = new FakeFunction((call) =>
      call.records.some((r) => r.value.startsWith("bad")) ? { error: "boom" } : undefined,
    );
    await produce(topic, [{ key: "k0", value: "bad0" }, { value: "bad1" }, { value: "bad2" }]);
    await poller(spec, fn, {
      failureSink: s3Sink(spec),
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:esm-test-fn",
    }).start();
    const [failure] = await s3Records(Bucket, 1);
    expect(fn.calls).toHaveLength(2); // the first attempt and one retry
    expect(failure?.key).toMatch(
      new RegExp(
        `^aws/lambda/${spec.uuid}/${topic}-0/\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}T\\d{2}\\.\\d{2}\\.\\d{2}-[0-9a-f-]{36}$`,
      ),
    );
    const body = failure?.body ?? {};
    expect(body).toMatchObject({
      requestContext: {
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:esm-test-fn",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 2,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      KafkaBatchInfo: {
        batchSize: 3,
        bootstrapServers: cfg.kafka.bootstrapServers,
        recordsInfo: { [`${topic}-0`]: { firstRecordOffset: "0", lastRecordOffset: "2" } },
      },
    });
    expect(Object.keys(body)).toEqual([
      "requestContext",
      "responseContext",
      "version",
      "timestamp",
      "KafkaBatchInfo",
      "payload",
    ]);
    expect(Date.parse(String(body.timestamp))).not.toBeNaN();
    const payload = KafkaSelfManagedEventSchema.parse(JSON.parse(String(body.payload)));
    expect(payload.records[`${topic}-0`]?.map((r) => r.value)).toEqual(["bad0", "bad1", "bad2"]);
    expect((body.KafkaBatchInfo as { payloadSize: number }).payloadSize).toBe(Buffer.byteLength(String(body.payload)));
    await eventually("committed past the batch", async () => (await committed(spec.consumerGroupId, topic))[0] === 3);
    await produce(topic, [{ value: "good" }]);
    await eventually("the next record", () => fn.records().some((r) => r.value === "good"));
  });

  test("infinite retries with a destination become 10 retries, as AWS applies", async () => {
    const topic = await createTopic(1);
    const Bucket = await createBucket();
    const spec = mapping(topic, {
      maxBatchingWindowMs: 100,
      onFailure: { kind: "s3", destination: `arn:aws:s3:::${Bucket}` },
    });
    expect(spec.maximumRetryAttempts).toBe(-1);
    await produce(topic, [{ value: "bad" }]);
    const fn = new FakeFunction(() => ({ error: "boom" }));
    await poller(spec, fn, { failureSink: s3Sink(spec) }).start();
    const [failure] = await s3Records(Bucket, 1);
    expect(fn.calls).toHaveLength(11);
    expect(failure?.body).toMatchObject({
      requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 11 },
    });
  });

  test("a Kafka topic destination gets one AWS-shaped message per record, keyed like the record", async () => {
    const topic = await createTopic(1);
    const dlt = await createTopic(1);
    const spec = mapping(topic, {
      maximumRetryAttempts: 0,
      maxBatchingWindowMs: 300,
      onFailure: { kind: "kafka", destination: `kafka://${dlt}` },
    });
    const sink = createFailureSink(spec, { kafka });
    if (!sink) throw new Error("no sink");
    sinks.push(sink);
    expect(() =>
      createFailureSink({ ...spec, onFailure: { kind: "kafka", destination: `kafka://${topic}` } }, { kafka }),
    ).toThrow(/source topic/);
    await produce(topic, [
      { key: "a", value: "x" },
      { key: null, value: "y" },
    ]);
    const fn = new FakeFunction(() => ({ error: "always" }));
    await poller(spec, fn, { failureSink: sink }).start();
    const messages = await readTopic(dlt, 2);
    expect(fn.calls).toHaveLength(1);
    expect(messages.map((m) => m.key?.toString() ?? null)).toEqual(["a", null]);
    const first = JSON.parse(messages[0]?.value?.toString() ?? "{}") as Record<string, unknown>;
    expect(first).toMatchObject({
      requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 1 },
      responseContext: { statusCode: 200, functionError: "Unhandled" },
      version: "1.0",
      KafkaBatchInfo: { batchSize: 1, bootstrapServers: cfg.kafka.bootstrapServers, recordInfo: { offset: "0" } },
      payload: {
        eventSource: "SelfManagedKafka",
        records: { [`${topic}-0`]: [{ offset: 0, key: "YQ==", value: "eA==" }] },
      },
    });
    KafkaSelfManagedEventSchema.parse(first.payload);
  });

  test("SQS and SNS destinations get the record without payload", async () => {
    const topic = await createTopic(1);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("esm-dlq") }));
    if (!QueueUrl) throw new Error("no queue");
    cleanups.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl })));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    const queueArn = Attributes?.QueueArn ?? "";
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("esm-dlq") }));
    if (!TopicArn) throw new Error("no topic");
    cleanups.push(() => sns.send(new DeleteTopicCommand({ TopicArn })));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );

    await produce(topic, [{ value: "x" }]);
    const fn = new FakeFunction(() => ({ error: "always" }));
    for (const [kind, destination] of [
      ["sqs", queueArn],
      ["sns", TopicArn],
    ] as const) {
      const spec = mapping(topic, {
        maximumRetryAttempts: 0,
        maxBatchingWindowMs: 100,
        onFailure: { kind, destination },
      });
      const sink = createFailureSink(spec, { sqs, sns });
      if (!sink) throw new Error("no sink");
      await poller(spec, fn, { failureSink: sink }).start();
    }
    const bodies = await eventually("2 messages", async () => {
      const got: Record<string, unknown>[] = [];
      for (let i = 0; i < 5 && got.length < 2; i++) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        got.push(...Messages.map((m) => JSON.parse(m.Body ?? "{}") as Record<string, unknown>));
      }
      return got.length >= 2 && got;
    });
    for (const body of bodies) {
      expect(body).toMatchObject({
        requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 1 },
        KafkaBatchInfo: {
          batchSize: 1,
          recordsInfo: { [`${topic}-0`]: { firstRecordOffset: "0", lastRecordOffset: "0" } },
        },
      });
      expect(body).not.toHaveProperty("payload");
    }
  });

  test("MaximumRecordAgeInSeconds: older records are never invoked and go to the destination", async () => {
    const topic = await createTopic(1);
    const Bucket = await createBucket();
    const spec = mapping(topic, {
      maximumRecordAgeSeconds: 60,
      maxBatchingWindowMs: 300,
      onFailure: { kind: "s3", destination: `arn:aws:s3:::${Bucket}` },
    });
    const now = Date.now();
    await produce(topic, [
      { value: "old0", timestamp: String(now - 600_000) },
      { value: "fresh0", timestamp: String(now) },
      { value: "old1", timestamp: String(now - 600_000) },
      { value: "fresh1", timestamp: String(now) },
    ]);
    const fn = new FakeFunction();
    await poller(spec, fn, { failureSink: s3Sink(spec) }).start();
    const [failure] = await s3Records(Bucket, 1);
    expect(failure?.body).toMatchObject({
      requestContext: { condition: "RecordAgeExceeded", approximateInvokeCount: 0 },
      responseContext: null,
      KafkaBatchInfo: {
        batchSize: 2,
        recordsInfo: { [`${topic}-0`]: { firstRecordOffset: "0", lastRecordOffset: "2" } },
      },
    });
    await eventually("fresh records", () => fn.records().length >= 2);
    expect(fn.records().map((r) => r.value)).toEqual(["fresh0", "fresh1"]);
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 4);
  });

  test("BisectBatchOnFunctionError halves a failing batch until the bad record is alone; splits are not retries", async () => {
    const topic = await createTopic(1);
    const Bucket = await createBucket();
    await produce(topic, values(8));
    const spec = mapping(topic, {
      batchSize: 8,
      maxBatchingWindowMs: 1_000,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
      onFailure: { kind: "s3", destination: `arn:aws:s3:::${Bucket}` },
    });
    const fn = new FakeFunction((call) =>
      call.records.some((r) => r.value === "m5") ? { error: "poison" } : undefined,
    );
    await poller(spec, fn, { failureSink: s3Sink(spec) }).start();
    const [failure] = await s3Records(Bucket, 1);
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 8);
    expect(fn.calls.map((c) => c.records.map((r) => r.offset))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7], // fails: split
      [0, 1, 2, 3], // ok
      [4, 5, 6, 7], // fails: split
      [4, 5], // fails: split
      [4], // ok
      [5], // fails: retry 1
      [5], // fails: exhausted
      [6, 7], // ok
    ]);
    expect(failure?.body).toMatchObject({
      requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 2 },
      KafkaBatchInfo: { batchSize: 1, recordsInfo: { [`${topic}-0`]: { firstRecordOffset: "5" } } },
    });
  });

  test("ReportBatchItemFailures: commits before the lowest failed offset per partition and retries from there", async () => {
    const topic = await createTopic(2);
    await produce(topic, [
      ...values(4, "a").map((m) => ({ ...m, partition: 0 })),
      ...values(3, "b").map((m) => ({ ...m, partition: 1 })),
    ]);
    const spec = mapping(topic, { reportBatchItemFailures: true, batchSize: 10, maxBatchingWindowMs: 1_000 });
    const fn = new FakeFunction((_call, i) =>
      i === 0
        ? {
            response: {
              batchItemFailures: [
                { itemIdentifier: { partition: `${topic}-0`, offset: 3 } },
                { itemIdentifier: { partition: `${topic}-0`, offset: 2 } },
              ],
            },
          }
        : { response: { batchItemFailures: [] } },
    );
    await poller(spec, fn).start();
    await eventually("2 calls", () => fn.calls.length >= 2);
    expect(fn.calls[0]?.records.map((r) => `${r.partition}:${r.offset}`).sort()).toEqual([
      "0:0",
      "0:1",
      "0:2",
      "0:3",
      "1:0",
      "1:1",
      "1:2",
    ]);
    expect(fn.calls[1]?.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(["0:2", "0:3"]);
    await eventually("committed", async () => {
      const offsets = await committed(spec.consumerGroupId, topic);
      return offsets[0] === 4 && offsets[1] === 3;
    });
    await sleep(500);
    expect(fn.calls).toHaveLength(2);
  });

  test.each([
    [
      "an unknown partition",
      (topic: string) => ({ batchItemFailures: [{ itemIdentifier: { partition: `${topic}-9`, offset: 0 } }] }),
    ],
    [
      "an offset not in the batch",
      (topic: string) => ({ batchItemFailures: [{ itemIdentifier: { partition: `${topic}-0`, offset: 99 } }] }),
    ],
    ["a wrong shape", () => ({ batchItemFailures: [{ partition: "x", offset: 1 }] })],
    [
      "a string offset",
      (topic: string) => ({ batchItemFailures: [{ itemIdentifier: { partition: `${topic}-0`, offset: "1" } }] }),
    ],
  ])("ReportBatchItemFailures: a response with %s fails the whole batch", async (_what, bad) => {
    const topic = await createTopic(1);
    await produce(topic, values(3));
    const fn = new FakeFunction((_call, i) => (i === 0 ? { response: bad(topic) } : undefined));
    const spec = mapping(topic, { reportBatchItemFailures: true, batchSize: 10, maxBatchingWindowMs: 500 });
    await poller(spec, fn).start();
    await eventually("2 calls", () => fn.calls.length >= 2);
    expect(fn.calls.map((c) => c.records.map((r) => r.offset))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
  });

  test.each([
    ["an empty list", { batchItemFailures: [] }],
    ["a null list", { batchItemFailures: null }],
    ["an empty object", {}],
    ["null", null],
  ])("ReportBatchItemFailures: %s is a success", async (_what, response) => {
    const topic = await createTopic(1);
    await produce(topic, values(2));
    const fn = new FakeFunction(() => ({ response }));
    const spec = mapping(topic, { reportBatchItemFailures: true, maxBatchingWindowMs: 300 });
    await poller(spec, fn).start();
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 2);
    expect(fn.calls).toHaveLength(1);
  });

  test("without a destination, exhausted records are logged loudly and the partition moves on", async () => {
    const topic = await createTopic(1);
    await produce(topic, [{ value: "bad" }, { value: "bad" }]);
    const spec = mapping(topic, { maximumRetryAttempts: 0, maxBatchingWindowMs: 300 });
    const fn = new FakeFunction((call) =>
      call.records.some((r) => r.value === "bad") ? { error: "boom" } : undefined,
    );
    const p = poller(spec, fn);
    await p.start();
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 2);
    expect(
      logs.some(
        (l) => l.level === "error" && l.message.includes("no on-failure destination") && l.fields?.uuid === spec.uuid,
      ),
    ).toBe(true);
    expect(p.metrics().droppedEventCount).toBe(2);
  });
});
