/**
 * The local Apache Kafka 4 broker as a daemon: single node, KRaft (combined broker and controller),
 * clients authenticate with SASL/SCRAM-SHA-512 over plaintext, as on MSK. Starting, stopping and status;
 * installation is kafka-install.ts, configuration kafka-config.ts, users and topics kafka-admin.ts.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { LocalConfig } from "../config";
import { requireJava } from "../support/java";
import { portIsFree } from "../support/ports";
import { readCmdline, run, runningPid, spawnDaemon, stopDaemon, tail, waitFor } from "../support/proc";
import { adminKafka, describeCluster, probeKafka, withAdmin } from "./kafka-client";
import {
  adminCredentials,
  BROKER_INFO_LOGGERS,
  kafkaPaths,
  log4jXml,
  serverProperties,
  writePrivate,
} from "./kafka-config";
import { formatStorage, installKafka } from "./kafka-install";

// What code outside the launchers imports from here (the mapping poller, the tests).
export { kafkaClientConfig } from "./kafka-client";
export { adminCredentials, type ScramUser } from "./kafka-config";

const START_TIMEOUT_MS = 120_000;

/** Whether pid is this checkout's Kafka (and not another process that inherited a stale pid). */
function isOurKafka(cfg: LocalConfig, pid: number): boolean {
  let cmdline = readCmdline(pid);
  if (cmdline === undefined) {
    try {
      cmdline = run("ps", ["-o", "command=", "-p", String(pid)]);
    } catch {
      return true; // cannot tell: trust the pid file
    }
  }
  return cmdline.includes("kafka.Kafka") && cmdline.includes(kafkaPaths(cfg).serverProperties);
}

/** The pid of our running Kafka; clears a pid file left by a dead process or naming someone else's. */
export function kafkaPid(cfg: LocalConfig): number | undefined {
  const { pidFile } = kafkaPaths(cfg);
  const pid = runningPid(pidFile);
  if (pid !== undefined && isOurKafka(cfg, pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

function rotateLog(file: string): void {
  if (existsSync(file) && statSync(file).size > 0) renameSync(file, `${file}.1`);
}

/**
 * Starts the local broker unless it is already running and healthy; formats its storage (creating the
 * admin SCRAM user) on first start. Resolves once an admin client can read cluster metadata.
 */
export async function startKafka(cfg: LocalConfig, log: (msg: string) => void): Promise<{ alreadyRunning: boolean }> {
  const p = kafkaPaths(cfg);
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
    if (!(await portIsFree(cfg.kafka.host, port))) {
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
  await createOffsetsTopic(cfg);
  return { alreadyRunning: false };
}

/**
 * The broker creates __consumer_offsets on the first group-coordinator lookup; doing that now spares the
 * first consumer of a fresh broker a logged "group coordinator is not available" error. Best effort.
 */
async function createOffsetsTopic(cfg: LocalConfig): Promise<void> {
  await withAdmin(adminKafka(cfg), async (client) => {
    if ((await client.listTopics()).includes("__consumer_offsets")) return;
    await client.describeGroups(["sluice-local-warm-up"]);
  }).catch(() => undefined);
}

/** Stops the broker (SIGTERM, then SIGKILL after a grace period); false when it was not running. */
export async function stopKafka(cfg: LocalConfig): Promise<boolean> {
  const p = kafkaPaths(cfg);
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
