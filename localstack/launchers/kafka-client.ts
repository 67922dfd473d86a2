/**
 * kafkajs clients of the local broker: the configuration every client here and in the tests and benchmark
 * uses, and quiet, fail-fast admin clients for the launcher's probes and admin calls.
 */
import { type Admin, Kafka, type KafkaConfig, logLevel } from "kafkajs";
import type { LocalConfig } from "../config";
import { adminCredentials, type ScramUser } from "./kafka-config";
import { runningBrokerList } from "./kafka-nodes";

/** A kafkajs configuration for the local cluster (every node), authenticating as user with SCRAM-SHA-512. */
export function kafkaClientConfig(cfg: LocalConfig, user: ScramUser): KafkaConfig {
  return {
    clientId: "sluice-local",
    brokers: [...cfg.kafka.brokerList],
    ssl: false,
    sasl: { mechanism: "scram-sha-512", username: user.username, password: user.password },
    logLevel: logLevel.ERROR,
  };
}

/** A quiet client of the local broker as the admin user. */
export function adminKafka(cfg: LocalConfig, clientId = "sluice-local-admin"): Kafka {
  return new Kafka({ ...kafkaClientConfig(cfg, adminCredentials(cfg)), clientId, logLevel: logLevel.NOTHING });
}

/**
 * A quiet, fail-fast client for probes and admin calls made here. It bootstraps from the nodes that run: with
 * no retries, kafkajs would not try a second seed broker after a killed node refused it.
 */
export function probeKafka(cfg: LocalConfig, user: ScramUser, timeoutMs = 3_000): Kafka {
  return new Kafka({
    ...kafkaClientConfig(cfg, user),
    brokers: runningBrokerList(cfg),
    clientId: "sluice-local-admin",
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    authenticationTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
}

/** Runs fn with a connected admin client of kafka, disconnected afterwards. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The cluster's broker count: a probe that the broker answers and accepts user's login. */
export async function describeCluster(
  cfg: LocalConfig,
  user: ScramUser,
  timeoutMs?: number,
): Promise<{ brokers: number }> {
  return withAdmin(probeKafka(cfg, user, timeoutMs), async (admin) => {
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length };
  });
}

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** The leader's node id; undefined while the partition has none (offline). */
  readonly leader?: number;
  readonly replicas: number[];
  readonly isr: number[];
  /** Fewer in-sync replicas than replicas. */
  readonly underReplicated: boolean;
}

/** Leader, replicas and in-sync replicas of every partition of topics, ordered by topic and partition. */
export async function partitionStates(admin: Admin, topics: readonly string[]): Promise<PartitionState[]> {
  if (topics.length === 0) return [];
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  return metadata.topics
    .flatMap((t) =>
      t.partitions.map((p) => {
        const replicas = [...p.replicas].sort((a, b) => a - b);
        const isr = [...p.isr].sort((a, b) => a - b);
        return {
          topic: t.name,
          partition: p.partitionId,
          ...(p.leader >= 0 ? { leader: p.leader } : {}),
          replicas,
          isr,
          underReplicated: isr.length < replicas.length,
        };
      }),
    )
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
