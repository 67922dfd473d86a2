/**
 * A local Apache Kafka 4 broker: single node, KRaft (combined broker and controller),
 * clients authenticate with SASL/SCRAM-SHA-512 over plaintext, as on MSK.
 *
 * Kafka runs from its Maven Central artifacts (fetched once with `mvn` into cfg.cacheDir),
 * not from the release tarball, so the only prerequisites are Java ≥ 17 and Maven.
 *
 * State (under cfg.kafka.dataDir):
 *   admin.json         the admin SCRAM credentials (0600), generated once
 *   server.properties  broker configuration (0600: it holds the admin password), rewritten on every start
 *   log4j2.xml         logging configuration: WARN, plus a few INFO lines for start/stop and failed logins
 *   data/              the KRaft log directory (topic data and the __cluster_metadata log)
 * The broker's log is cfg.logDir/kafka.log (the previous run's is kept as kafka.log.1).
 */

import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, type KafkaConfig, logLevel } from "kafkajs";
import type { LocalConfig } from "../config";
import { copyDependencies } from "../support/maven";
import { CommandError, requireTool, run, runningPid, spawnDaemon, stopDaemon, tail, waitFor } from "../support/proc";

export interface ScramUser {
  username: string;
  password: string;
}

/** Log4j 2 for Kafka's slf4j 1.7 logging (Kafka 4 dropped reload4j/log4j 1); pinned so core and binding match. */
const LOG4J_VERSION = "2.25.4";
const ADMIN_USERNAME = "admin";
const SCRAM_MECHANISM = "SCRAM-SHA-512";
const SCRAM_ITERATIONS = 8192;
const DEFAULT_PARTITIONS = 3;
const NODE_ID = 1;
const START_TIMEOUT_MS = 120_000;
const INSTALL_MARKER = ".installed.json";
const HOW_TO_INSTALL =
  "Install a Java 17+ runtime and Maven, e.g. `sudo apt-get install openjdk-17-jre-headless maven` " +
  "(Debian/Ubuntu) or `brew install openjdk@17 maven` (macOS).";

// ---------------------------------------------------------------------------------------------
// Paths

function paths(cfg: LocalConfig) {
  const dataDir = cfg.kafka.dataDir;
  const installDir = join(cfg.cacheDir, `kafka-${cfg.kafka.version}`);
  return {
    installDir,
    libDir: join(installDir, "libs"),
    marker: join(installDir, INSTALL_MARKER),
    dataDir,
    adminFile: join(dataDir, "admin.json"),
    serverProperties: join(dataDir, "server.properties"),
    log4jConfig: join(dataDir, "log4j2.xml"),
    toolsLog4jConfig: join(dataDir, "tools-log4j2.xml"),
    logDirs: join(dataDir, "data"),
    metaProperties: join(dataDir, "data", "meta.properties"),
    logFile: join(cfg.logDir, "kafka.log"),
    pidFile: join(cfg.runDir, "kafka.pid"),
  };
}

// ---------------------------------------------------------------------------------------------
// Prerequisites and installation

function requireJava(): void {
  requireTool("Java", "java", ["-version"], /version "(\d+)(?:\.(\d+))?/, [17, 0], HOW_TO_INSTALL);
}

function requireMaven(): void {
  requireTool("Maven", "mvn", ["--version"], /Apache Maven (\d+)\.(\d+)/, [3, 6], HOW_TO_INSTALL);
}

/** Java ≥ 17 (Kafka 4 brokers need it) and Maven (to fetch Kafka); throws MissingPrerequisiteError naming how to install them. */
export function checkKafkaPrerequisites(): void {
  requireJava();
  requireMaven();
}

function installPom(version: string): string {
  const dependency = (groupId: string, artifactId: string, v: string): string =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${v}</version></dependency>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<project xmlns="http://maven.apache.org/POM/4.0.0">`,
    `  <modelVersion>4.0.0</modelVersion>`,
    `  <groupId>local.sluice</groupId>`,
    `  <artifactId>kafka-runtime</artifactId>`,
    `  <version>${version}</version>`,
    `  <packaging>pom</packaging>`,
    `  <dependencies>`,
    // The broker, KRaft, the storage tool (kafka.tools.StorageTool) and ConfigCommand (kafka.admin.ConfigCommand).
    dependency("org.apache.kafka", "kafka_2.13", version),
    dependency("org.apache.logging.log4j", "log4j-core", LOG4J_VERSION),
    dependency("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION),
    `  </dependencies>`,
    `</project>`,
    ``,
  ].join("\n");
}

function cachedJars(marker: string, libDir: string): string[] | undefined {
  if (!existsSync(marker)) return undefined;
  try {
    const names = (JSON.parse(readFileSync(marker, "utf8")) as { jars?: unknown }).jars;
    if (!Array.isArray(names) || names.length === 0) return undefined;
    const jars = names.map((name) => join(libDir, String(name)));
    return jars.every((jar) => existsSync(jar)) ? jars : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fetches Kafka cfg.kafka.version and its runtime dependencies with Maven into
 * `<cacheDir>/kafka-<version>/libs` (once; later calls only check the cache) and returns the classpath jars.
 */
export async function installKafka(cfg: LocalConfig, log: (msg: string) => void): Promise<string[]> {
  const p = paths(cfg);
  const cached = cachedJars(p.marker, p.libDir);
  if (cached) return cached;

  requireMaven();
  const version = cfg.kafka.version;
  log(`Fetching Apache Kafka ${version} with Maven into ${p.installDir} (first run only)…`);
  mkdirSync(cfg.cacheDir, { recursive: true });
  // Built beside its final place and renamed into it, so an interrupted download never looks complete.
  const staging = mkdtempSync(join(cfg.cacheDir, `.kafka-${version}-`));
  try {
    writeFileSync(join(staging, "pom.xml"), installPom(version));
    const stagingLibs = join(staging, "libs");
    copyDependencies(staging, stagingLibs, `Fetching Kafka ${version} with Maven`);
    const names = readdirSync(stagingLibs)
      .filter((name) => name.endsWith(".jar"))
      .sort();
    if (!names.some((name) => name.startsWith("kafka_2.13-"))) {
      throw new Error(`Maven did not fetch kafka_2.13 ${version} into ${stagingLibs}`);
    }
    writeFileSync(join(staging, INSTALL_MARKER), `${JSON.stringify({ version, jars: names }, null, 2)}\n`);
    rmSync(p.installDir, { recursive: true, force: true });
    renameSync(staging, p.installDir);
    log(`Kafka ${version} installed (${names.length} jars).`);
    return names.map((name) => join(p.libDir, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials and configuration files

function isScramUser(value: unknown): value is ScramUser {
  const v = value as Partial<ScramUser> | null;
  return typeof v?.username === "string" && v.username !== "" && typeof v.password === "string" && v.password !== "";
}

/** The admin (super user) credentials: generated on first use and kept 0600 in `<kafka.dataDir>/admin.json`. */
export function adminCredentials(cfg: LocalConfig): ScramUser {
  const { adminFile, dataDir } = paths(cfg);
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

function scramJaas(user: ScramUser): string {
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

function propertiesFile(entries: Record<string, string | number | boolean>): string {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${propertiesValue(String(value))}`)
    .join("\n")}\n`;
}

function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
}

function serverProperties(cfg: LocalConfig, admin: ScramUser): string {
  const { host, port, controllerPort } = cfg.kafka;
  const p = paths(cfg);
  return propertiesFile({
    "process.roles": "broker,controller",
    "node.id": NODE_ID,
    "controller.quorum.voters": `${NODE_ID}@127.0.0.1:${controllerPort}`,
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
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 1,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 1,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "auto.create.topics.enable": false,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
    "log.retention.hours": 168,
    "log.segment.bytes": 64 * 1024 * 1024,
  });
}

function log4jXml(target: "SYSTEM_OUT" | "SYSTEM_ERR", infoLoggers: readonly string[]): string {
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
const BROKER_INFO_LOGGERS = [
  "kafka.Kafka",
  "kafka.server.KafkaRaftServer", // "Kafka Server started", shutdown
  "kafka.server.BrokerServer",
  "kafka.server.ControllerServer",
  "org.apache.kafka.common.utils.AppInfoParser", // "Kafka version: …"
  "org.apache.kafka.common.network.Selector", // "Failed authentication with /127.0.0.1 …"
];

// ---------------------------------------------------------------------------------------------
// Running Kafka's own tools

/**
 * Runs a Kafka tool's main class. The arguments travel in a 0600 java @argfile, not on the
 * command line, so secrets in them stay out of `ps` and out of error messages.
 */
function runKafkaTool(
  cfg: LocalConfig,
  jars: readonly string[],
  mainClass: string,
  args: readonly string[],
  what: string,
): string {
  const p = paths(cfg);
  writeFileSync(p.toolsLog4jConfig, log4jXml("SYSTEM_ERR", []));
  const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-"));
  try {
    const argFile = join(dir, "args");
    const quote = (arg: string): string => `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    const argv = [
      "-Xmx256m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true",
      `-Dlog4j2.configurationFile=${p.toolsLog4jConfig}`,
      "-cp",
      jars.join(":"),
      mainClass,
      ...args,
    ];
    writePrivate(argFile, `${argv.map(quote).join("\n")}\n`);
    return run("java", [`@${argFile}`], { what });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes secret files for a tool into a private temporary directory, removed afterwards. */
function withPrivateFiles<T>(files: Record<string, string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-"));
  try {
    for (const [name, content] of Object.entries(files)) writePrivate(join(dir, name), content);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function clusterId(): string {
  // A Kafka Uuid: 16 random bytes, URL-safe base64 without padding; Kafka avoids ids starting with "-".
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

function formatStorage(cfg: LocalConfig, jars: readonly string[], admin: ScramUser, log: (msg: string) => void): void {
  const p = paths(cfg);
  const id = clusterId();
  log(`Formatting Kafka storage in ${p.logDirs} (cluster id ${id})…`);
  runKafkaTool(
    cfg,
    jars,
    "kafka.tools.StorageTool",
    [
      "format",
      "--config",
      p.serverProperties,
      "--cluster-id",
      id,
      "--add-scram",
      `${SCRAM_MECHANISM}=[name=${admin.username},iterations=${SCRAM_ITERATIONS},password=${admin.password}]`,
    ],
    "Formatting Kafka storage",
  );
}

// ---------------------------------------------------------------------------------------------
// Clients

/** A kafkajs configuration for the local broker, authenticating as user with SCRAM-SHA-512. */
export function kafkaClientConfig(cfg: LocalConfig, user: ScramUser): KafkaConfig {
  return {
    clientId: "sluice-local",
    brokers: [cfg.kafka.bootstrapServers],
    ssl: false,
    sasl: { mechanism: "scram-sha-512", username: user.username, password: user.password },
    logLevel: logLevel.ERROR,
  };
}

/** A quiet, fail-fast client for probes and admin calls made here. */
function probeKafka(cfg: LocalConfig, user: ScramUser, timeoutMs = 3_000): Kafka {
  return new Kafka({
    ...kafkaClientConfig(cfg, user),
    clientId: "sluice-local-admin",
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    authenticationTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
}

type Admin = ReturnType<Kafka["admin"]>;

async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function describeCluster(cfg: LocalConfig, user: ScramUser, timeoutMs?: number): Promise<{ brokers: number }> {
  return withAdmin(probeKafka(cfg, user, timeoutMs), async (admin) => {
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length };
  });
}

// ---------------------------------------------------------------------------------------------
// Process management

/** Whether pid is this checkout's Kafka (and not another process that inherited a stale pid). */
function isOurKafka(cfg: LocalConfig, pid: number): boolean {
  let cmdline: string | undefined;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    try {
      cmdline = run("ps", ["-o", "command=", "-p", String(pid)]);
    } catch {
      return true; // cannot tell: trust the pid file
    }
  }
  return cmdline.includes("kafka.Kafka") && cmdline.includes(paths(cfg).serverProperties);
}

/** The pid of our running Kafka; clears a pid file left by a dead process or naming someone else's. */
function kafkaPid(cfg: LocalConfig): number | undefined {
  const { pidFile } = paths(cfg);
  const pid = runningPid(pidFile);
  if (pid !== undefined && isOurKafka(cfg, pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (inUse: boolean): void => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function rotateLog(file: string): void {
  if (existsSync(file) && statSync(file).size > 0) renameSync(file, `${file}.1`);
}

/**
 * Starts the local broker unless it is already running and healthy; formats its storage (creating the
 * admin SCRAM user) on first start. Resolves once an admin client can read cluster metadata.
 */
export async function startKafka(cfg: LocalConfig, log: (msg: string) => void): Promise<{ alreadyRunning: boolean }> {
  const p = paths(cfg);
  const existing = kafkaPid(cfg);
  if (existing !== undefined) {
    const admin = adminCredentials(cfg);
    // Running: healthy now, or still starting (then wait for it), or wedged (then say so).
    await waitFor(
      `Kafka (pid ${existing}) to answer on ${cfg.kafka.bootstrapServers}`,
      () => describeCluster(cfg, admin),
      {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 500,
        onTimeout: () =>
          `It may be wedged: stop it (pid ${existing}) and start again. Last lines of ${p.logFile}:\n${tail(p.logFile, 40)}`,
      },
    );
    return { alreadyRunning: true };
  }

  requireJava(); // Maven is checked by installKafka, and only needed when Kafka is not cached yet
  const jars = await installKafka(cfg, log);

  const formatted = existsSync(p.metaProperties);
  if (formatted && !existsSync(p.adminFile)) {
    throw new Error(
      `Kafka storage in ${p.logDirs} exists but its admin credentials (${p.adminFile}) are gone; ` +
        `delete ${p.dataDir} to start with an empty broker.`,
    );
  }
  for (const port of [cfg.kafka.port, cfg.kafka.controllerPort]) {
    if (await portInUse(cfg.kafka.host, port)) {
      throw new Error(
        `Port ${port} on ${cfg.kafka.host} is already in use by another process; stop it, or choose other ports ` +
          `with KAFKA_PORT / KAFKA_CONTROLLER_PORT.`,
      );
    }
  }

  const admin = adminCredentials(cfg);
  mkdirSync(p.dataDir, { recursive: true, mode: 0o700 });
  writePrivate(p.serverProperties, serverProperties(cfg, admin));
  writeFileSync(p.log4jConfig, log4jXml("SYSTEM_OUT", BROKER_INFO_LOGGERS));
  if (!formatted) formatStorage(cfg, jars, admin, log);

  rotateLog(p.logFile);
  log(`Starting Kafka ${cfg.kafka.version} on ${cfg.kafka.bootstrapServers} (SASL/SCRAM-SHA-512), log: ${p.logFile}`);
  const pid = spawnDaemon({
    name: "kafka",
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
      `-Dlog4j2.configurationFile=${p.log4jConfig}`,
      // Without this, log4j swaps in a SimpleLogger mid-shutdown and the shutdown lines get lost.
      "-Dlog4j2.shutdownHookEnabled=false",
      "-cp",
      jars.join(":"),
      "kafka.Kafka",
      p.serverProperties,
    ],
    cwd: p.dataDir,
    logFile: p.logFile,
    pidFile: p.pidFile,
  });

  const outcome = await waitFor(
    `Kafka to accept SCRAM-SHA-512 logins on ${cfg.kafka.bootstrapServers}`,
    async () => {
      if (runningPid(p.pidFile) !== pid) return "exited" as const;
      await describeCluster(cfg, admin);
      return "ready" as const;
    },
    {
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: 250,
      onTimeout: () => `Last lines of ${p.logFile}:\n${tail(p.logFile, 40)}`,
    },
  );
  if (outcome === "exited") {
    rmSync(p.pidFile, { force: true });
    throw new Error(`Kafka exited during start-up. Last lines of ${p.logFile}:\n${tail(p.logFile, 40)}`);
  }
  await createOffsetsTopic(cfg, admin);
  return { alreadyRunning: false };
}

/**
 * The broker creates __consumer_offsets on the first group-coordinator lookup; doing that now spares the
 * first consumer of a fresh broker a logged "group coordinator is not available" error. Best effort.
 */
async function createOffsetsTopic(cfg: LocalConfig, admin: ScramUser): Promise<void> {
  const kafka = new Kafka({
    ...kafkaClientConfig(cfg, admin),
    clientId: "sluice-local-admin",
    logLevel: logLevel.NOTHING,
  });
  await withAdmin(kafka, async (client) => {
    if ((await client.listTopics()).includes("__consumer_offsets")) return;
    await client.describeGroups(["sluice-local-warm-up"]);
  }).catch(() => undefined);
}

/** Stops the broker (SIGTERM, then SIGKILL after a grace period); false when it was not running. */
export async function stopKafka(cfg: LocalConfig): Promise<boolean> {
  const p = paths(cfg);
  if (kafkaPid(cfg) === undefined) return false;
  return stopDaemon(p.pidFile, 30_000);
}

/** Whether the broker runs and, when it answers, its broker count and (non-internal) topics. */
export async function kafkaStatus(
  cfg: LocalConfig,
): Promise<{ running: boolean; pid?: number; brokers?: number; topics?: string[] }> {
  const pid = kafkaPid(cfg);
  if (pid === undefined) return { running: false };
  try {
    const admin = adminCredentials(cfg);
    return await withAdmin(probeKafka(cfg, admin), async (client) => {
      const cluster = await client.describeCluster();
      const topics = (await client.listTopics()).filter((name) => !name.startsWith("__")).sort();
      return { running: true, pid, brokers: cluster.brokers.length, topics };
    });
  } catch {
    return { running: true, pid };
  }
}

// ---------------------------------------------------------------------------------------------
// Users and topics

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
  if (kafkaPid(cfg) === undefined) throw new Error("Kafka is not running: start it first");
  const jars = await installKafka(cfg, () => undefined);
  const admin = adminCredentials(cfg);

  withPrivateFiles(
    {
      "admin.properties": propertiesFile({
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": SCRAM_MECHANISM,
        "sasl.jaas.config": scramJaas(admin),
      }),
      // Read with --add-config-file the value is taken verbatim (no [] or comma parsing): any password works.
      "user.properties": propertiesFile({
        [SCRAM_MECHANISM]: `iterations=${SCRAM_ITERATIONS},password=${user.password}`,
      }),
    },
    (dir) => {
      try {
        runKafkaTool(
          cfg,
          jars,
          "kafka.admin.ConfigCommand",
          [
            "--bootstrap-server",
            cfg.kafka.bootstrapServers,
            "--command-config",
            join(dir, "admin.properties"),
            "--alter",
            "--add-config-file",
            join(dir, "user.properties"),
            "--entity-type",
            "users",
            "--entity-name",
            user.username,
          ],
          `Setting SCRAM credentials of Kafka user ${user.username}`,
        );
      } catch (error) {
        if (error instanceof CommandError) {
          // The output never holds the password (it is only in the deleted file), but be certain.
          throw new Error(error.message.split(user.password).join("***"));
        }
        throw error;
      }
    },
  );

  await waitFor(`Kafka user ${user.username} to be able to log in`, () => describeCluster(cfg, user), {
    timeoutMs: 15_000,
    intervalMs: 200,
  });
}

/** Creates the topics that do not exist yet (as admin); existing topics are left as they are. */
export async function ensureTopics(cfg: LocalConfig, topics: { name: string; partitions?: number }[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = adminCredentials(cfg);
  const kafka = new Kafka({
    ...kafkaClientConfig(cfg, admin),
    clientId: "sluice-local-admin",
    logLevel: logLevel.NOTHING,
  });
  await withAdmin(kafka, async (client) => {
    const existing = new Set(await client.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length === 0) return;
    try {
      await client.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions ?? DEFAULT_PARTITIONS,
          replicationFactor: 1,
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
