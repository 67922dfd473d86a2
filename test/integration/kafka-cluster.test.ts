/**
 * Three Kafka brokers surviving the loss of one, on a cluster of the test's own (its own state directory and
 * ports, not the shared stack's): the pipeline's topic settings (ensureTopics), the product's producer options
 * (idempotent, acks=all) as a plain SCRAM user, a SIGKILLed node, writes and reads going on with two in-sync
 * replicas, the node brought back by startKafka, and every record read exactly once by a fresh consumer.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, type KafkaMessage, type Producer } from "kafkajs";
import { KAFKA_NODE_PORT_STRIDE, type LocalConfig, loadLocalConfig } from "#local/config";
import {
  kafkaClientConfig,
  kafkaNodes,
  kafkaStatus,
  killKafkaNode,
  type PartitionState,
  startKafka,
  stopKafka,
} from "#local/launchers/kafka";
import { ensureTopics, upsertScramUser } from "#local/launchers/kafka-admin";
import { adminKafka, withAdmin } from "#local/launchers/kafka-client";
import { freePortSeries } from "#local/support/ports";
import { waitFor } from "#local/support/proc";
import { ACKS_ALL, producerOptions } from "#shared/producer-options";

const TOPIC = "cluster-events";
const PARTITIONS = 3;
/** What is sent in each phase, declared here: 20 records before the loss, 20 during it, 20 after the return. */
const BEFORE = Array.from({ length: 20 }, (_, i) => `before-${i}`);
const DURING = Array.from({ length: 20 }, (_, i) => `during-${i}`);
const AFTER = Array.from({ length: 20 }, (_, i) => `after-${i}`);

let stateDir: string;
let cfg: LocalConfig;
let kafka: Kafka;
let producer: Producer;
const notes: string[] = [];
const note = (message: string): void => {
  notes.push(message);
};

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "sluice-kafka-cluster-"));
  const base = await freePortSeries(3, KAFKA_NODE_PORT_STRIDE);
  cfg = loadLocalConfig({
    ...process.env,
    SLUICE_STATE_DIR: stateDir,
    KAFKA_PORT: String(base),
    KAFKA_CONTROLLER_PORT: String(base + 1),
    SLUICE_KAFKA_BROKERS: "3",
    SLUICE_KAFKA_HEAP: "384m",
  });
  await startKafka(cfg, note);
  await ensureTopics(cfg, [{ name: TOPIC, partitions: PARTITIONS }]);
  // A plain SCRAM user (not a super user), as the pipeline's functions are: it may write idempotently.
  const user = { username: "pipeline", password: randomBytes(12).toString("hex") };
  await upsertScramUser(cfg, user);
  kafka = new Kafka({ ...kafkaClientConfig(cfg, user), clientId: "sluice-cluster-test" });
  producer = kafka.producer(producerOptions());
  await producer.connect();
}, 240_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => undefined);
  if (cfg) await stopKafka(cfg);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

async function send(keys: readonly string[]): Promise<void> {
  // One record per send: each is acknowledged by all in-sync replicas before the next.
  for (const key of keys) await producer.send({ topic: TOPIC, acks: ACKS_ALL, messages: [{ key, value: key }] });
}

async function topicPartitions(): Promise<PartitionState[]> {
  const status = await kafkaStatus(cfg);
  return (status.partitions ?? []).filter((p) => p.topic === TOPIC);
}

/** Waits until the topic's partitions satisfy ok (the status function is what is checked). */
function partitionsWhere(what: string, ok: (ps: PartitionState[]) => boolean): Promise<PartitionState[]> {
  return waitFor(
    what,
    async () => {
      const ps = await topicPartitions();
      return ps.length === PARTITIONS && ok(ps) ? ps : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
}

/** Reads the topic from the beginning as a new group, pushing each record's key onto consumed; returns its stop. */
async function readAll(groupId: string, consumed: string[]): Promise<() => Promise<void>> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }: { message: KafkaMessage }) => {
      consumed.push(message.key?.toString() ?? "");
    },
  });
  return () => consumer.disconnect();
}

test("the pipeline's topic is on all three brokers and needs two in sync", async () => {
  const ps = await partitionsWhere("3 in-sync replicas everywhere", (all) => all.every((p) => p.isr.length === 3));
  expect(ps.map((p) => [p.partition, p.replicas, p.isr, p.underReplicated])).toEqual([
    [0, [1, 2, 3], [1, 2, 3], false],
    [1, [1, 2, 3], [1, 2, 3], false],
    [2, [1, 2, 3], [1, 2, 3], false],
  ]);
  const minIsr = await withAdmin(adminKafka(cfg), async (admin) => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: 2 /* TOPIC */, name: TOPIC, configNames: ["min.insync.replicas"] }],
      includeSynonyms: false,
    });
    return resources[0]?.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue;
  });
  expect(minIsr).toBe("2");
  expect(kafkaNodes(cfg).map((n) => [n.nodeId, n.running])).toEqual([
    [1, true],
    [2, true],
    [3, true],
  ]);
});

test("a broker's loss: writes with acks=all and reads go on, status shows 2 in sync; startKafka brings it back", async () => {
  await send(BEFORE);
  const live: string[] = [];
  const stopLive = await readAll("sluice-cluster-live", live);
  try {
    await waitFor("the live consumer to read what was sent before the loss", async () =>
      BEFORE.every((k) => live.includes(k)) ? true : undefined,
    );

    // The leader of partition 0 dies without a controlled shutdown.
    const victim = (await topicPartitions()).find((p) => p.partition === 0)?.leader;
    if (victim === undefined) throw new Error("partition 0 has no leader");
    expect(await killKafkaNode(cfg, victim)).toBe(true);
    expect(kafkaNodes(cfg).find((n) => n.nodeId === victim)?.running).toBe(false);

    await send(DURING);
    await waitFor(
      "the live consumer to read what was sent during the loss",
      async () => (DURING.every((k) => live.includes(k)) ? true : undefined),
      { timeoutMs: 90_000 },
    );

    const degraded = await partitionsWhere(`node ${victim} out of every ISR`, (all) =>
      all.every((p) => !p.isr.includes(victim) && p.leader !== undefined),
    );
    const others = [1, 2, 3].filter((n) => n !== victim);
    for (const p of degraded) {
      expect(p.isr).toEqual(others);
      expect(p.underReplicated).toBe(true);
      expect(others).toContain(p.leader);
    }
    const status = await kafkaStatus(cfg);
    expect(status.brokers).toBe(2);
    expect(status.nodes.filter((n) => !n.running).map((n) => n.nodeId)).toEqual([victim]);

    const restarted = await startKafka(cfg, note);
    expect(restarted.alreadyRunning).toBe(false);
    expect(kafkaNodes(cfg).every((n) => n.running)).toBe(true);
    const healed = await partitionsWhere("3 in-sync replicas again", (all) =>
      all.every((p) => p.isr.length === 3 && !p.underReplicated),
    );
    expect(healed.map((p) => p.isr)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    await send(AFTER);
  } finally {
    await stopLive();
  }
}, 300_000);

test("a fresh consumer reads every record sent, each exactly once", async () => {
  const expected = [...BEFORE, ...DURING, ...AFTER];
  const offsets = await withAdmin(adminKafka(cfg), (admin) => admin.fetchTopicOffsets(TOPIC));
  // The topic holds exactly what was sent: no retried send was written twice.
  expect(offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0)).toBe(expected.length);
  const read: string[] = [];
  const stop = await readAll("sluice-cluster-fresh", read);
  try {
    await waitFor("the fresh consumer to read the whole topic", async () =>
      read.length >= expected.length ? true : undefined,
    );
  } finally {
    await stop();
  }
  expect([...read].sort()).toEqual([...expected].sort());
}, 120_000);
