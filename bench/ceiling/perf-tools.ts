/**
 * Kafka's own performance tools (`kafka-producer-perf-test`, `kafka-consumer-perf-test`: ProducerPerformance and
 * ConsumerPerformance in the kafka-tools jar) run from the broker's jars plus that one jar, fetched with Maven
 * once into `<cacheDir>/kafka-tools-<version>`. The Java consumer is the physical reference of the ceiling; the
 * Java producer fills the backlog far faster than a Node producer would.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalConfig } from "#local/config";
import { adminCredentials } from "#local/launchers/kafka";
import { propertiesFile, SCRAM_MECHANISM, scramJaas, writePrivate } from "#local/launchers/kafka-config";
import { installKafka } from "#local/launchers/kafka-install";
import { readMarker, writeMarker } from "#local/support/install-marker";
import { copyDependencies } from "#local/support/java";
import { procCpuSeconds } from "../stats";

const MARKER = ".installed.json";

function toolsPom(version: string): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<project xmlns="http://maven.apache.org/POM/4.0.0">`,
    `  <modelVersion>4.0.0</modelVersion>`,
    `  <groupId>local.sluice</groupId>`,
    `  <artifactId>kafka-perf-tools</artifactId>`,
    `  <version>${version}</version>`,
    `  <packaging>pom</packaging>`,
    `  <dependencies>`,
    `    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${version}</version></dependency>`,
    `  </dependencies>`,
    `</project>`,
    ``,
  ].join("\n");
}

/**
 * The classpath of the perf tools: the broker's jars (clients, server-common, argparse4j, jopt-simple are
 * there) and the kafka-tools jar alone — its other dependencies (Connect, Jetty, Jersey) the two tools never load.
 */
export async function perfToolsClasspath(cfg: LocalConfig, log: (msg: string) => void): Promise<string[]> {
  const jars = await installKafka(cfg, log);
  const version = cfg.kafka.version;
  const dir = join(cfg.cacheDir, `kafka-tools-${version}`);
  const jar = join(dir, `kafka-tools-${version}.jar`);
  if (readMarker<{ version: string }>(join(dir, MARKER))?.version === version && existsSync(jar)) return [...jars, jar];
  log(`Fetching kafka-tools ${version} with Maven into ${dir} (first run only)…`);
  mkdirSync(cfg.cacheDir, { recursive: true });
  const staging = mkdtempSync(join(cfg.cacheDir, `.kafka-tools-${version}-`));
  try {
    writeFileSync(join(staging, "pom.xml"), toolsPom(version));
    copyDependencies(staging, staging, `Fetching kafka-tools ${version} with Maven`, ["-DexcludeTransitive=true"]);
    if (!readdirSync(staging).includes(`kafka-tools-${version}.jar`)) {
      throw new Error(`Maven did not fetch kafka-tools ${version} into ${staging}`);
    }
    writeMarker(join(staging, MARKER), { version });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return [...jars, jar];
}

export interface ToolRun {
  readonly output: string;
  /** CPU seconds the JVM used (user + system), sampled from /proc until it exited. */
  readonly cpuSeconds: number;
}

/**
 * Runs a tool's main class with the admin user's SCRAM settings in a 0600 properties file (passed with
 * --command-config, removed afterwards); resolves with its standard output, rejects with its last lines.
 */
export async function runPerfTool(
  cfg: LocalConfig,
  classpath: readonly string[],
  mainClass: string,
  args: readonly string[],
): Promise<ToolRun> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-perf-"));
  const config = join(dir, "client.properties");
  writePrivate(
    config,
    propertiesFile({
      "security.protocol": "SASL_PLAINTEXT",
      "sasl.mechanism": SCRAM_MECHANISM,
      "sasl.jaas.config": scramJaas(adminCredentials(cfg)),
    }),
  );
  try {
    return await new Promise<ToolRun>((resolve, reject) => {
      const child = spawn(
        "java",
        [
          "-Xmx1g",
          "-Djava.awt.headless=true",
          "-cp",
          classpath.join(":"),
          mainClass,
          ...args,
          "--command-config",
          config,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      let errors = "";
      let cpuSeconds = 0;
      const sample = setInterval(() => {
        const cpu = child.pid === undefined ? undefined : procCpuSeconds(child.pid);
        if (cpu !== undefined) cpuSeconds = cpu;
      }, 100);
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        errors = (errors + chunk.toString()).slice(-4000);
      });
      child.on("error", (error) => {
        clearInterval(sample);
        reject(new Error(`${mainClass} could not start`, { cause: error }));
      });
      child.on("close", (code) => {
        clearInterval(sample);
        if (code === 0) resolve({ output, cpuSeconds });
        else reject(new Error(`${mainClass} failed (exit ${code}):\n${errors.trim() || output.trim()}`));
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills topic with n records of `bytes` random bytes as fast as the Java producer can (acks=1, batched). */
export async function producePerf(
  cfg: LocalConfig,
  classpath: readonly string[],
  topic: string,
  n: number,
  bytes: number,
): Promise<{ seconds: number }> {
  const started = performance.now();
  await runPerfTool(cfg, classpath, "org.apache.kafka.tools.ProducerPerformance", [
    "--bootstrap-server",
    cfg.kafka.bootstrapServers,
    "--topic",
    topic,
    "--num-records",
    String(n),
    "--record-size",
    String(bytes),
    "--throughput",
    "-1",
    "--producer-props",
    "acks=1",
    "linger.ms=20",
    "batch.size=262144",
    "compression.type=none",
  ]);
  return { seconds: (performance.now() - started) / 1000 };
}

export interface PerfConsumeResult {
  readonly records: number;
  /** fetch.nMsg.sec: records per second over the fetch time (after the group's rebalance). */
  readonly recordsPerSecond: number;
  readonly fetchSeconds: number;
  readonly rebalanceMs: number;
  readonly cpuSeconds: number;
}

/** The CSV line ConsumerPerformance prints after its header, by column name. */
export function parseConsumerPerformance(output: string): Record<string, string> {
  const lines = output
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const headerAt = lines.findIndex((l) => l.startsWith("start.time"));
  const header = lines[headerAt]?.split(",").map((h) => h.trim());
  const values = lines[headerAt + 1]?.split(",").map((v) => v.trim());
  if (!header || !values || header.length !== values.length) {
    throw new Error(`unexpected kafka-consumer-perf-test output:\n${output.slice(-2000)}`);
  }
  return Object.fromEntries(header.map((h, i) => [h, values[i] ?? ""]));
}

/** Reads n records of topic from the beginning with Kafka's Java consumer in a fresh group. */
export async function consumePerf(
  cfg: LocalConfig,
  classpath: readonly string[],
  topic: string,
  n: number,
): Promise<PerfConsumeResult> {
  const run = await runPerfTool(cfg, classpath, "org.apache.kafka.tools.ConsumerPerformance", [
    "--bootstrap-server",
    cfg.kafka.bootstrapServers,
    "--topic",
    topic,
    "--num-records",
    String(n),
    "--group",
    `sluice-bench-perf-${Date.now().toString(36)}`,
    "--timeout",
    "60000",
  ]);
  const row = parseConsumerPerformance(run.output);
  const number = (key: string): number => {
    const v = Number(row[key]);
    if (!Number.isFinite(v)) throw new Error(`kafka-consumer-perf-test printed no number for ${key}: ${run.output}`);
    return v;
  };
  return {
    records: number("data.consumed.in.nMsg"),
    recordsPerSecond: Math.round(number("fetch.nMsg.sec")),
    fetchSeconds: number("fetch.time.ms") / 1000,
    rebalanceMs: number("rebalance.time.ms"),
    cpuSeconds: run.cpuSeconds,
  };
}
