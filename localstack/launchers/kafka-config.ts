/**
 * The local broker's configuration and credentials: where its files live, the admin SCRAM user, and the
 * properties and logging files the broker and Kafka's own tools read. Shared by install, daemon and admin.
 *
 * State (under cfg.kafka.dataDir):
 *   admin.json         the admin SCRAM credentials (0600), generated once
 *   cluster.json       the cluster size and id the storage was formatted with (written before formatting)
 *   server.properties  node 1's configuration (0600: it holds the admin password), rewritten on every start
 *   log4j2.xml         logging configuration: WARN, plus a few INFO lines for start/stop and failed logins
 *   data/              node 1's KRaft log directory (topic data and the __cluster_metadata log)
 *   node-<n>/          node n's server.properties and data/ (n = 2…N, only with --brokers N)
 * Node 1's log is cfg.logDir/kafka.log (the previous run's is kept as kafka.log.1), node n's kafka-<n>.log;
 * its pid file cfg.runDir/kafka.pid, node n's kafka-<n>.pid. A single broker is node 1 alone: the same files.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KAFKA_CLUSTER_FILE, kafkaNodePorts, type LocalConfig } from "../config";
import type { ScramUser } from "../support/kafka-secret";

export type { ScramUser };

const ADMIN_USERNAME = "admin";
export const SCRAM_MECHANISM = "SCRAM-SHA-512";
export const SCRAM_ITERATIONS = 8192;
export const DEFAULT_PARTITIONS = 3;
/** The cluster's node ids, 1…N. */
export function nodeIds(cfg: LocalConfig): number[] {
  return Array.from({ length: cfg.kafka.brokers }, (_, i) => i + 1);
}

/** The files of the cluster as a whole, and node 1's (a single broker's) where they always were. */
export function kafkaPaths(cfg: LocalConfig) {
  const dataDir = cfg.kafka.dataDir;
  const installDir = join(cfg.cacheDir, `kafka-${cfg.kafka.version}`);
  return {
    installDir,
    libDir: join(installDir, "libs"),
    marker: join(installDir, ".installed.json"),
    dataDir,
    adminFile: join(dataDir, "admin.json"),
    clusterFile: join(dataDir, KAFKA_CLUSTER_FILE),
    log4jConfig: join(dataDir, "log4j2.xml"),
    toolsLog4jConfig: join(dataDir, "tools-log4j2.xml"),
    ...kafkaNodePaths(cfg, 1),
  };
}

/** Node nodeId's own files and ports: node 1 keeps the single broker's names, node n has node-<n>/ and -<n> names. */
export function kafkaNodePaths(cfg: LocalConfig, nodeId: number) {
  const dir = nodeId === 1 ? cfg.kafka.dataDir : join(cfg.kafka.dataDir, `node-${nodeId}`);
  const suffix = nodeId === 1 ? "" : `-${nodeId}`;
  return {
    nodeDir: dir,
    serverProperties: join(dir, "server.properties"),
    logDirs: join(dir, "data"),
    metaProperties: join(dir, "data", "meta.properties"),
    logFile: join(cfg.logDir, `kafka${suffix}.log`),
    pidFile: join(cfg.runDir, `kafka${suffix}.pid`),
    ...kafkaNodePorts(cfg.kafka, nodeId),
  };
}

/**
 * Why the cluster cannot start as configured, or undefined: KRaft storage is formatted for one quorum, so a
 * cluster size other than the formatted one is refused, naming both and how to start afresh.
 */
export function clusterSizeRefusal(cfg: LocalConfig): string | undefined {
  const { brokers, formattedBrokers } = cfg.kafka;
  if (formattedBrokers === undefined || formattedBrokers === brokers) return undefined;
  const asked = (n: number): string => (n === 1 ? "a single broker" : `${n} brokers`);
  return (
    `Kafka's data in ${cfg.kafka.dataDir} was formatted for ${asked(formattedBrokers)} but ${asked(brokers)} ` +
    `${brokers === 1 ? "was" : "were"} asked for (--brokers / SLUICE_KAFKA_BROKERS): a KRaft quorum cannot change ` +
    `size here. Start without --brokers (and SLUICE_KAFKA_BROKERS unset) to keep ${asked(formattedBrokers)}, or start ` +
    `afresh with ${brokers}: \`npm run local:reset\` (all local state), or stop the stack and delete ` +
    `${cfg.kafka.dataDir} (Kafka alone: every topic, its records and the committed offsets go with it).`
  );
}

/**
 * Replication for a cluster of `brokers` nodes: every topic on min(3, N) nodes; with 3 or more, a write with
 * acks=all needs 2 in-sync replicas, so one node may be lost without losing an acknowledged record or refusing writes.
 */
export function replication(brokers: number): { factor: number; minInsyncReplicas: number } {
  const factor = Math.min(3, brokers);
  return { factor, minInsyncReplicas: factor >= 3 ? 2 : 1 };
}

function isScramUser(value: unknown): value is ScramUser {
  const v = value as Partial<ScramUser> | null;
  return typeof v?.username === "string" && v.username !== "" && typeof v.password === "string" && v.password !== "";
}

/** The admin (super user) credentials: generated on first use and kept 0600 in `<kafka.dataDir>/admin.json`. */
export function adminCredentials(cfg: LocalConfig): ScramUser {
  const { adminFile, dataDir } = kafkaPaths(cfg);
  if (!existsSync(adminFile)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const fresh: ScramUser = { username: ADMIN_USERNAME, password: randomBytes(24).toString("hex") };
    try {
      writeFileSync(adminFile, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const stored: unknown = JSON.parse(readFileSync(adminFile, "utf8"));
  if (!isScramUser(stored))
    throw new Error(`${adminFile} does not hold {"username","password"}; delete ${dataDir} to start afresh`);
  return { username: stored.username, password: stored.password };
}

/** A double-quoted JAAS option value. */
function jaasQuote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function scramJaas(user: ScramUser): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasQuote(user.username)} password=${jaasQuote(user.password)};`;
}

/** Escapes a value for a java.util.Properties file (read as ISO-8859-1, so anything else is \\u-escaped). */
function propertiesValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    const code = value.charCodeAt(i);
    if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\f") out += "\\f";
    else if (ch === " " && i === 0) out += "\\ ";
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

export function propertiesFile(entries: Record<string, string | number | boolean>): string {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${propertiesValue(String(value))}`)
    .join("\n")}\n`;
}

/** Writes a file only its owner can read (it holds a password). */
export function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
}

/** Node nodeId's server.properties (node 1 of a single broker: as it always was). */
export function serverProperties(cfg: LocalConfig, admin: ScramUser, nodeId = 1): string {
  const { host } = cfg.kafka;
  const p = kafkaNodePaths(cfg, nodeId);
  const { port, controllerPort } = p;
  const voters = nodeIds(cfg)
    .map((id) => `${id}@127.0.0.1:${kafkaNodePorts(cfg.kafka, id).controllerPort}`)
    .join(",");
  const { factor, minInsyncReplicas } = replication(cfg.kafka.brokers);
  return propertiesFile({
    "process.roles": "broker,controller",
    "node.id": nodeId,
    "controller.quorum.voters": voters,
    listeners: `SASL_PLAINTEXT://${host}:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `SASL_PLAINTEXT://${host}:${port}`,
    "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "SASL_PLAINTEXT",
    "sasl.enabled.mechanisms": SCRAM_MECHANISM,
    "sasl.mechanism.inter.broker.protocol": SCRAM_MECHANISM,
    "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": scramJaas(admin),
    // Authorization as on MSK with SCRAM: resources without ACLs are open to every authenticated user.
    // ANONYMOUS exists only on the controller listener (PLAINTEXT, loopback), which the broker itself uses.
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "allow.everyone.if.no.acl.found": true,
    "super.users": `User:${admin.username};User:ANONYMOUS`,
    "log.dirs": p.logDirs,
    "num.partitions": DEFAULT_PARTITIONS,
    "default.replication.factor": factor,
    "min.insync.replicas": minInsyncReplicas,
    "offsets.topic.replication.factor": factor,
    "offsets.topic.num.partitions": 1,
    "transaction.state.log.replication.factor": factor,
    "transaction.state.log.min.isr": minInsyncReplicas,
    "transaction.state.log.num.partitions": 1,
    "share.coordinator.state.topic.replication.factor": factor,
    "share.coordinator.state.topic.min.isr": minInsyncReplicas,
    "auto.create.topics.enable": false,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
    "log.retention.hours": 168,
    "log.segment.bytes": 64 * 1024 * 1024,
  });
}

export function log4jXml(target: "SYSTEM_OUT" | "SYSTEM_ERR", infoLoggers: readonly string[]): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Configuration status="WARN">`,
    `  <Appenders>`,
    `    <Console name="console" target="${target}">`,
    `      <PatternLayout pattern="[%d{ISO8601}] %-5p %m (%c{1.})%n"/>`,
    `    </Console>`,
    `  </Appenders>`,
    `  <Loggers>`,
    ...infoLoggers.map((name) => `    <Logger name="${name}" level="INFO"/>`),
    `    <Root level="WARN"><AppenderRef ref="console"/></Root>`,
    `  </Loggers>`,
    `</Configuration>`,
    ``,
  ].join("\n");
}

/** The broker logs to stdout, which spawnDaemon sends to kafka.log. */
export const BROKER_INFO_LOGGERS = [
  "kafka.Kafka",
  "kafka.server.KafkaRaftServer", // "Kafka Server started", shutdown
  "kafka.server.BrokerServer",
  "kafka.server.ControllerServer",
  "org.apache.kafka.common.utils.AppInfoParser", // "Kafka version: …"
  "org.apache.kafka.common.network.Selector", // "Failed authentication with /127.0.0.1 …"
];
