/**
 * The kafkajs side of a mapping: its client configuration, the start offsets of LATEST / AT_TIMESTAMP
 * mappings, and one consumer's life from connect to group join to disconnect. The consumer runs with
 * autoCommit off; what it reads, which partitions it is given and whether it crashed are passed to the
 * poller through ConsumerHandlers.
 */
import { type Consumer, type EachBatchPayload, type Kafka, type KafkaConfig, logLevel as KafkaLogLevel } from "kafkajs";
import type { KafkaMappingSpec } from "../types";
import { partitionKey } from "./event";
import { errorFields, kafkajsLogCreator } from "./poller-log";
import type { PollerLog } from "./poller-types";

const JOIN_TIMEOUT_MS = 60_000;

/** The mapping's kafkajs configuration, logging through the poller's log (WARN and above by default). */
export async function resolveKafkaConfig(
  source: KafkaConfig | (() => Promise<KafkaConfig>),
  log: PollerLog,
  uuid: string,
): Promise<KafkaConfig> {
  const config = typeof source === "function" ? await source() : source;
  return { ...config, logLevel: config.logLevel ?? KafkaLogLevel.WARN, logCreator: kafkajsLogCreator(log, uuid) };
}

type StartSpec = Pick<
  KafkaMappingSpec,
  "startingPosition" | "startingPositionTimestamp" | "consumerGroupId" | "topics"
>;

/**
 * The start offsets of the partitions the group has no committed offset for: LATEST is resolved once,
 * here, so records produced after start() are never skipped; AT_TIMESTAMP is looked up by timestamp.
 * They are applied (seek) and committed when the partitions are assigned. Committed offsets of an
 * existing group win. TRIM_HORIZON needs nothing: without a commit the consumer starts at the earliest
 * offset. (kafkajs's admin.setOffsets would do the same by joining the group with a throwaway consumer,
 * which costs a rebalance and its fetch wait — about 5 s.)
 */
export async function startOffsets(kafka: Kafka, spec: StartSpec): Promise<Map<string, number>> {
  const pinned = new Map<string, number>();
  if (spec.startingPosition === "TRIM_HORIZON") return pinned;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId: spec.consumerGroupId, topics: [...spec.topics] });
    for (const { topic, partitions } of committed) {
      const missing = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
      if (missing.size === 0) continue;
      const positions =
        spec.startingPosition === "LATEST"
          ? await admin.fetchTopicOffsets(topic)
          : await admin.fetchTopicOffsetsByTimestamp(topic, (spec.startingPositionTimestamp ?? 0) * 1000);
      for (const p of positions)
        if (missing.has(p.partition)) pinned.set(partitionKey(topic, p.partition), Number(p.offset));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return pinned;
}

export interface ConsumerHandlers {
  /** Subscribed; batches may arrive from now on. */
  readonly subscribed: () => void;
  /** After every (re)join of the group, with the partitions this consumer is given. */
  readonly joined: (assignment: Record<string, number[]>) => void;
  readonly batch: (payload: EachBatchPayload) => void;
  /** `restart`: kafkajs restarts the consumer itself. */
  readonly crashed: (error: Error, restart: boolean) => void;
}

/**
 * A consumer of the mapping's group; autoCommit is off (see joinGroup). sessionTimeoutMs (kafkajs's 30 s when
 * unset) is how long the group keeps a member that stopped heartbeating, e.g. a SIGKILLed service, so it bounds
 * how soon a restart gets the partitions back. Heartbeats go every third of it; kafkajs sends them from its
 * fetch loop, which eachBatch never holds up (it only queues), so a long invocation does not end the session.
 */
export function createConsumer(kafka: Kafka, groupId: string, sessionTimeoutMs?: number): Consumer {
  return kafka.consumer({
    groupId,
    ...(sessionTimeoutMs === undefined
      ? {}
      : { sessionTimeout: sessionTimeoutMs, heartbeatInterval: Math.floor(sessionTimeoutMs / 3) }),
    allowAutoTopicCreation: false,
    // kafkajs sleeps this long whenever every partition is paused (our queues are full), so keep it short.
    maxWaitTimeInMs: 100,
    retry: { retries: 5 },
  });
}

/**
 * Connects the consumer, subscribes it to the mapping's topics and runs it; resolves once it has joined
 * the group. On failure the caller disconnects it.
 */
export async function joinGroup(
  consumer: Consumer,
  spec: Pick<KafkaMappingSpec, "consumerGroupId" | "topics" | "startingPosition">,
  handlers: ConsumerHandlers,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const joined = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`consumer group ${spec.consumerGroupId} gave no partitions within ${JOIN_TIMEOUT_MS} ms`)),
      JOIN_TIMEOUT_MS,
    );
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      clearTimeout(timer);
      handlers.joined(event.payload.memberAssignment);
      resolve();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      clearTimeout(timer);
      handlers.crashed(event.payload.error, event.payload.restart);
      reject(event.payload.error);
    });
  });
  joined.catch(() => undefined); // awaited below; a crash before that must not be an unhandled rejection
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...spec.topics], fromBeginning: spec.startingPosition === "TRIM_HORIZON" });
    handlers.subscribed();
    // run() joins the group before it returns; a failed join is reported as a CRASH, not thrown.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 4,
      eachBatch: async (payload) => handlers.batch(payload),
    });
    await joined;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops fetching and leaves the group; a failure is only logged. */
export async function disconnectConsumer(consumer: Consumer, log: PollerLog, uuid: string): Promise<void> {
  try {
    await consumer.disconnect();
  } catch (error) {
    log("warn", "Kafka consumer did not disconnect cleanly", { uuid, ...errorFields(error) });
  }
}
