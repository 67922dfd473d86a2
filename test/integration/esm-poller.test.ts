/**
 * The Kafka event-source mapping poller against the real local Kafka (SCRAM-SHA-512, real consumer
 * groups) and LocalStack (S3, SQS, SNS, Secrets Manager). The function is an in-process fake: the
 * function side is tested elsewhere.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { kafkaConsumer } from "@aws-lambda-powertools/kafka";
import type { MSKEvent } from "@aws-lambda-powertools/kafka/types";
import { KafkaSelfManagedEventSchema } from "@aws-lambda-powertools/parser/schemas/kafka";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { type Admin, Kafka, type KafkaMessage, logLevel, type Message, type Producer } from "kafkajs";
import { createFailureSink, type FailureSink } from "../../localstack/lambda-service/esm/destinations";
import {
  EventSizer,
  type PolledRecord,
  renderEvent,
  type SelfManagedKafkaEvent,
  toPolledRecord,
} from "../../localstack/lambda-service/esm/event";
import { mappingKafkaConfigFactory } from "../../localstack/lambda-service/esm/kafka-client";
import { KafkaEventSourcePoller, type PollerDeps, type PollerLog } from "../../localstack/lambda-service/esm/poller";
import { parseBatchResponse } from "../../localstack/lambda-service/esm/response";
import type { InvokeResult, Invoker, KafkaMappingSpec } from "../../localstack/lambda-service/types";
import { adminCredentials, kafkaClientConfig } from "../../localstack/launchers/kafka";
import { sdkConfig } from "../../localstack/support/aws";
import { cfg, unique } from "./helpers";

jest.setTimeout(120_000);

const admin = adminCredentials(cfg);
const kafka = new Kafka({ ...kafkaClientConfig(cfg, admin), clientId: "esm-test", logLevel: logLevel.NOTHING });
const s3 = new S3Client(sdkConfig(cfg));
const sqs = new SQSClient(sdkConfig(cfg));
const sns = new SNSClient(sdkConfig(cfg));
const secrets = new SecretsManagerClient(sdkConfig(cfg));
let kafkaAdmin: Admin;
let producer: Producer;

/** Everything created by a test, removed in afterEach / afterAll. */
const pollers: KafkaEventSourcePoller[] = [];
const sinks: FailureSink[] = [];
const topics: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

afterEach(async () => {
  await Promise.allSettled(pollers.splice(0).map((p) => p.stop()));
  await Promise.allSettled(sinks.splice(0).map((s) => s.close()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  if (topics.length > 0) await kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
  await producer.disconnect();
  await kafkaAdmin.disconnect();
  s3.destroy();
  sqs.destroy();
  sns.destroy();
  secrets.destroy();
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function createTopic(
  partitions = 1,
  configEntries: Array<{ name: string; value: string }> = [],
): Promise<string> {
  const topic = unique("esm");
  await kafkaAdmin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }],
  });
  topics.push(topic);
  return topic;
}

async function produce(topic: string, messages: Message[]): Promise<void> {
  await producer.send({ topic, messages });
}

const values = (n: number, prefix = "m"): Message[] =>
  Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));

interface Call {
  readonly event: SelfManagedKafkaEvent;
  readonly payloadBytes: number;
  readonly records: ReadonlyArray<{ key: string; topic: string; partition: number; offset: number; value: string }>;
  readonly startedAt: number;
}

type FakeReply = { error: string } | { response: unknown } | undefined;

/** A function run in process: records every event; `reply` decides the outcome of each call. */
class FakeFunction implements Invoker {
  readonly calls: Call[] = [];
  /** Partition keys of the invocations running now. */
  private readonly running = new Set<string>();
  overlaps = 0;

  constructor(
    private readonly reply: (call: Call, index: number) => FakeReply | Promise<FakeReply> = () => undefined,
    private readonly delayMs = 0,
  ) {}

  async invoke(_name: string, payload: Buffer): Promise<InvokeResult> {
    const event = JSON.parse(payload.toString("utf8")) as SelfManagedKafkaEvent;
    const records = Object.entries(event.records).flatMap(([key, list]) =>
      list.map((r) => ({
        key,
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        value: Buffer.from(r.value ?? "", "base64").toString("utf8"),
      })),
    );
    const call: Call = { event, payloadBytes: payload.length, records, startedAt: Date.now() };
    const index = this.calls.push(call) - 1;
    const keys = Object.keys(event.records);
    for (const key of keys) {
      if (this.running.has(key)) this.overlaps++;
      this.running.add(key);
    }
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const outcome = await this.reply(call, index);
      const base = { requestId: randomUUID(), logTail: "", durationMs: 1, billedDurationMs: 1, maxMemoryUsedMb: 64 };
      if (outcome && "error" in outcome) {
        return {
          ...base,
          functionError: "Unhandled",
          payload: Buffer.from(JSON.stringify({ errorType: "Error", errorMessage: outcome.error, trace: [] })),
        };
      }
      const response = outcome && "response" in outcome ? outcome.response : null;
      return { ...base, payload: Buffer.from(response === undefined ? "" : JSON.stringify(response)) };
    } finally {
      for (const key of keys) this.running.delete(key);
    }
  }

  /** Every delivered record, in call order. */
  records(): Call["records"][number][] {
    return this.calls.flatMap((c) => c.records);
  }

  /** Records of calls that did not fail, per the reply function's view: the caller filters. */
  offsets(partition = 0): number[] {
    return this.records()
      .filter((r) => r.partition === partition)
      .map((r) => r.offset);
  }
}

const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
const log: PollerLog = (level, message, fields) => {
  logs.push({ level, message, ...(fields ? { fields } : {}) });
  if (process.env.ESM_TEST_LOG === "1")
    process.stderr.write(`${new Date().toISOString()} ${level} ${message} ${JSON.stringify(fields ?? {})}\n`);
};

function mapping(topic: string | string[], overrides: Partial<KafkaMappingSpec> = {}): KafkaMappingSpec {
  return {
    uuid: randomUUID(),
    stackName: "esm-test",
    logicalId: "Mapping",
    functionName: "esm-test-fn",
    topics: Array.isArray(topic) ? topic : [topic],
    bootstrapServers: [cfg.kafka.bootstrapServers],
    batchSize: 100,
    maxBatchingWindowMs: 200,
    startingPosition: "TRIM_HORIZON",
    consumerGroupId: unique("esm-group"),
    enabled: true,
    filterPatterns: [],
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    bisectBatchOnFunctionError: false,
    reportBatchItemFailures: false,
    authentication: "SASL_SCRAM_512_AUTH",
    ...overrides,
  };
}

function poller(spec: KafkaMappingSpec, invoker: Invoker, deps: Partial<PollerDeps> = {}): KafkaEventSourcePoller {
  const p = new KafkaEventSourcePoller(spec, {
    invoker,
    kafka: mappingKafkaConfigFactory(spec, { user: admin }),
    log,
    retryBackoff: { initialMs: 20, maxMs: 200 },
    ...deps,
  });
  pollers.push(p);
  return p;
}

async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function committed(groupId: string, topic: string): Promise<Record<number, number>> {
  const [entry] = await kafkaAdmin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

async function createBucket(): Promise<string> {
  const Bucket = unique("esm-dlq").toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket }));
  cleanups.push(async () => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket }));
    for (const o of Contents) await s3.send(new DeleteObjectCommand({ Bucket, Key: o.Key }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
  return Bucket;
}

async function s3Records(
  Bucket: string,
  count: number,
): Promise<Array<{ key: string; body: Record<string, unknown> }>> {
  return eventually(`${count} failure record(s) in s3://${Bucket}`, async () => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket }));
    if (Contents.length < count) return undefined;
    const out: Array<{ key: string; body: Record<string, unknown> }> = [];
    for (const o of Contents) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: o.Key }));
      out.push({
        key: o.Key ?? "",
        body: JSON.parse((await got.Body?.transformToString()) ?? "{}") as Record<string, unknown>,
      });
    }
    return out;
  });
}

function s3Sink(spec: KafkaMappingSpec): FailureSink {
  const sink = createFailureSink(spec, { s3 });
  if (!sink) throw new Error("no sink");
  sinks.push(sink);
  return sink;
}

/** Reads n messages of a topic from the beginning. */
async function readTopic(topic: string, n: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: unique("esm-reader"), maxWaitTimeInMs: 500 });
  const got: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message);
      },
    });
    return await eventually(`${n} message(s) on ${topic}`, () => got.length >= n && got);
  } finally {
    await consumer.disconnect();
  }
}

const lambdaContext = {
  functionName: "esm-test-fn",
  awsRequestId: "test",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

// ---------------------------------------------------------------------------------------------

describe("event rendering and responses (no Kafka)", () => {
  const record = (partition: number, offset: number, value: string | null, key: string | null = null): PolledRecord =>
    toPolledRecord("t", partition, {
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      timestamp: "1700000000000",
      attributes: 0,
      offset: String(offset),
      headers: { h: "v" },
    });

  test("the size accounting equals the rendered event's byte length", () => {
    const records = [record(0, 0, "a"), record(0, 1, "é€"), record(1, 0, null, "k"), record(2, 5, "x".repeat(1000))];
    const sizer = new EventSizer("h1:9092,h2:9092");
    for (const r of records) {
      const expected = sizer.sizeWith(r);
      sizer.add(r);
      expect(sizer.bytes).toBe(expected);
    }
    const event = renderEvent("h1:9092,h2:9092", records);
    expect(Buffer.byteLength(event)).toBe(sizer.bytes);
    expect(JSON.parse(event)).toEqual({
      eventSource: "SelfManagedKafka",
      bootstrapServers: "h1:9092,h2:9092",
      records: {
        "t-0": [expect.objectContaining({ offset: 0 }), expect.objectContaining({ offset: 1 })],
        "t-1": [expect.not.objectContaining({ value: expect.anything() })],
        "t-2": [expect.objectContaining({ offset: 5 })],
      },
    });
  });

  test("batchItemFailures parsing", () => {
    const batch = [record(0, 3, "a"), record(0, 4, "b"), record(1, 7, "c")];
    const failure = (partition: unknown, offset: unknown) => ({ itemIdentifier: { partition, offset } });
    expect(parseBatchResponse("", batch).kind).toBe("success");
    expect(parseBatchResponse("null", batch).kind).toBe("success");
    expect(parseBatchResponse("{}", batch).kind).toBe("success");
    expect(parseBatchResponse(JSON.stringify({ batchItemFailures: [] }), batch).kind).toBe("success");
    const partial = parseBatchResponse(
      JSON.stringify({ batchItemFailures: [failure("t-0", 4), failure("t-0", 3)] }),
      batch,
    );
    expect(partial).toEqual({ kind: "partial", failedFrom: new Map([["t-0", 3]]) });
    for (const bad of [
      "not json",
      '"ok"',
      "[]",
      JSON.stringify({ batchItemFailures: {} }),
      JSON.stringify({ batchItemFailures: [failure("t-9", 3)] }),
      JSON.stringify({ batchItemFailures: [failure("t-1", 3)] }),
      JSON.stringify({ batchItemFailures: [failure("", 3)] }),
      JSON.stringify({ batchItemFailures: [{ partition: "t-0", offset: 3 }] }),
    ]) {
      expect([bad, parseBatchResponse(bad, batch).kind]).toEqual([bad, "invalid"]);
    }
  });
});

describe("event", () => {
  test("matches the Powertools KafkaSelfManagedEventSchema and carries keys, values and headers byte for byte", async () => {
    const topic = await createTopic(1);
    const binary = randomBytes(64);
    await produce(topic, [
      {
        key: "k1",
        value: JSON.stringify({ name: "Ada" }),
        headers: { "content-type": "application/json", trace: "abc" },
      },
      { key: null, value: binary },
      { key: Buffer.from([0, 1, 2, 255]), value: "plain text", headers: { accent: "é", dup: ["a", "b"] } },
      { key: "tomb", value: null },
    ]);
    const fn = new FakeFunction();
    const spec = mapping(topic, { batchSize: 10, maxBatchingWindowMs: 300 });
    await poller(spec, fn).start();
    await eventually("4 records", () => fn.records().length >= 4);

    const events = fn.calls.map((c) => c.event);
    const all = events.flatMap((e) => e.records[`${topic}-0`] ?? []);
    expect(all.map((r) => r.offset)).toEqual([0, 1, 2, 3]);
    for (const event of events) {
      expect(Object.keys(event)).toEqual(["eventSource", "bootstrapServers", "records"]);
      expect(event.eventSource).toBe("SelfManagedKafka");
      expect(event.bootstrapServers).toBe(cfg.kafka.bootstrapServers);
    }
    const [r0, r1, r2, r3] = all;
    expect(Object.keys(r0 ?? {})).toEqual([
      "topic",
      "partition",
      "offset",
      "timestamp",
      "timestampType",
      "key",
      "value",
      "headers",
    ]);
    expect(r0).toMatchObject({ topic, partition: 0, offset: 0, timestampType: "CREATE_TIME" });
    expect(typeof r0?.timestamp).toBe("number");
    expect(Math.abs(Date.now() - (r0?.timestamp ?? 0))).toBeLessThan(120_000);
    expect(Buffer.from(r0?.key ?? "", "base64").toString()).toBe("k1");
    expect(r0?.headers).toEqual([{ "content-type": [...Buffer.from("application/json")] }, { trace: [97, 98, 99] }]);
    // null key: no key field at all; binary value intact.
    expect(r1 && "key" in r1).toBe(false);
    expect(Buffer.from(r1?.value ?? "", "base64")).toEqual(binary);
    expect(r1?.headers).toEqual([]);
    expect(Buffer.from(r2?.key ?? "", "base64")).toEqual(Buffer.from([0, 1, 2, 255]));
    // Header bytes are Java's signed bytes; repeated names stay separate entries.
    expect(r2?.headers).toEqual([{ accent: [-61, -87] }, { dup: [97] }, { dup: [98] }]);
    // A tombstone has no value field.
    expect(r3 && "value" in r3).toBe(false);

    // The Powertools schema accepts the events of the ASCII-header records (its header transform cannot
    // take negative bytes, which AWS sends for non-ASCII header values).
    const asciiOnly = { ...events[0], records: { [`${topic}-0`]: [r0, r1] } };
    const parsed = KafkaSelfManagedEventSchema.parse(asciiOnly);
    expect(parsed.bootstrapServers).toEqual([cfg.kafka.bootstrapServers]);
    expect(parsed.records[`${topic}-0`]?.[0]).toMatchObject({
      key: "k1",
      value: JSON.stringify({ name: "Ada" }),
      headers: [{ "content-type": "application/json" }, { trace: "abc" }],
    });

    // The Powertools Kafka consumer decodes every record, the signed header bytes and the tombstone included.
    const seen: unknown[] = [];
    const handler = kafkaConsumer<string, unknown>(async (event) => {
      for (const record of event.records) seen.push({ key: record.key, value: record.value, headers: record.headers });
    });
    for (const event of events) await handler(event as unknown as MSKEvent, lambdaContext);
    expect(seen[0]).toEqual({
      key: "k1",
      value: JSON.stringify({ name: "Ada" }),
      headers: [{ "content-type": "application/json" }, { trace: "abc" }],
    });
    expect(seen[2]).toMatchObject({ value: "plain text", headers: [{ accent: "é" }, { dup: "a" }, { dup: "b" }] });
    expect(seen[3]).toMatchObject({ value: undefined });
  });

  test("a topic with LogAppendTime reports LOG_APPEND_TIME", async () => {
    const topic = await createTopic(1, [{ name: "message.timestamp.type", value: "LogAppendTime" }]);
    await produce(topic, [{ value: "x", timestamp: "1000" }]);
    const fn = new FakeFunction();
    await poller(mapping(topic), fn).start();
    const [record] = await eventually(
      "the record",
      () => fn.records().length > 0 && (fn.calls[0]?.event.records[`${topic}-0`] ?? []),
    );
    expect(record?.timestampType).toBe("LOG_APPEND_TIME");
    expect(record?.timestamp).toBeGreaterThan(1000);
  });
});

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

describe("starting position and offsets", () => {
  test("TRIM_HORIZON reads what the topic already holds", async () => {
    const topic = await createTopic(2);
    await produce(topic, [
      ...values(3).map((m) => ({ ...m, partition: 0 })),
      ...values(2).map((m) => ({ ...m, partition: 1 })),
    ]);
    const fn = new FakeFunction();
    await poller(mapping(topic), fn).start();
    await eventually("5 records", () => fn.records().length >= 5);
    expect(fn.offsets(0)).toEqual([0, 1, 2]);
    expect(fn.offsets(1)).toEqual([0, 1]);
  });

  test("LATEST reads only what is produced after start(), even across a restart before the first record", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(5, "old"));
    const spec = mapping(topic, { startingPosition: "LATEST" });
    const first = poller(spec, new FakeFunction());
    await first.start();
    await first.stop(); // nothing read yet: the position resolved at start() must stick
    await produce(topic, values(3, "new"));
    const fn = new FakeFunction();
    await poller(spec, fn).start();
    await eventually("3 records", () => fn.records().length >= 3);
    await sleep(1_000);
    expect(fn.records().map((r) => r.value)).toEqual(["new0", "new1", "new2"]);
  });

  test("AT_TIMESTAMP starts at the first record at or after the timestamp", async () => {
    const topic = await createTopic(1);
    const now = Date.now();
    await produce(
      topic,
      values(3, "before").map((m, i) => ({ ...m, timestamp: String(now - 600_000 + i) })),
    );
    await produce(
      topic,
      values(2, "after").map((m, i) => ({ ...m, timestamp: String(now - 10_000 + i) })),
    );
    const fn = new FakeFunction();
    const spec = mapping(topic, {
      startingPosition: "AT_TIMESTAMP",
      startingPositionTimestamp: Math.floor((now - 60_000) / 1000),
    });
    await poller(spec, fn).start();
    await eventually("2 records", () => fn.records().length >= 2);
    await sleep(500);
    expect(fn.records().map((r) => r.value)).toEqual(["after0", "after1"]);
  });

  test("an existing group's committed offsets win over the starting position", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(4, "a"));
    const groupId = unique("esm-group");
    const first = new FakeFunction();
    const p1 = poller(mapping(topic, { consumerGroupId: groupId }), first);
    await p1.start();
    await eventually("4 records", () => first.records().length >= 4);
    await p1.stop();
    await produce(topic, values(2, "b"));
    // TRIM_HORIZON would start at offset 0: the group's committed offset (4) wins.
    const second = new FakeFunction();
    await poller(mapping(topic, { consumerGroupId: groupId }), second).start();
    await eventually("2 records", () => second.records().length >= 2);
    await sleep(500);
    expect(second.records().map((r) => r.value)).toEqual(["b0", "b1"]);
  });

  test("offsets are committed only after success: stop mid-way, restart, nothing skipped", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(40));
    const groupId = unique("esm-group");
    const spec = mapping(topic, { consumerGroupId: groupId, batchSize: 5, maxBatchingWindowMs: 0 });
    const first = new FakeFunction(() => undefined, 150);
    const p1 = poller(spec, first);
    await p1.start();
    await eventually("3 calls", () => first.calls.length >= 3);
    await p1.stop(); // graceful: the batch in flight finishes and is committed
    const doneByFirst = first.offsets();
    const lastDone = Math.max(...doneByFirst);
    expect((await committed(groupId, topic))[0]).toBe(lastDone + 1);

    const second = new FakeFunction();
    await poller(spec, second).start();
    await eventually("the rest", () => second.records().length >= 40 - doneByFirst.length);
    expect(second.offsets()[0]).toBe(lastDone + 1);
    expect([...new Set([...doneByFirst, ...second.offsets()])].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  test("a rebalance between two pollers of one group loses and skips nothing", async () => {
    const topic = await createTopic(4);
    const groupId = unique("esm-group");
    const spec = mapping(topic, { consumerGroupId: groupId, batchSize: 10, maxBatchingWindowMs: 50 });
    const a = new FakeFunction(() => undefined, 20);
    const b = new FakeFunction(() => undefined, 20);
    const pa = poller(spec, a);
    await pa.start();
    const produced: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) produced.push(produce(topic, values(20, `r${i}-`)));
    await Promise.all(produced);
    await poller(spec, b).start(); // joins: the group rebalances
    await sleep(500);
    await pa.stop(); // leaves: rebalances again
    const seen = (): Set<string> => new Set([...a.records(), ...b.records()].map((r) => `${r.partition}:${r.offset}`));
    const total = (await kafkaAdmin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    expect(total).toBe(200);
    await eventually("every record", () => seen().size >= 200);
    await eventually("offsets committed", async () => {
      const offsets = await committed(groupId, topic);
      const sum = Object.values(offsets).reduce((s, o) => s + Math.max(0, o), 0);
      return sum === 200;
    });
  });
});

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

describe("filtering, enabling, authentication, metrics", () => {
  test("FilterCriteria: filtered-out records are never invoked but are committed", async () => {
    const topic = await createTopic(1);
    const spec = mapping(topic, {
      maxBatchingWindowMs: 300,
      filterPatterns: [JSON.stringify({ value: { kind: ["keep"] } }), JSON.stringify({ value: [{ prefix: "hello" }] })],
    });
    await produce(topic, [
      { value: JSON.stringify({ kind: "keep", n: 1 }) },
      { value: JSON.stringify({ kind: "drop" }) },
      { value: "hello world" },
      { value: "bye" },
      { value: JSON.stringify({ kind: "drop" }) },
    ]);
    const fn = new FakeFunction();
    const p = poller(spec, fn);
    await p.start();
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 5);
    expect(fn.records().map((r) => r.offset)).toEqual([0, 2]);
    expect(p.metrics().filteredOutEventCount).toBe(3);
  });

  test("Enabled=false polls nothing; enabling resumes from the committed offsets", async () => {
    const topic = await createTopic(1);
    const spec = mapping(topic, { enabled: false, maxBatchingWindowMs: 100 });
    const fn = new FakeFunction();
    const p = poller(spec, fn);
    await p.start();
    expect(p.metrics().state).toBe("Disabled");
    await produce(topic, values(2, "a"));
    await sleep(1_500);
    expect(fn.calls).toHaveLength(0);
    await p.setEnabled(true);
    expect(p.metrics().state).toBe("Enabled");
    await eventually("2 records", () => fn.records().length >= 2);
    await p.setEnabled(false);
    expect(p.metrics().state).toBe("Disabled");
    await produce(topic, values(2, "b"));
    await sleep(1_500);
    expect(fn.records()).toHaveLength(2);
    await p.setEnabled(true);
    await eventually("4 records", () => fn.records().length >= 4);
    expect(fn.records().map((r) => r.value)).toEqual(["a0", "a1", "b0", "b1"]);
  });

  test("SASL/SCRAM-SHA-512 with the credentials from the mapping's Secrets Manager secret", async () => {
    const topic = await createTopic(1);
    const good = await secrets.send(
      new CreateSecretCommand({ Name: unique("esm-secret"), SecretString: JSON.stringify(admin) }),
    );
    const bad = await secrets.send(
      new CreateSecretCommand({
        Name: unique("esm-secret"),
        SecretString: JSON.stringify({ ...admin, password: "wrong" }),
      }),
    );
    cleanups.push(() =>
      secrets.send(new DeleteSecretCommand({ SecretId: good.ARN, ForceDeleteWithoutRecovery: true })),
    );
    cleanups.push(() => secrets.send(new DeleteSecretCommand({ SecretId: bad.ARN, ForceDeleteWithoutRecovery: true })));
    await produce(topic, values(1));

    const spec = mapping(topic, { scramSecretArn: good.ARN, maxBatchingWindowMs: 100 });
    const fn = new FakeFunction();
    await poller(spec, fn, { kafka: mappingKafkaConfigFactory(spec, { secretsManager: secrets }) }).start();
    await eventually("the record", () => fn.records().length >= 1);

    const badSpec = mapping(topic, { scramSecretArn: bad.ARN });
    const refused = poller(badSpec, new FakeFunction(), {
      kafka: mappingKafkaConfigFactory(badSpec, { secretsManager: secrets }),
    });
    await expect(refused.start()).rejects.toThrow(/cannot start polling/);
    expect(refused.metrics()).toMatchObject({
      state: "Disabled",
      lastProcessingResult: expect.stringMatching(/^PROBLEM: /),
    });
  });

  test("metrics: counts and OffsetLag per partition", async () => {
    const topic = await createTopic(2);
    const spec = mapping(topic, { maxBatchingWindowMs: 100 });
    const fn = new FakeFunction();
    const p = poller(spec, fn);
    await p.start();
    await produce(topic, [
      ...values(3).map((m) => ({ ...m, partition: 0 })),
      ...values(1).map((m) => ({ ...m, partition: 1 })),
    ]);
    await eventually("lag 0", () => {
      const m = p.metrics();
      return m.offsetLag[`${topic}-0`] === 0 && m.offsetLag[`${topic}-1`] === 0 && m;
    });
    expect(p.metrics()).toMatchObject({
      state: "Enabled",
      lastProcessingResult: "OK",
      polledEventCount: 4,
      invokedEventCount: 4,
      errors: 0,
      partitions: { [`${topic}-0`]: { committedOffset: 3, highWatermark: 3 }, [`${topic}-1`]: { committedOffset: 1 } },
    });
  });
});
