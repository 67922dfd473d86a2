/**
 * Installing the local broker and running Kafka's own command-line tools. Kafka runs from its Maven Central
 * artifacts (fetched once with `mvn` into cfg.cacheDir), not from the release tarball, so the only
 * prerequisites are Java ≥ 17 and Maven. The tools format the storage (with the admin SCRAM user) and set
 * SCRAM credentials; their secrets travel in private files, never on a command line.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { LocalConfig } from "../config";
import { readMarker, writeMarker } from "../support/install-marker";
import { copyDependencies, requireJava, requireMaven } from "../support/java";
import { CommandError, run } from "../support/proc";
import {
  kafkaNodePaths,
  kafkaPaths,
  log4jXml,
  propertiesFile,
  SCRAM_ITERATIONS,
  SCRAM_MECHANISM,
  type ScramUser,
  scramJaas,
  writePrivate,
} from "./kafka-config";

/** Log4j 2 for Kafka's slf4j 1.7 logging (Kafka 4 dropped reload4j/log4j 1); pinned so core and binding match. */
const LOG4J_VERSION = "2.25.4";

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
  const names = readMarker<{ jars: unknown }>(marker)?.jars;
  if (!Array.isArray(names) || names.length === 0) return undefined;
  const jars = names.map((name) => join(libDir, String(name)));
  return jars.every((jar) => existsSync(jar)) ? jars : undefined;
}
/**
 * Fetches Kafka cfg.kafka.version and its runtime dependencies with Maven into
 * `<cacheDir>/kafka-<version>/libs` (once; later calls only check the cache) and returns the classpath jars.
 */
export async function installKafka(cfg: LocalConfig, log: (msg: string) => void): Promise<string[]> {
  const p = kafkaPaths(cfg);
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
    writeMarker(join(staging, basename(p.marker)), { version, jars: names });
    rmSync(p.installDir, { recursive: true, force: true });
    renameSync(staging, p.installDir);
    log(`Kafka ${version} installed (${names.length} jars).`);
    return names.map((name) => join(p.libDir, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
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
  const p = kafkaPaths(cfg);
  writeFileSync(p.toolsLog4jConfig, log4jXml("SYSTEM_ERR", []));
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
  return withPrivateFiles({ args: `${argv.map(quote).join("\n")}\n` }, (dir) =>
    run("java", [`@${join(dir, "args")}`], { what }),
  );
}

/** A new cluster id. */
export function newClusterId(): string {
  // A Kafka Uuid: 16 random bytes, URL-safe base64 without padding; Kafka avoids ids starting with "-".
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/**
 * Formats node nodeId's KRaft storage (its server.properties must be written) for cluster id, with the admin
 * SCRAM user in it. Every node of a cluster is formatted with the same id and the same bootstrap user.
 */
export function formatStorage(
  cfg: LocalConfig,
  jars: readonly string[],
  admin: ScramUser,
  log: (msg: string) => void,
  node: { readonly nodeId: number; readonly clusterId: string },
): void {
  const p = kafkaNodePaths(cfg, node.nodeId);
  const id = node.clusterId;
  log(`Formatting Kafka storage in ${p.logDirs} (cluster id ${id}, node ${node.nodeId})…`);
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

/**
 * Creates or updates user's SCRAM-SHA-512 credentials on the running broker, as admin, with Kafka's
 * ConfigCommand. The password travels in a private file only.
 */
export function setScramCredentials(
  cfg: LocalConfig,
  jars: readonly string[],
  admin: ScramUser,
  user: ScramUser,
): void {
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
}
