/**
 * DynamoDB Local (AWS's, in Java) for LocalStack, which would download it from hosts we cannot reach.
 * It is assembled here from Maven Central instead, once, into `<cacheDir>/dynamodb-local-<version>`, and
 * linked to where LocalStack looks for it: `<FILESYSTEM_ROOT>/var/lib/localstack/lib/dynamodb-local/2`.
 * LocalStack starts and stops it; this file also finds the copies a hard-killed LocalStack left behind.
 */
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { LOCAL_CREDENTIALS, type LocalConfig } from "../config";
import { readMarker, writeMarker } from "../support/install-marker";
import { copyDependencies, javaHome, launcherJar, requireJava, requireMaven } from "../support/java";
import { killPids, processesWhere } from "../support/proc";

/**
 * LocalStack always starts DynamoDB Local with `-javaagent:<install dir>/ddb-local-loader-0.1.jar`, its own
 * patch (lifting the 20-GSI limit) that it downloads from a host we cannot reach. Any jar with a
 * Premain-Class satisfies the JVM: Byte Buddy's agent jar (Apache-2.0, on Maven Central) whose premain only
 * records the Instrumentation instance, i.e. does nothing. So DynamoDB Local runs unpatched, as AWS ships it.
 */
const AGENT_ARTIFACT = { groupId: "net.bytebuddy", artifactId: "byte-buddy-agent", version: "1.17.5" };
const AGENT_JAR_NAME = "ddb-local-loader-0.1.jar";
const DDB_MAIN_CLASS = "com.amazonaws.services.dynamodbv2.local.main.ServerRunner";

const INSTALL_MARKER = ".sluice-install.json";
const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="Console" target="SYSTEM_OUT">
      <PatternLayout pattern="%d{HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="WARN"><AppenderRef ref="Console"/></Root>
  </Loggers>
</Configuration>
`;

function paths(cfg: LocalConfig) {
  const varLibs = join(cfg.localstack.dataDir, "var", "lib", "localstack", "lib");
  const install = join(cfg.cacheDir, `dynamodb-local-${cfg.dynamodbLocalVersion}`);
  return {
    install,
    marker: join(install, INSTALL_MARKER),
    /** Where LocalStack looks for DynamoDB Local ("2" is its package version). */
    link: join(varLibs, "dynamodb-local", "2"),
    /** LocalStack asks for a Java 21 of its own for DynamoDB Local; this points it at the host's Java. */
    javaLink: join(varLibs, "java", "21"),
  };
}

/** Java ≥ 17 to run DynamoDB Local and Maven to fetch it; throws MissingPrerequisiteError saying how to install each. */
export function checkDynamoDbLocalPrerequisites(): void {
  requireJava();
  requireMaven();
}

function installPom(cfg: LocalConfig): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sluice</groupId>
  <artifactId>dynamodb-local-install</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>com.amazonaws</groupId>
      <artifactId>DynamoDBLocal</artifactId>
      <version>${cfg.dynamodbLocalVersion}</version>
    </dependency>
    <dependency>
      <groupId>${AGENT_ARTIFACT.groupId}</groupId>
      <artifactId>${AGENT_ARTIFACT.artifactId}</artifactId>
      <version>${AGENT_ARTIFACT.version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

interface DdbMarker {
  readonly version: string;
  readonly jars: string[];
}

function isInstalled(cfg: LocalConfig): boolean {
  const p = paths(cfg);
  const marker = readMarker<DdbMarker>(p.marker);
  return marker?.version === cfg.dynamodbLocalVersion && existsSync(join(p.install, "DynamoDBLocal.jar"));
}

/**
 * Lays out DynamoDB Local as LocalStack expects it, from Maven Central:
 *   DynamoDBLocal.jar            a launcher: manifest only, Main-Class + Class-Path of every jar below
 *   DynamoDBLocal_lib/*.jar      DynamoDB Local and its dependencies
 *   DynamoDBLocal_lib/libsqlite4java-<os>-<arch>.so   sqlite4java's native library, unversioned name
 *   ddb-local-loader-0.1.jar     the -javaagent jar LocalStack always passes (see AGENT_ARTIFACT)
 *   log4j2.xml                   WARN-level console logging (found through "." on the Class-Path)
 */
function install(cfg: LocalConfig, log: (msg: string) => void): void {
  const p = paths(cfg);
  const version = cfg.dynamodbLocalVersion;
  log(`fetching DynamoDB Local ${version} with Maven into ${p.install} (first run only)…`);
  mkdirSync(cfg.cacheDir, { recursive: true });
  const staging = mkdtempSync(join(cfg.cacheDir, `.dynamodb-local-${version}-`));
  try {
    writeFileSync(join(staging, "pom.xml"), installPom(cfg));
    const fetched = join(staging, "fetched");
    copyDependencies(staging, fetched, `Fetching DynamoDB Local ${version} with Maven`, ["-DexcludeTypes=dll"]);
    const out = join(staging, "install");
    const lib = join(out, "DynamoDBLocal_lib");
    mkdirSync(lib, { recursive: true });
    const agentPrefix = `${AGENT_ARTIFACT.artifactId}-`;
    let agent: string | undefined;
    const jars: string[] = [];
    for (const name of readdirSync(fetched).sort()) {
      const from = join(fetched, name);
      if (name.startsWith(agentPrefix) && name.endsWith(".jar")) {
        agent = from;
      } else if (name.endsWith(".jar")) {
        copyFileSync(from, join(lib, name));
        jars.push(name);
      } else if (/^libsqlite4java-.*\.(so|dylib)$/.test(name)) {
        // sqlite4java loads "sqlite4java-<os>-<arch>" from java.library.path: drop Maven's version suffix.
        copyFileSync(from, join(lib, name.replace(/-\d+(\.\d+)*\.(so|dylib)$/, ".$2")));
      }
    }
    const main = jars.find((j) => j.startsWith(`DynamoDBLocal-${version}`));
    if (!main) throw new Error(`Maven did not fetch DynamoDBLocal ${version} into ${fetched}`);
    if (!agent) throw new Error(`Maven did not fetch ${AGENT_ARTIFACT.artifactId} into ${fetched}`);
    if (!readdirSync(lib).some((n) => n.startsWith("libsqlite4java-"))) {
      throw new Error(`Maven did not fetch sqlite4java's native library into ${fetched}`);
    }
    copyFileSync(agent, join(out, AGENT_JAR_NAME));
    const classPath = [
      ".",
      `DynamoDBLocal_lib/${main}`,
      ...jars.filter((j) => j !== main).map((j) => `DynamoDBLocal_lib/${j}`),
    ];
    writeFileSync(join(out, "DynamoDBLocal.jar"), launcherJar(DDB_MAIN_CLASS, classPath));
    writeFileSync(join(out, "log4j2.xml"), LOG4J2_XML);
    writeMarker<DdbMarker>(join(out, INSTALL_MARKER), { version, jars });
    rmSync(p.install, { recursive: true, force: true });
    renameSync(out, p.install);
    log(`DynamoDB Local ${version} installed (${jars.length} jars).`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Makes `link` a symlink to `target` (replacing whatever is there). */
function ensureSymlink(link: string, target: string): void {
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
  } catch {
    /* missing */
  }
  rmSync(link, { recursive: true, force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link);
}

function linksAreCurrent(cfg: LocalConfig): boolean {
  const p = paths(cfg);
  try {
    return (
      readlinkSync(p.link) === p.install &&
      existsSync(join(p.link, "DynamoDBLocal.jar")) &&
      existsSync(join(p.javaLink, "bin", "java"))
    );
  } catch {
    return false;
  }
}

/** Whether DynamoDB Local is installed and linked where LocalStack looks (reads one marker and two links). */
export function dynamoDbLocalIsCurrent(cfg: LocalConfig): boolean {
  return isInstalled(cfg) && linksAreCurrent(cfg);
}

/** Assembles DynamoDB Local (when not yet) and links it and the host's Java where LocalStack looks. */
export function installDynamoDbLocal(cfg: LocalConfig, log: (msg: string) => void): void {
  if (!isInstalled(cfg)) install(cfg, log);
  const p = paths(cfg);
  ensureSymlink(p.link, p.install);
  ensureSymlink(p.javaLink, javaHome());
}

/**
 * Stops DynamoDB Local processes of this install that are still running (LocalStack starts it in a session
 * of its own, outside LocalStack's process group); returns how many there were.
 */
export async function stopDynamoDbLocal(cfg: LocalConfig, graceMs = 5_000): Promise<number> {
  const needle = paths(cfg).link;
  const pids = processesWhere(
    (cmdline) => (cmdline.startsWith("java ") || cmdline.includes("/java ")) && cmdline.includes(needle),
  );
  await killPids(pids, graceMs);
  return pids.length;
}

/**
 * DynamoDB Local starts on the first DynamoDB request: this makes that request, straight to LocalStack and
 * without retries (a probe), and says whether it succeeded.
 */
export async function dynamoDbAnswers(cfg: LocalConfig): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint: cfg.localstack.url,
    region: cfg.region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(30_000) });
    return true;
  } finally {
    client.destroy();
  }
}
