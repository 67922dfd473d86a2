/**
 * The event a self-managed Kafka event-source mapping sends to its function, byte for byte as AWS does:
 *
 *   {"eventSource":"SelfManagedKafka","bootstrapServers":"h1:9092,h2:9092","records":{"<topic>-<partition>":[
 *     {"topic":…,"partition":…,"offset":…,"timestamp":…,"timestampType":"CREATE_TIME"|"LOG_APPEND_TIME",
 *      "key":"<base64>","value":"<base64>","headers":[{"<name>":[<signed byte>,…]}]} ]}}
 *
 * Sources: the AWS Lambda developer guide's self-managed Kafka example event and the Powertools
 * `KafkaSelfManagedEventSchema` (field names, order, types); `key` is absent when the record has none.
 * Header values are Java `byte[]` on AWS's side and arrive as *signed* bytes (-128…127) — see
 * aws-lambda-dotnet#1476, aws-lambda-go#506, powertools-lambda-python#6862. A tombstone's `value` is absent
 * (powertools-lambda-typescript#5016: real tombstone events have no `value`).
 *
 * Each record's JSON is rendered once, when it is polled; an event is the concatenation of those pieces,
 * so its exact size is known before it is built (the 6 MB payload cap).
 */
import type { KafkaMessage } from "kafkajs";

/** Lambda's synchronous invocation payload limit. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export type TimestampType = "CREATE_TIME" | "LOG_APPEND_TIME";

/** One record of the event, as the function sees it. */
export interface KafkaEventRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  readonly key?: string;
  readonly value?: string;
  readonly headers: ReadonlyArray<Readonly<Record<string, number[]>>>;
}

export interface SelfManagedKafkaEvent {
  readonly eventSource: "SelfManagedKafka";
  readonly bootstrapServers: string;
  readonly records: Readonly<Record<string, KafkaEventRecord[]>>;
}

/** A record read from Kafka, with its rendering in the event. */
export interface PolledRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<readonly [string, Buffer]>;
  /** This record's JSON inside the event's records array. */
  readonly json: string;
  /** Byte length (UTF-8) of json. */
  readonly bytes: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/**
 * A header value as AWS writes it: Java's byte is signed, so -128…127, as a JSON array. Written by hand: this
 * runs for every header of every record.
 */
function signedByteArray(buffer: Buffer): string {
  let out = "[";
  for (let i = 0; i < buffer.length; i++) {
    const b = buffer[i] as number;
    out += i === 0 ? `${b > 127 ? b - 256 : b}` : `,${b > 127 ? b - 256 : b}`;
  }
  return `${out}]`;
}

function timestampTypeOf(message: KafkaMessage): TimestampType {
  // kafkajs decodes the record batch's timestamp-type attribute into batchContext (not in its typings):
  // 0 = CREATE_TIME, 1 = LOG_APPEND_TIME.
  const context = (message as { batchContext?: { timestampType?: unknown } }).batchContext;
  return context?.timestampType === 1 ? "LOG_APPEND_TIME" : "CREATE_TIME";
}

function headerEntries(message: KafkaMessage): Array<readonly [string, Buffer]> {
  const entries: Array<readonly [string, Buffer]> = [];
  const headers = message.headers;
  if (headers === undefined) return entries;
  // kafkajs folds repeated header names into an array, in order; the relative order of different names is kept.
  for (const [name, raw] of Object.entries(headers)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      // A header with a null value decodes as null in kafkajs (its typings say otherwise); AWS has no way
      // to express it but an empty byte array.
      const bytes: Buffer = value === undefined || value === null ? Buffer.alloc(0) : Buffer.from(value);
      entries.push([name, bytes]);
    }
  }
  return entries;
}

/**
 * A record's JSON, as `JSON.stringify` of a KafkaEventRecord would write it, written directly: this runs once per
 * record read, the hottest path of the poller. Numbers are Kafka's offsets, partitions and timestamps (finite
 * integers: their template text is their JSON text); base64 needs no escaping; the topic and header names are
 * JSON-quoted.
 */
export function renderRecord(record: Omit<PolledRecord, "json" | "bytes">): {
  readonly json: string;
  readonly bytes: number;
} {
  let json = `{"topic":${JSON.stringify(record.topic)},"partition":${record.partition},"offset":${record.offset},"timestamp":${record.timestamp},"timestampType":"${record.timestampType}"`;
  if (record.key !== null) json += `,"key":"${record.key.toString("base64")}"`;
  if (record.value !== null) json += `,"value":"${record.value.toString("base64")}"`;
  json += ',"headers":[';
  for (let i = 0; i < record.headers.length; i++) {
    const [name, bytes] = record.headers[i] as readonly [string, Buffer];
    json += `${i === 0 ? "" : ","}{${JSON.stringify(name)}:${signedByteArray(bytes)}}`;
  }
  json += "]}";
  return { json, bytes: Buffer.byteLength(json) };
}

/** Converts a kafkajs message of topic-partition into a PolledRecord. */
export function toPolledRecord(topic: string, partition: number, message: KafkaMessage): PolledRecord {
  const base = {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: timestampTypeOf(message),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: headerEntries(message),
  };
  const { json, bytes } = renderRecord(base);
  // One object of one shape, not spreads: this runs for every record read.
  return {
    topic,
    partition,
    offset: base.offset,
    timestamp: base.timestamp,
    timestampType: base.timestampType,
    key: base.key,
    value: base.value,
    headers: base.headers,
    json,
    bytes,
  };
}

/**
 * Tracks the exact byte size of an event while records are added, without building it: the envelope,
 * each partition's `"<topic>-<n>":[…]` and the commas between the pieces.
 */
export class EventSizer {
  private readonly partitions = new Set<string>();
  private size: number;

  constructor(bootstrapServers: string) {
    this.size = envelopeBytes(bootstrapServers);
  }

  get bytes(): number {
    return this.size;
  }

  /** The event's size if record were added. */
  sizeWith(record: PolledRecord): number {
    return this.sizeWithIn(partitionKey(record.topic, record.partition), record.bytes);
  }

  add(record: PolledRecord): void {
    this.addIn(partitionKey(record.topic, record.partition), record.bytes);
  }

  /** sizeWith for a record of `bytes` in the partition keyed `key` (partitionKey), which the caller knows. */
  sizeWithIn(key: string, bytes: number): number {
    if (this.partitions.has(key)) return this.size + 1 + bytes; // ",{…}"
    const comma = this.partitions.size > 0 ? 1 : 0;
    return this.size + comma + Buffer.byteLength(JSON.stringify(key)) + 3 + bytes; // ,"k":[{…}]
  }

  addIn(key: string, bytes: number): void {
    this.size = this.sizeWithIn(key, bytes);
    this.partitions.add(key);
  }
}

/** The last envelope measured: a poller asks for its own, once per record read. */
let lastEnvelope = { bootstrapServers: "", bytes: 0 };

function envelopeBytes(bootstrapServers: string): number {
  if (lastEnvelope.bootstrapServers !== bootstrapServers || lastEnvelope.bytes === 0) {
    lastEnvelope = { bootstrapServers, bytes: Buffer.byteLength(envelope(bootstrapServers, "")) };
  }
  return lastEnvelope.bytes;
}

function envelope(bootstrapServers: string, records: string): string {
  return `{"eventSource":"SelfManagedKafka","bootstrapServers":${JSON.stringify(bootstrapServers)},"records":{${records}}}`;
}

/** The size of an event holding only this record. */
export function singleRecordEventBytes(bootstrapServers: string, record: PolledRecord): number {
  const key = partitionKey(record.topic, record.partition);
  return envelopeBytes(bootstrapServers) + Buffer.byteLength(JSON.stringify(key)) + 3 + record.bytes;
}

/**
 * Renders the event for records (grouped by topic-partition in order of first appearance; within a
 * partition in the given order, which the caller keeps in offset order).
 */
export function renderEvent(bootstrapServers: string, records: readonly PolledRecord[]): string {
  const groups = new Map<string, string[]>();
  for (const record of records) {
    const key = partitionKey(record.topic, record.partition);
    const group = groups.get(key);
    if (group) group.push(record.json);
    else groups.set(key, [record.json]);
  }
  const body = [...groups].map(([key, jsons]) => `${JSON.stringify(key)}:[${jsons.join(",")}]`).join(",");
  return envelope(bootstrapServers, body);
}
