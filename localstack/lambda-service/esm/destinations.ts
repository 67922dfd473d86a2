/**
 * On-failure destinations of a Kafka event-source mapping: what Lambda writes when it discards records
 * (retries exhausted, records too old, a record too large for any payload).
 *
 * Shapes, from the AWS Lambda developer guide:
 *  - "Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources" (SNS, SQS, S3):
 *      { requestContext: { requestId, functionArn, condition, approximateInvokeCount },
 *        responseContext: { statusCode, executedVersion, functionError } | null (MaximumPayloadSizeExceeded),
 *        version: "1.0", timestamp: ISO-8601,
 *        KafkaBatchInfo: { batchSize, eventSourceArn, bootstrapServers, payloadSize,
 *                          recordsInfo: { "<topic>-<n>": { firstRecordOffset, lastRecordOffset,
 *                                                          firstRecordTimestamp, lastRecordTimestamp } } },
 *        payload: "<the whole event, as a JSON string>"   ← S3 only }
 *    Offsets are strings, timestamps ISO-8601. A self-managed cluster has no ARN: eventSourceArn is left out.
 *  - "Using a Kafka topic as an on-failure destination": one message per failed record, keyed with the
 *    record's own key, holding the same metadata with `KafkaBatchInfo.batchSize: 1`,
 *    `recordInfo: { offset, timestamp }` (instead of recordsInfo) and `payload` as a JSON *object*: the event
 *    with that record alone. The topic must be of the same cluster and not a source topic.
 *  - S3 object key: AWS documents `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>`
 *    for Kinesis and DynamoDB streams; for Kafka the shard is the topic-partition (`<topic>-<n>` of the
 *    batch's first record) — inferred, the Kafka page does not spell the key out.
 *  - Conditions: "RetryAttemptsExhausted" and "MaximumPayloadSizeExceeded" are documented for Kafka;
 *    "RecordAgeExceeded" is what stream mappings report for MaximumRecordAgeInSeconds (LocalStack's
 *    stream poller uses it too).
 */

import { randomUUID } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Kafka, Producer } from "kafkajs";
import { lazy } from "#shared/lazy";
import { ACKS_ALL, producerOptions } from "#shared/producer-options";
import type { FailureDestinationSpec, KafkaMappingSpec } from "../types";
import { type PolledRecord, partitionKey, renderEvent } from "./event";

export type FailureCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded" | "MaximumPayloadSizeExceeded";

/** Records the mapping gives up on, with why and what the last invocation answered. */
export interface DiscardedBatch {
  readonly condition: FailureCondition;
  /** Non-empty; per partition in offset order. */
  readonly records: readonly PolledRecord[];
  /** The last invocation's request id (a fresh id when the records were never invoked). */
  readonly requestId: string;
  readonly approximateInvokeCount: number;
  /** The last invocation's outcome; undefined when the records were never sent to the function. */
  readonly response?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  /** Epoch milliseconds of the discard. */
  readonly timestamp: number;
}

/** What the sink needs to know about the mapping that discarded records. */
export interface FailureContext {
  readonly mappingUuid: string;
  readonly functionArn: string;
  /** Comma-separated, as in the event. */
  readonly bootstrapServers: string;
}

export interface FailureSink {
  /** The configured destination (ARN or kafka://topic). */
  readonly destination: string;
  /** Delivers the record of one discarded batch; rejects when the destination did not take it. */
  deliver(batch: DiscardedBatch, context: FailureContext): Promise<void>;
  /** Releases connections (the Kafka producer); the SDK clients belong to the caller. */
  close(): Promise<void>;
}

/** Clients for the destinations; only the one the mapping's destination needs must be given. */
export interface FailureSinkClients {
  readonly s3?: S3Client;
  readonly sqs?: SQSClient;
  readonly sns?: SNSClient;
  /** A client of the source cluster (same brokers and credentials as the mapping), for kafka:// destinations. */
  readonly kafka?: Kafka;
}

// ---------------------------------------------------------------------------------------------
// The invocation record

const iso = (ms: number): string => new Date(ms).toISOString();

interface RecordsInfo {
  firstRecordOffset: string;
  lastRecordOffset: string;
  firstRecordTimestamp: string;
  lastRecordTimestamp: string;
}

export interface KafkaInvocationRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  } | null;
  readonly version: "1.0";
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo?: Readonly<Record<string, RecordsInfo>>;
    readonly recordInfo?: { readonly offset: string; readonly timestamp: string };
  };
  /** S3: the event as a JSON string; Kafka: the event object. */
  readonly payload?: unknown;
}

function header(batch: DiscardedBatch, context: FailureContext) {
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: context.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.approximateInvokeCount,
    },
    responseContext:
      batch.condition === "MaximumPayloadSizeExceeded" || batch.response === undefined
        ? null
        : {
            statusCode: batch.response.statusCode,
            executedVersion: batch.response.executedVersion,
            ...(batch.response.functionError !== undefined ? { functionError: batch.response.functionError } : {}),
          },
    version: "1.0" as const,
    timestamp: iso(batch.timestamp),
  };
}

/**
 * The record for an SNS or SQS destination (withPayload false) or an S3 destination (withPayload true:
 * the whole event as a JSON string in `payload`).
 */
function batchInvocationRecord(
  batch: DiscardedBatch,
  context: FailureContext,
  withPayload: boolean,
): KafkaInvocationRecord {
  const event = renderEvent(context.bootstrapServers, batch.records);
  const recordsInfo: Record<string, RecordsInfo> = {};
  for (const record of batch.records) {
    const key = partitionKey(record.topic, record.partition);
    const info = recordsInfo[key];
    if (info === undefined) {
      recordsInfo[key] = {
        firstRecordOffset: String(record.offset),
        lastRecordOffset: String(record.offset),
        firstRecordTimestamp: iso(record.timestamp),
        lastRecordTimestamp: iso(record.timestamp),
      };
    } else {
      info.lastRecordOffset = String(record.offset);
      info.lastRecordTimestamp = iso(record.timestamp);
    }
  }
  return {
    ...header(batch, context),
    KafkaBatchInfo: {
      batchSize: batch.records.length,
      bootstrapServers: context.bootstrapServers,
      payloadSize: Buffer.byteLength(event),
      recordsInfo,
    },
    ...(withPayload ? { payload: event } : {}),
  };
}

/** The message for a Kafka destination: one per record, its payload the event holding that record. */
function recordInvocationRecord(
  batch: DiscardedBatch,
  record: PolledRecord,
  context: FailureContext,
): KafkaInvocationRecord {
  const event = renderEvent(context.bootstrapServers, [record]);
  return {
    ...header(batch, context),
    KafkaBatchInfo: {
      batchSize: 1,
      bootstrapServers: context.bootstrapServers,
      payloadSize: Buffer.byteLength(event),
      recordInfo: { offset: String(record.offset), timestamp: iso(record.timestamp) },
    },
    payload: JSON.parse(event) as unknown,
  };
}

/** `aws/lambda/<ESM-UUID>/<topic>-<n>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>` */
function s3ObjectKey(mappingUuid: string, batch: DiscardedBatch): string {
  const first = batch.records[0];
  const partition = first ? partitionKey(first.topic, first.partition) : "unknown";
  const stamp = new Date(batch.timestamp).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const day = stamp.slice(0, 10);
  const time = `${day}T${stamp.slice(11, 19).replace(/:/g, ".")}`;
  return `aws/lambda/${mappingUuid}/${partition}/${day.replace(/-/g, "/")}/${time}-${randomUUID()}`;
}

// ---------------------------------------------------------------------------------------------
// Destinations

/** The bucket of arn:aws:s3:::bucket. */
export function bucketOf(arn: string): string {
  const match = /^arn:[^:]+:s3:::([^/]+)$/.exec(arn);
  if (!match?.[1]) throw new Error(`on-failure destination ${arn} is not an S3 bucket ARN (arn:aws:s3:::<bucket>)`);
  return match[1];
}

/** Name and account of arn:aws:sqs:region:account:name. */
export function queueOf(arn: string): { name: string; account: string } {
  const match = /^arn:[^:]+:sqs:[^:]*:(\d*):(.+)$/.exec(arn);
  if (!match?.[2]) throw new Error(`on-failure destination ${arn} is not an SQS queue ARN`);
  return { account: match[1] ?? "", name: match[2] };
}

/** The URL of the queue arn names (asked once per resolver: a destination keeps its queue). */
export function queueUrlResolver(sqs: SQSClient, arn: string): () => Promise<string> {
  const queue = queueOf(arn);
  let queueUrl: string | undefined;
  return async () => {
    if (queueUrl === undefined) {
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({
          QueueName: queue.name,
          ...(queue.account !== "" ? { QueueOwnerAWSAccountId: queue.account } : {}),
        }),
      );
      if (!QueueUrl) throw new Error(`no URL for queue ${queue.name}`);
      queueUrl = QueueUrl;
    }
    return queueUrl;
  };
}

function topicOf(destination: string): string {
  const match = /^kafka:\/\/(.+)$/.exec(destination);
  if (!match?.[1]) throw new Error(`on-failure destination ${destination} is not kafka://<topic>`);
  return match[1];
}

function need<T>(client: T | undefined, what: string, dest: FailureDestinationSpec): T {
  if (client === undefined) throw new Error(`on-failure destination ${dest.destination} needs ${what}`);
  return client;
}

/**
 * The sink for the mapping's on-failure destination; undefined when the mapping has none. Throws for a
 * destination AWS would refuse (malformed ARN, a Kafka destination that is one of the source topics) or
 * when the client it needs was not given.
 */
export function createFailureSink(spec: KafkaMappingSpec, clients: FailureSinkClients): FailureSink | undefined {
  const dest = spec.onFailure;
  if (dest === undefined || dest.destination === "") return undefined;
  switch (dest.kind) {
    case "s3": {
      const s3 = need(clients.s3, "an S3 client", dest);
      const Bucket = bucketOf(dest.destination);
      return {
        destination: dest.destination,
        async deliver(batch, context) {
          const Key = s3ObjectKey(context.mappingUuid, batch);
          const body = JSON.stringify(batchInvocationRecord(batch, context, true));
          try {
            await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: "application/json" }));
          } catch (error) {
            throw new Error(`cannot write the failure record to s3://${Bucket}/${Key}`, { cause: error });
          }
        },
        async close() {},
      };
    }
    case "sqs": {
      const sqs = need(clients.sqs, "an SQS client", dest);
      const queueUrl = queueUrlResolver(sqs, dest.destination);
      return {
        destination: dest.destination,
        async deliver(batch, context) {
          try {
            const body = JSON.stringify(batchInvocationRecord(batch, context, false));
            await sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl(), MessageBody: body }));
          } catch (error) {
            throw new Error(`cannot send the failure record to ${dest.destination}`, { cause: error });
          }
        },
        async close() {},
      };
    }
    case "sns": {
      const sns = need(clients.sns, "an SNS client", dest);
      return {
        destination: dest.destination,
        async deliver(batch, context) {
          const message = JSON.stringify(batchInvocationRecord(batch, context, false));
          try {
            await sns.send(new PublishCommand({ TopicArn: dest.destination, Message: message }));
          } catch (error) {
            throw new Error(`cannot publish the failure record to ${dest.destination}`, { cause: error });
          }
        },
        async close() {},
      };
    }
    case "kafka": {
      const kafka = need(clients.kafka, "a Kafka client of the source cluster", dest);
      const topic = topicOf(dest.destination);
      if (spec.topics.includes(topic)) {
        throw new Error(
          `on-failure destination ${dest.destination} is a source topic of mapping ${spec.uuid}: AWS refuses that (recursion)`,
        );
      }
      const producer = lazy(async (): Promise<Producer> => {
        const p = kafka.producer(producerOptions());
        await p.connect();
        return p;
      });
      return {
        destination: dest.destination,
        async deliver(batch, context) {
          try {
            const p = await producer.get();
            await p.send({
              topic,
              acks: ACKS_ALL,
              messages: batch.records.map((record) => ({
                key: record.key,
                value: JSON.stringify(recordInvocationRecord(batch, record, context)),
              })),
            });
          } catch (error) {
            throw new Error(`cannot produce the failure records to Kafka topic ${topic}`, { cause: error });
          }
        },
        async close() {
          // Only a producer that connected needs disconnecting; a failed connect left nothing open.
          await producer.peek()?.then(
            (p) => p.disconnect(),
            () => undefined,
          );
        },
      };
    }
    default: {
      const kind: never = dest.kind;
      throw new Error(`unknown on-failure destination kind ${String(kind)}`);
    }
  }
}
