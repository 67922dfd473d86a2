/**
 * What the poller's integration tests share: clients of the local Kafka (SCRAM-SHA-512) and LocalStack,
 * an in-process fake function that records every event, mapping and poller factories, and the hooks that
 * remove what each test created. Each test file calls useEsmHarness() once.
 */
import { randomUUID } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { type Admin, Kafka, type KafkaMessage, logLevel, type Message, type Producer } from "kafkajs";
import { createFailureSink, type FailureSink } from "#local/lambda-service/esm/destinations";
import type { SelfManagedKafkaEvent } from "#local/lambda-service/esm/event";
import { mappingKafkaConfigFactory } from "#local/lambda-service/esm/kafka-client";
import { KafkaEventSourcePoller, type PollerDeps, type PollerLog } from "#local/lambda-service/esm/poller";
import type { InvokeResult, Invoker, KafkaMappingSpec } from "#local/lambda-service/types";
import { adminCredentials, kafkaClientConfig } from "#local/launchers/kafka";
import { awsClients } from "#local/support/aws";
import { cfg, unique } from "../helpers";

export const admin = adminCredentials(cfg);
export const kafka = new Kafka({ ...kafkaClientConfig(cfg, admin), clientId: "esm-test", logLevel: logLevel.NOTHING });
export const { s3, sqs, sns, secrets } = awsClients(cfg);
let kafkaAdminClient: Admin;
let producer: Producer;

/** The admin client the hooks connect. */
export const kafkaAdmin = (): Admin => kafkaAdminClient;

/** Everything created by a test, removed in afterEach / afterAll. */
const pollers: KafkaEventSourcePoller[] = [];
export const sinks: FailureSink[] = [];
const topics: string[] = [];
export const cleanups: Array<() => Promise<unknown>> = [];

/** Registers the hooks that connect the clients and remove what each test created. */
export function useEsmHarness(): void {
  jest.setTimeout(120_000);
  beforeAll(async () => {
    kafkaAdminClient = kafka.admin();
    await kafkaAdminClient.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.allSettled(pollers.splice(0).map((p) => p.stop()));
    await Promise.allSettled(sinks.splice(0).map((s) => s.close()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  afterAll(async () => {
    if (topics.length > 0) await kafkaAdminClient.deleteTopics({ topics }).catch(() => undefined);
    await producer.disconnect();
    await kafkaAdminClient.disconnect();
    s3.destroy();
    sqs.destroy();
    sns.destroy();
    secrets.destroy();
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

export async function createTopic(
  partitions = 1,
  configEntries: Array<{ name: string; value: string }> = [],
): Promise<string> {
  const topic = unique("esm");
  await kafkaAdminClient.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }],
  });
  topics.push(topic);
  return topic;
}

export async function produce(topic: string, messages: Message[]): Promise<void> {
  await producer.send({ topic, messages });
}

export const values = (n: number, prefix = "m"): Message[] =>
  Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));

interface Call {
  readonly event: SelfManagedKafkaEvent;
  readonly payloadBytes: number;
  readonly records: ReadonlyArray<{ key: string; topic: string; partition: number; offset: number; value: string }>;
  readonly startedAt: number;
}

type FakeReply = { error: string } | { response: unknown } | undefined;

/** A function run in process: records every event; `reply` decides the outcome of each call. */
export class FakeFunction implements Invoker {
  readonly calls: Call[] = [];
  /** Partition keys of the invocations running now. */
  private readonly running = new Set<string>();
  overlaps = 0;

  constructor(
    private readonly reply: (call: Call, index: number) => FakeReply | Promise<FakeReply> = () => undefined,
    private readonly delayMs = 0,
  ) {}

  async invoke(_name: string, payload: Buffer | string): Promise<InvokeResult> {
    const event = JSON.parse(payload.toString()) as SelfManagedKafkaEvent;
    const records = Object.entries(event.records).flatMap(([key, list]) =>
      list.map((r) => ({
        key,
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        value: Buffer.from(r.value ?? "", "base64").toString("utf8"),
      })),
    );
    const call: Call = { event, payloadBytes: Buffer.byteLength(payload), records, startedAt: Date.now() };
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

export const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
const log: PollerLog = (level, message, fields) => {
  logs.push({ level, message, ...(fields ? { fields } : {}) });
  if (process.env.ESM_TEST_LOG === "1")
    process.stderr.write(`${new Date().toISOString()} ${level} ${message} ${JSON.stringify(fields ?? {})}\n`);
};

export function mapping(topic: string | string[], overrides: Partial<KafkaMappingSpec> = {}): KafkaMappingSpec {
  return {
    uuid: randomUUID(),
    stackName: "esm-test",
    logicalId: "Mapping",
    functionName: "esm-test-fn",
    topics: Array.isArray(topic) ? topic : [topic],
    bootstrapServers: [...cfg.kafka.brokerList],
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

export function poller(
  spec: KafkaMappingSpec,
  invoker: Invoker,
  deps: Partial<PollerDeps> = {},
): KafkaEventSourcePoller {
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

export async function eventually<T>(
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function committed(groupId: string, topic: string): Promise<Record<number, number>> {
  const [entry] = await kafkaAdminClient.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

export async function createBucket(): Promise<string> {
  const Bucket = unique("esm-dlq").toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket }));
  cleanups.push(async () => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket }));
    for (const o of Contents) await s3.send(new DeleteObjectCommand({ Bucket, Key: o.Key }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
  return Bucket;
}

export async function s3Records(
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

export function s3Sink(spec: KafkaMappingSpec): FailureSink {
  const sink = createFailureSink(spec, { s3 });
  if (!sink) throw new Error("no sink");
  sinks.push(sink);
  return sink;
}

/** Reads n messages of a topic from the beginning. */
export async function readTopic(topic: string, n: number): Promise<KafkaMessage[]> {
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

export const lambdaContext = {
  functionName: "esm-test-fn",
  awsRequestId: "test",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

// ---------------------------------------------------------------------------------------------
