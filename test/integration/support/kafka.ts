/**
 * Kafka plumbing for tests that run a Lambda service against the main stack's broker: producing to chosen
 * partitions, end and committed offsets, broker restarts.
 */
import { type Admin, AssignerProtocol, type Message } from "kafkajs";
import type { LocalConfig } from "#local/config";
import { startKafka, stopKafka } from "#local/launchers/kafka";
import { adminKafka, withAdmin } from "#local/launchers/kafka-client";

/** Runs fn with a connected admin client (a fresh one: it survives broker restarts between calls). */
function withKafkaAdmin<T>(cfg: LocalConfig, fn: (admin: Admin) => Promise<T>): Promise<T> {
  return withAdmin(adminKafka(cfg, "sluice-test-admin"), fn);
}

/** partition → end offset (high watermark). */
export function endOffsets(cfg: LocalConfig, topic: string): Promise<Map<number, number>> {
  return withKafkaAdmin(cfg, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  });
}

/** partition → the group's committed offset (-1: none). */
export function committedOffsets(cfg: LocalConfig, groupId: string, topic: string): Promise<Map<number, number>> {
  return withKafkaAdmin(cfg, async (admin) => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  });
}

export interface GroupMember {
  readonly memberId: string;
  /** topic → the partitions the group gave this member. */
  readonly assignment: Readonly<Record<string, number[]>>;
}

/** The group's state (Stable, PreparingRebalance …) and its members with their partitions, as the broker sees them. */
export function describeGroup(cfg: LocalConfig, groupId: string): Promise<{ state: string; members: GroupMember[] }> {
  return withKafkaAdmin(cfg, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    const members = (group?.members ?? []).map((m) => ({
      memberId: m.memberId,
      assignment: AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {},
    }));
    return { state: group?.state ?? "Dead", members };
  });
}

export async function deleteTopic(cfg: LocalConfig, topic: string): Promise<void> {
  await withKafkaAdmin(cfg, (admin) => admin.deleteTopics({ topics: [topic], timeout: 10_000 }));
}

export async function deleteGroup(cfg: LocalConfig, groupId: string): Promise<void> {
  await withKafkaAdmin(cfg, (admin) => admin.deleteGroups([groupId]));
}

export interface ProduceRange {
  readonly topic: string;
  readonly partitions: readonly number[];
  /** Sequence number of the first record of each partition (for the value). */
  readonly from: number;
  readonly count: number;
  /** Default `<partition>:<n>`. */
  readonly value?: (partition: number, n: number) => string;
  /** Records per send. Default 500. */
  readonly chunk?: number;
}

/** Produces `count` records to each of `partitions` (acks=all), as the admin user. */
export async function produceRange(cfg: LocalConfig, range: ProduceRange): Promise<void> {
  const producer = adminKafka(cfg, "sluice-test-producer").producer({ allowAutoTopicCreation: false });
  const value = range.value ?? ((partition, n) => `${partition}:${n}`);
  const chunk = range.chunk ?? 500;
  await producer.connect();
  try {
    for (const partition of range.partitions) {
      for (let start = 0; start < range.count; start += chunk) {
        const messages: Message[] = [];
        for (let i = start; i < Math.min(range.count, start + chunk); i++) {
          const n = range.from + i;
          messages.push({ partition, key: `${partition}-${n}`, value: value(partition, n) });
        }
        await producer.send({ topic: range.topic, acks: -1, messages });
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Stops the broker (SIGTERM, as `local:down` does), waits downMs, starts it again; returns the timings. */
export async function restartKafka(
  cfg: LocalConfig,
  downMs: number,
  log: (message: string) => void = () => undefined,
): Promise<{ stopMs: number; startMs: number }> {
  const began = Date.now();
  const stopped = await stopKafka(cfg);
  if (!stopped) throw new Error("Kafka was not running");
  const stopMs = Date.now() - began;
  await new Promise((resolve) => setTimeout(resolve, downMs));
  const starting = Date.now();
  await startKafka(cfg, log);
  return { stopMs, startMs: Date.now() - starting };
}

/** Starts the broker when it is not running (e.g. a test failed while it was stopped); a no-op otherwise. */
export async function ensureKafkaRunning(cfg: LocalConfig, log: (message: string) => void = () => undefined) {
  await startKafka(cfg, log);
}
