/** Kafka side of the benchmark: topics, producing, and the raw kafkajs consumer that sets the ceiling. */
import type { Kafka, Producer } from "kafkajs";
import type { LocalConfig } from "#local/config";
import { ensureTopics } from "#local/launchers/kafka-admin";
import { adminKafka } from "#local/launchers/kafka-client";
import { sleep } from "./stats";

export const PARTITIONS = 3;

export function benchKafka(cfg: LocalConfig, clientId: string): Kafka {
  return adminKafka(cfg, clientId);
}

export async function createTopics(cfg: LocalConfig, names: readonly string[]): Promise<void> {
  await ensureTopics(
    cfg,
    names.map((name) => ({ name, partitions: PARTITIONS })),
  );
}

export async function deleteTopics(cfg: LocalConfig, names: readonly string[]): Promise<void> {
  const admin = benchKafka(cfg, "sluice-bench-admin").admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...names], timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

/** A record value of about `bytes` bytes: {"i", "ts", "pad"}. */
function value(i: number, bytes: number): string {
  const ts = Date.now();
  const head = JSON.stringify({ i, ts, pad: "" });
  return JSON.stringify({ i, ts, pad: "x".repeat(Math.max(0, bytes - head.length)) });
}

/** Produces n records round-robin over the partitions, in acknowledged chunks; returns the seconds it took. */
export async function produceBacklog(producer: Producer, topic: string, n: number, bytes: number): Promise<number> {
  const started = performance.now();
  const chunk = 2_000;
  for (let from = 0; from < n; from += chunk) {
    const messages = [];
    for (let i = from; i < Math.min(n, from + chunk); i++) {
      messages.push({ partition: i % PARTITIONS, value: value(i, bytes) });
    }
    await producer.send({ topic, messages, acks: -1 });
  }
  return (performance.now() - started) / 1000;
}

export interface RawLatencyProbe {
  /** seq → Date.now() when eachBatch saw it. */
  readonly seen: Map<number, number>;
  stop(): Promise<void>;
}

/**
 * A kafkajs consumer (poller settings) that notes when each record of the trigger topic reaches eachBatch:
 * the latency floor the service's poller adds its dispatch and invoke to.
 */
export async function rawLatencyProbe(cfg: LocalConfig, topic: string): Promise<RawLatencyProbe> {
  const kafka = benchKafka(cfg, "sluice-bench-raw-latency");
  const consumer = kafka.consumer({
    groupId: `sluice-bench-rawlat-${Date.now().toString(36)}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  const seen = new Map<number, number>();
  let joined: () => void = () => undefined;
  const groupJoined = new Promise<void>((resolve) => {
    joined = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      const at = Date.now();
      for (const m of batch.messages) {
        try {
          const v = JSON.parse(m.value?.toString("utf8") ?? "") as { i?: unknown };
          if (typeof v.i === "number" && !seen.has(v.i)) seen.set(v.i, at);
        } catch {
          /* not ours */
        }
      }
    },
  });
  await groupJoined;
  return { seen, stop: () => consumer.disconnect() };
}

/** Produces `count` single records, one send (acks=all) at a time, `intervalMs` apart. */
export async function produceSingles(
  producer: Producer,
  topic: string,
  count: number,
  intervalMs: number,
): Promise<Array<{ seq: number; sentAt: number; ackMs: number }>> {
  const sent: Array<{ seq: number; sentAt: number; ackMs: number }> = [];
  for (let i = 0; i < count; i++) {
    const sentAt = Date.now();
    await producer.send({
      topic,
      acks: -1,
      messages: [{ partition: i % PARTITIONS, value: JSON.stringify({ i, ts: sentAt }) }],
    });
    sent.push({ seq: i, sentAt, ackMs: Date.now() - sentAt });
    await sleep(intervalMs);
  }
  return sent;
}
