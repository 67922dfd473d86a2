/**
 * The local Apache Kafka 4 cluster as daemons: one node by default, or N (`--brokers N`), each a KRaft combined
 * broker and controller; clients authenticate with SASL/SCRAM-SHA-512 over plaintext, as on MSK. Starting,
 * stopping and status; node processes are kafka-nodes.ts, installation kafka-install.ts, configuration
 * kafka-config.ts, users and topics kafka-admin.ts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalConfig } from "../config";
import { requireJava } from "../support/java";
import { portIsFree } from "../support/ports";
import { isAlive, runningPid, signalGroup, spawnDaemon, stopDaemon, tail, waitFor } from "../support/proc";
import {
  adminKafka,
  describeCluster,
  type PartitionState,
  partitionStates,
  probeKafka,
  withAdmin,
} from "./kafka-client";
import {
  adminCredentials,
  BROKER_INFO_LOGGERS,
  clusterSizeRefusal,
  kafkaNodePaths,
  kafkaPaths,
  log4jXml,
  type ScramUser,
  serverProperties,
  writePrivate,
} from "./kafka-config";
import { formatStorage, installKafka, newClusterId } from "./kafka-install";
import { type KafkaNode, kafkaNodes, nodePid } from "./kafka-nodes";

// What code outside the launchers imports from here (the mapping poller, the tests, the chaos job).
export { kafkaClientConfig, type PartitionState } from "./kafka-client";
export { adminCredentials, type ScramUser } from "./kafka-config";
export { type KafkaNode, kafkaNodes, killKafkaNode } from "./kafka-nodes";

const START_TIMEOUT_MS = 120_000;

/** Whether any node of the cluster runs. */
export function kafkaRunning(cfg: LocalConfig): boolean {
  return kafkaNodes(cfg).some((node) => node.running);
}

function rotateLog(file: string): void {
  if (existsSync(file) && statSync(file).size > 0) renameSync(file, `${file}.1`);
}

/** The file recording the cluster's size and id, written before any node is formatted. */
interface ClusterFile {
  readonly brokers: number;
  readonly clusterId?: string;
}

/**
 * The cluster id to format missing nodes with: the recorded one, or node 1's (a single broker formatted before
 * cluster.json existed), or a new one, recorded now so that an interrupted format resumes with the same id.
 */
function clusterIdentity(cfg: LocalConfig): string {
  const p = kafkaPaths(cfg);
  if (existsSync(p.clusterFile)) {
    const recorded = (JSON.parse(readFileSync(p.clusterFile, "utf8")) as ClusterFile).clusterId;
    if (recorded) return recorded;
  }
  const fromNode1 = existsSync(p.metaProperties)
    ? /^cluster\.id=(.+)$/m.exec(readFileSync(p.metaProperties, "utf8"))?.[1]?.trim()
    : undefined;
  const clusterId = fromNode1 ?? newClusterId();
  const record: ClusterFile = { brokers: cfg.kafka.brokers, clusterId };
  writeFileSync(p.clusterFile, `${JSON.stringify(record, null, 2)}\n`);
  return clusterId;
}

interface NodeSetup {
  readonly jars: string[];
  readonly admin: ScramUser;
  readonly clusterId: string;
}

/** Checks node nodeId's ports, writes its configuration and formats its storage if it has none. */
async function prepareNode(
  cfg: LocalConfig,
  nodeId: number,
  setup: NodeSetup,
  log: (msg: string) => void,
): Promise<void> {
  const n = kafkaNodePaths(cfg, nodeId);
  for (const port of [n.port, n.controllerPort]) {
    if (!(await portIsFree(cfg.kafka.host, port))) {
      throw new Error(
        `Port ${port} on ${cfg.kafka.host} (Kafka node ${nodeId}) is already in use by another process; stop it, or ` +
          `choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT (node n uses each + (n-1)*10).`,
      );
    }
  }
  mkdirSync(n.nodeDir, { recursive: true, mode: 0o700 });
  writePrivate(n.serverProperties, serverProperties(cfg, setup.admin, nodeId));
  if (!existsSync(n.metaProperties))
    formatStorage(cfg, setup.jars, setup.admin, log, { nodeId, clusterId: setup.clusterId });
}

/** Starts node nodeId (prepared) as a daemon; returns its pid. */
function spawnNode(cfg: LocalConfig, nodeId: number, setup: NodeSetup, log: (msg: string) => void): number {
  const n = kafkaNodePaths(cfg, nodeId);
  rotateLog(n.logFile);
  const where = cfg.kafka.brokers === 1 ? "" : ` node ${nodeId}`;
  log(
    `Starting Kafka ${cfg.kafka.version}${where} on ${cfg.kafka.host}:${n.port} (SASL/SCRAM-SHA-512), log: ${n.logFile}`,
  );
  return spawnDaemon({
    name: `kafka${where}`,
    cmd: "java",
    args: [
      `-Xmx${cfg.kafka.heap}`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:InitiatingHeapOccupancyPercent=35",
      "-XX:+ExplicitGCInvokesConcurrent",
      // C1 only: the C2 compiler competing for CPU doubles or triples start-up on small machines
      // (measured 8.5–13 s → 4 s on 2 cores); peak throughput does not matter here.
      "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true",
      `-Dlog4j2.configurationFile=${kafkaPaths(cfg).log4jConfig}`,
      // Without this, log4j swaps in a SimpleLogger mid-shutdown and the shutdown lines get lost.
      "-Dlog4j2.shutdownHookEnabled=false",
      "-cp",
      setup.jars.join(":"),
      "kafka.Kafka",
      n.serverProperties,
    ],
    cwd: n.nodeDir,
    logFile: n.logFile,
    pidFile: n.pidFile,
  });
}

/** Resolves once the cluster answers admin logins with all its brokers registered. */
async function waitForCluster(
  cfg: LocalConfig,
  admin: ScramUser,
  what: string,
  started: ReadonlyMap<number, number>,
  onTimeout: () => string,
): Promise<void> {
  const want = cfg.kafka.brokers;
  const outcome = await waitFor(
    what,
    async () => {
      for (const [nodeId, pid] of started) {
        if (runningPid(kafkaNodePaths(cfg, nodeId).pidFile) !== pid) return { exited: nodeId };
      }
      const { brokers } = await describeCluster(cfg, admin);
      return brokers >= want ? { exited: undefined } : undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 250, onTimeout },
  );
  if (outcome.exited !== undefined) {
    const { logFile, pidFile } = kafkaNodePaths(cfg, outcome.exited);
    rmSync(pidFile, { force: true });
    const which = cfg.kafka.brokers === 1 ? "Kafka" : `Kafka node ${outcome.exited}`;
    throw new Error(`${which} exited during start-up. Last lines of ${logFile}:\n${tail(logFile, 40)}`);
  }
}

function logTails(cfg: LocalConfig, nodes: readonly number[]): string {
  return nodes
    .map((nodeId) => {
      const { logFile } = kafkaNodePaths(cfg, nodeId);
      return `Last lines of ${logFile}:\n${tail(logFile, cfg.kafka.brokers === 1 ? 40 : 15)}`;
    })
    .join("\n");
}

/**
 * Starts every node of the cluster that does not run (all of them at first; one that was killed later), in
 * parallel, formatting a node's storage (with the admin SCRAM user) on its first start. Resolves once an admin
 * client sees all cfg.kafka.brokers brokers. Refuses a cluster size other than the one the data was formatted for.
 */
export async function startKafka(cfg: LocalConfig, log: (msg: string) => void): Promise<{ alreadyRunning: boolean }> {
  const refusal = clusterSizeRefusal(cfg);
  if (refusal !== undefined) throw new Error(refusal);
  const p = kafkaPaths(cfg);
  const nodes = kafkaNodes(cfg);
  const missing = nodes.filter((node) => !node.running).map((node) => node.nodeId);
  if (missing.length === 0) {
    const pids = nodes.map((node) => `${node.nodeId}: pid ${node.pid}`).join(", ");
    // Running: healthy now, or still starting (then wait for it), or wedged (then say so).
    await waitFor(
      `Kafka (${pids}) to answer on ${cfg.kafka.bootstrapServers} with ${cfg.kafka.brokers} broker(s)`,
      async () => ((await describeCluster(cfg, adminCredentials(cfg))).brokers >= cfg.kafka.brokers ? true : undefined),
      {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 500,
        onTimeout: () =>
          `It may be wedged: stop it (${pids}) and start again.\n${logTails(cfg, missing.length ? missing : nodes.map((x) => x.nodeId))}`,
      },
    );
    return { alreadyRunning: true };
  }

  requireJava(); // Maven is checked by installKafka, and only needed when Kafka is not cached yet
  const jars = await installKafka(cfg, log);
  if (existsSync(p.metaProperties) && !existsSync(p.adminFile)) {
    throw new Error(
      `Kafka storage in ${p.logDirs} exists but its admin credentials (${p.adminFile}) are gone; ` +
        `delete ${p.dataDir} to start with an empty broker.`,
    );
  }
  const admin = adminCredentials(cfg);
  mkdirSync(p.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(p.log4jConfig, log4jXml("SYSTEM_OUT", BROKER_INFO_LOGGERS));
  const clusterId = clusterIdentity(cfg);
  const setup: NodeSetup = { jars, admin, clusterId };
  for (const nodeId of missing) await prepareNode(cfg, nodeId, setup, log);
  // All at once: a KRaft quorum of N elects its controller only once a majority of the voters runs.
  const started = new Map(missing.map((nodeId) => [nodeId, spawnNode(cfg, nodeId, setup, log)] as const));

  await waitForCluster(
    cfg,
    admin,
    `Kafka to accept SCRAM-SHA-512 logins on ${cfg.kafka.bootstrapServers} with ${cfg.kafka.brokers} broker(s)`,
    started,
    () => logTails(cfg, missing),
  );
  await warmUpCoordinators(cfg);
  return { alreadyRunning: false };
}

/**
 * The broker creates __consumer_offsets on the first group-coordinator lookup, and a broker's producer-id manager
 * fetches its first block of ids from the controller on the first InitProducerId (answering that one "the
 * coordinator is loading"); doing both now spares the first consumer and the first idempotent producer of a fresh
 * single broker a logged retriable error. With several nodes the producer id goes to one of them (kafkajs picks
 * the broker the metadata names as controller), so another node's first InitProducerId may still be retried
 * once, logged by the client. Best effort, quiet.
 */
async function warmUpCoordinators(cfg: LocalConfig): Promise<void> {
  const kafka = adminKafka(cfg, "sluice-local-warm-up");
  await withAdmin(kafka, async (client) => {
    if (!(await client.listTopics()).includes("__consumer_offsets"))
      await client.describeGroups(["sluice-local-warm-up"]);
  }).catch(() => undefined);
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false }); // connect asks for an id
  await producer
    .connect()
    .then(() => producer.disconnect())
    .catch(() => undefined);
}

/**
 * How long the last node(s) of a cluster get once too few are left for a controller quorum: a broker's
 * controlled shutdown asks the active controller, and with the others' controllers gone there is none, so it
 * would wait out the whole grace period (30 s measured) before its SIGKILL anyway.
 */
const QUORUM_LOST_GRACE_MS = 3_000;

/**
 * Stops every node (SIGTERM to all at once, SIGKILL after a grace period); false when none was running. A node
 * left without a controller quorum is killed after QUORUM_LOST_GRACE_MS: it cannot finish a controlled shutdown.
 */
export async function stopKafka(cfg: LocalConfig): Promise<boolean> {
  const running = kafkaNodes(cfg).filter((node) => node.running);
  if (running.length === 0) return false;
  const stops = running.map((node) => stopDaemon(kafkaNodePaths(cfg, node.nodeId).pidFile, 30_000));
  const quorum = Math.floor(cfg.kafka.brokers / 2) + 1;
  const watch = async (): Promise<void> => {
    let lostAt: number | undefined;
    for (;;) {
      const alive = running.filter((node) => node.pid !== undefined && isAlive(node.pid));
      if (alive.length === 0) return;
      if (alive.length < quorum && cfg.kafka.brokers > 1) {
        lostAt ??= Date.now();
        if (Date.now() - lostAt > QUORUM_LOST_GRACE_MS) {
          for (const node of alive) signalGroup(node.pid as number, "SIGKILL");
          return;
        }
      }
      await sleep(100);
    }
  };
  await Promise.all([...stops, watch()]);
  return true;
}

export interface KafkaStatus {
  /** Whether any node runs. */
  readonly running: boolean;
  /** Node 1's pid (the single broker's). */
  readonly pid?: number;
  /** Brokers the cluster reports as registered, when it answers. */
  readonly brokers?: number;
  /** Its topics (not the internal ones), when it answers. */
  readonly topics?: string[];
  /** Every configured node: id, client port, pid, running. */
  readonly nodes: KafkaNode[];
  /** Leader and in-sync replicas of every partition of those topics, when it answers. */
  readonly partitions?: PartitionState[];
}

/** What runs (node by node) and, when the cluster answers, its broker count, topics and their partitions. */
export async function kafkaStatus(cfg: LocalConfig): Promise<KafkaStatus> {
  const nodes = kafkaNodes(cfg);
  const pid = nodePid(cfg, 1);
  const base = { nodes, ...(pid === undefined ? {} : { pid }) };
  if (!nodes.some((node) => node.running)) return { running: false, ...base };
  try {
    const admin = adminCredentials(cfg);
    return await withAdmin(probeKafka(cfg, admin), async (client) => {
      const cluster = await client.describeCluster();
      const topics = (await client.listTopics()).filter((name) => !name.startsWith("__")).sort();
      const partitions = await partitionStates(client, topics);
      return { running: true, ...base, brokers: cluster.brokers.length, topics, partitions };
    });
  } catch {
    return { running: true, ...base };
  }
}
