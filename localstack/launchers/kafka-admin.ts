/**
 * Administration of the running local broker: SCRAM users (created from the deployed Kafka secret) and the
 * pipeline's topics. Both go through the admin user; neither starts the broker.
 */
import type { LocalConfig } from "../config";
import { waitFor } from "../support/proc";
import { kafkaRunning } from "./kafka";
import { adminKafka, describeCluster, withAdmin } from "./kafka-client";
import { adminCredentials, DEFAULT_PARTITIONS, replication, type ScramUser } from "./kafka-config";
import { installKafka, setScramCredentials } from "./kafka-install";

function validateUsername(username: string): void {
  // SCRAM encodes "," and "=" in names; keep local names plain so every client agrees on them.
  if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(username)) {
    throw new Error(`Invalid Kafka user name "${username}": use letters, digits and . _ @ + - only`);
  }
}

/**
 * Creates or updates a SCRAM-SHA-512 user on the running broker (as admin, with Kafka's ConfigCommand),
 * then waits until that user can log in: credentials reach the broker asynchronously.
 */
export async function upsertScramUser(cfg: LocalConfig, user: ScramUser): Promise<void> {
  validateUsername(user.username);
  if (user.password === "") throw new Error(`Kafka user ${user.username} needs a non-empty password`);
  if (!kafkaRunning(cfg)) throw new Error("Kafka is not running: start it first");
  const jars = await installKafka(cfg, () => undefined);
  const admin = adminCredentials(cfg);
  setScramCredentials(cfg, jars, admin, user);

  await waitFor(`Kafka user ${user.username} to be able to log in`, () => describeCluster(cfg, user), {
    timeoutMs: 15_000,
    intervalMs: 200,
  });
}

/**
 * Creates the topics that do not exist yet (as admin), replicated on min(3, N) of the cluster's N nodes and, with
 * three or more, needing 2 in-sync replicas for an acks=all write; existing topics are left as they are.
 */
export async function ensureTopics(cfg: LocalConfig, topics: { name: string; partitions?: number }[]): Promise<void> {
  if (topics.length === 0) return;
  const { factor, minInsyncReplicas } = replication(cfg.kafka.brokers);
  await withAdmin(adminKafka(cfg), async (client) => {
    const existing = new Set(await client.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length === 0) return;
    try {
      await client.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions ?? DEFAULT_PARTITIONS,
          replicationFactor: factor,
          // A single broker's topics keep the broker's default (1), as they always had.
          ...(factor > 1 ? { configEntries: [{ name: "min.insync.replicas", value: String(minInsyncReplicas) }] } : {}),
        })),
      });
    } catch (error) {
      // Created meanwhile by someone else: fine. Anything else is not.
      const errors = (error as { errors?: { type?: string }[] }).errors;
      const raced =
        Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.type === "TOPIC_ALREADY_EXISTS");
      if (!raced) throw error;
    }
  });
}
