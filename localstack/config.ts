/**
 * The one home of every configurable value of the local environment.
 * Each value has a default and an environment variable that overrides it.
 */

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { cdkJsonContext } from "#lib/cdk-json";

/** Credentials LocalStack accepts; they are not secrets. */
export const LOCAL_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

export interface LocalConfig {
  /** Repository root. */
  readonly root: string;
  /** Project-local state: data, logs, pid files, the Python virtualenv (gitignored). */
  readonly stateDir: string;
  /** Downloads shared across clones (Kafka and DynamoDB Local jars): outside the repo. */
  readonly cacheDir: string;
  readonly region: string;
  readonly accountId: string;
  /** Prefix of the CDK stack names (CDK context `sluice:stackPrefix`). */
  readonly stackPrefix: string;
  /** Where the locally deployed cloud assembly is synthesized; the local Lambda service reads it (SLUICE_ASSEMBLY_DIR). */
  readonly assemblyDir: string;
  /**
   * The one endpoint clients use (AWS_ENDPOINT_URL): the local Lambda service, which answers Lambda API
   * calls itself and passes every other request through to LocalStack.
   */
  readonly endpoint: {
    readonly host: string;
    readonly port: number;
    readonly url: string;
  };
  /** LocalStack itself, behind the endpoint. */
  readonly localstack: {
    readonly host: string;
    readonly port: number;
    /** URL clients use to reach LocalStack. */
    readonly url: string;
    readonly version: string;
    readonly venvDir: string;
    readonly dataDir: string;
    /**
     * How often LocalStack's state is saved to disk while it runs, in seconds (SLUICE_LOCALSTACK_SAVE_SECONDS;
     * default 5): what a crash or SIGKILL can lose. 0 saves only on a clean shutdown.
     */
    readonly saveSeconds: number;
  };
  readonly kafka: {
    readonly version: string;
    readonly host: string;
    /** Node 1's SASL_PLAINTEXT listener with SCRAM-SHA-512 (KAFKA_PORT); node n listens on port + (n-1)*10. */
    readonly port: number;
    /** Node 1's controller listener (KAFKA_CONTROLLER_PORT); node n's is controllerPort + (n-1)*10. */
    readonly controllerPort: number;
    /**
     * Nodes of the KRaft cluster, each a combined broker and controller: `--brokers N` of up/start or
     * SLUICE_KAFKA_BROKERS, else the size the data was formatted with, else 1.
     */
    readonly brokers: number;
    /** The size the Kafka data was formatted with (`<dataDir>/cluster.json`); absent before the first start. */
    readonly formattedBrokers?: number;
    /** One host:port per node, node 1 first: what kafkajs' `brokers` takes. */
    readonly brokerList: readonly string[];
    /** brokerList joined by commas: what CDK context, Lambda's Endpoints and Kafka's tools take. */
    readonly bootstrapServers: string;
    readonly dataDir: string;
    readonly heap: string;
  };
  readonly dynamodbLocalVersion: string;
  /**
   * DynamoDB Local's Java heap (SLUICE_DYNAMODB_HEAP, default 1g; LocalStack's own default is 256m): a Scan without
   * a Limit of a table of about 100,000 items (the chaos job's bank table) failed with InternalFailure at 256m.
   */
  readonly dynamodbHeap: string;
  readonly logDir: string;
  readonly runDir: string;
  /** Where the scrapers look: the offline sample web (default) or the real services (`SLUICE_SOURCES=live`). */
  readonly sources: "sample" | "live";
  /** The offline sample web the sample sources point at (SAMPLE_WEB_PORT, default 4580). */
  readonly sampleWeb: { readonly host: string; readonly port: number; readonly url: string };
  /** Settings of the local Lambda service that tests change. */
  readonly lambdaService: {
    /** A clock tests move through POST /_sluice/clock instead of the real one (SLUICE_TEST_CLOCK=1; default 0). */
    readonly testClock: boolean;
    /** One fixed delay between a schedule's retries, in ms (SLUICE_SCHEDULER_RETRY_DELAY_MS); AWS's back-off when unset. */
    readonly schedulerRetryDelayMs?: number;
    /**
     * Asynchronous invocation's retry delays (SLUICE_ASYNC_RETRY_DELAYS_MS): "<1st>,<2nd>[,<throttle min>,<throttle max>]"
     * in ms, parsed by the retry policy (lambda-service/async/policy.ts); AWS's delays when unset.
     */
    readonly asyncRetryDelaysMs?: string;
    /**
     * How often the service sends its metrics (AWS/Lambda, one-minute statistic sets) to CloudWatch, in seconds
     * (SLUICE_METRICS_PUBLISH_SECONDS; default 10, so an alarm sees a minute's data early; 0 sends none).
     */
    readonly metricsPublishSeconds: number;
    /**
     * The session timeout of the Kafka mappings' consumers, in ms (SLUICE_KAFKA_SESSION_TIMEOUT_MS; default
     * 6000, the broker's group.min.session.timeout.ms): how long the group waits for a member that stopped
     * heartbeating (a SIGKILLed service) before its partitions go to the others — what a restart after a crash
     * waits. Heartbeats go every third of it from the fetch loop, which never waits for an invocation, so a
     * slow batch does not cost a live consumer its partitions. A graceful stop leaves the group at once.
     */
    readonly kafkaSessionTimeoutMs: number;
    /**
     * A file the Kafka mappings append one JSON line to before each invocation: the function and the offsets it is
     * handed (SLUICE_DELIVERY_LOG; unset, the default: no log). The chaos job counts records delivered more than once
     * from it; a line is written before the invoke, so a delivery the service was killed during is counted too.
     */
    readonly deliveryLog?: string;
  };
}

/** The broker's default group.min.session.timeout.ms and group.max.session.timeout.ms: it refuses a join outside. */
export const KAFKA_SESSION_TIMEOUT_RANGE_MS = { min: 6_000, max: 1_800_000 } as const;

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return value;
}

/** The largest local cluster: each node is a JVM of SLUICE_KAFKA_HEAP. */
export const MAX_KAFKA_BROKERS = 5;
/** Node n's ports are the base ports + (n-1) * this. */
export const KAFKA_NODE_PORT_STRIDE = 10;
/** The file in the Kafka data directory that records the cluster size (and id) the storage was formatted with. */
export const KAFKA_CLUSTER_FILE = "cluster.json";

export function kafkaBrokersFromValue(raw: string, name: string): number {
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= 1 && value <= MAX_KAFKA_BROKERS)) {
    throw new Error(`${name} must be a whole number of Kafka nodes from 1 to ${MAX_KAFKA_BROKERS}, got "${raw}"`);
  }
  return value;
}

/**
 * The cluster size the data in dataDir was formatted with: cluster.json's, or 1 for a data directory formatted
 * before that file existed (single broker only then); undefined when nothing was formatted yet.
 */
export function formattedKafkaBrokers(dataDir: string): number | undefined {
  const file = join(dataDir, KAFKA_CLUSTER_FILE);
  if (existsSync(file)) {
    let brokers: unknown;
    try {
      brokers = (JSON.parse(readFileSync(file, "utf8")) as { brokers?: unknown }).brokers;
    } catch (error) {
      throw new Error(`${file} is not JSON; delete ${dataDir} to start Kafka afresh`, { cause: error });
    }
    return kafkaBrokersFromValue(String(brokers), file);
  }
  return existsSync(join(dataDir, "data", "meta.properties")) ? 1 : undefined;
}

/** Node nodeId's (1-based) broker and controller ports: the base ports for node 1, then every tenth port. */
export function kafkaNodePorts(
  base: { readonly port: number; readonly controllerPort: number },
  nodeId: number,
): { port: number; controllerPort: number } {
  const offset = (nodeId - 1) * KAFKA_NODE_PORT_STRIDE;
  return { port: base.port + offset, controllerPort: base.controllerPort + offset };
}

/** Refuses, by name, base ports whose per-node series leave the port range or collide with each other. */
function checkKafkaPorts(port: number, controllerPort: number, brokers: number): void {
  const last = kafkaNodePorts({ port, controllerPort }, brokers);
  if (last.port > 65535 || last.controllerPort > 65535) {
    throw new Error(
      `KAFKA_PORT=${port} / KAFKA_CONTROLLER_PORT=${controllerPort}: node ${brokers} would listen above 65535 ` +
        `(node n uses the base port + ${(brokers - 1) * KAFKA_NODE_PORT_STRIDE} at most); choose lower ports`,
    );
  }
  const brokerPorts = new Set(
    Array.from({ length: brokers }, (_, i) => kafkaNodePorts({ port, controllerPort }, i + 1).port),
  );
  for (let n = 1; n <= brokers; n++) {
    const c = kafkaNodePorts({ port, controllerPort }, n).controllerPort;
    if (brokerPorts.has(c)) {
      throw new Error(
        `KAFKA_CONTROLLER_PORT=${controllerPort} collides with KAFKA_PORT=${port} for ${brokers} Kafka nodes ` +
          `(node n uses each + (n-1)*${KAFKA_NODE_PORT_STRIDE}; port ${c} would be both): choose a controller port ` +
          `that is not KAFKA_PORT plus a multiple of ${KAFKA_NODE_PORT_STRIDE}`,
      );
    }
  }
}

function flagFromEnv(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw new Error(`${name} must be "1" or "0", got "${raw}"`);
}

function millisecondsFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`${name} must be a number of milliseconds, got "${raw}"`);
  }
  return value;
}

function secondsFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`${name} must be a number of seconds (0 or more), got "${raw}"`);
  }
  return value;
}

function sessionTimeoutFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  const { min, max } = KAFKA_SESSION_TIMEOUT_RANGE_MS;
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new Error(
      `${name} must be a whole number of milliseconds from ${min} to ${max} (the broker's group session bounds), got "${raw}"`,
    );
  }
  return value;
}

function absolutePathFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = stringFromEnv(env, name);
  if (raw === undefined) return undefined;
  if (!isAbsolute(raw)) throw new Error(`${name} must be an absolute file path, got "${raw}"`);
  return raw;
}

/** A Java heap size as -Xmx takes it: a whole number with m or g (512m, 1g). */
function javaHeapFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[1-9]\d*[mMgG]$/.test(raw))
    throw new Error(`${name} must be a Java heap size such as 512m or 2g, got "${raw}"`);
  return raw;
}

function stringFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw;
}

export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  // A bundled copy (the Lambda service daemon) is told where the repository is.
  const root = resolve(env.SLUICE_ROOT ?? join(__dirname, ".."));
  const stateDir = resolve(env.SLUICE_STATE_DIR ?? join(root, ".local"));
  const cacheDir = resolve(env.SLUICE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "sluice"));
  const host = "127.0.0.1";
  const endpointPort = intFromEnv(env, "SLUICE_PORT", 4566);
  const lsPort = intFromEnv(env, "LOCALSTACK_PORT", 4567);
  const kafkaPort = intFromEnv(env, "KAFKA_PORT", 9092);
  const controllerPort = intFromEnv(env, "KAFKA_CONTROLLER_PORT", 9093);
  const samplePort = intFromEnv(env, "SAMPLE_WEB_PORT", 4580);
  const kafkaDataDir = join(stateDir, "kafka");
  const formattedBrokers = formattedKafkaBrokers(kafkaDataDir);
  const requestedBrokers = stringFromEnv(env, "SLUICE_KAFKA_BROKERS");
  const brokers =
    requestedBrokers === undefined
      ? (formattedBrokers ?? 1)
      : kafkaBrokersFromValue(requestedBrokers.trim(), "SLUICE_KAFKA_BROKERS (or --brokers)");
  checkKafkaPorts(kafkaPort, controllerPort, brokers);
  const brokerList = Array.from(
    { length: brokers },
    (_, i) => `${host}:${kafkaNodePorts({ port: kafkaPort, controllerPort }, i + 1).port}`,
  );
  const sources = env.SLUICE_SOURCES ?? "sample";
  if (sources !== "sample" && sources !== "live") {
    throw new Error(`SLUICE_SOURCES must be "sample" or "live", got "${sources}"`);
  }
  return {
    root,
    stateDir,
    cacheDir,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    accountId: "000000000000",
    stackPrefix: env.SLUICE_STACK_PREFIX ?? stringOrUndefined(cdkJsonContext(root)["sluice:stackPrefix"]) ?? "sluice",
    assemblyDir: resolve(env.SLUICE_ASSEMBLY_DIR ?? join(stateDir, "cdk.out")),
    endpoint: { host, port: endpointPort, url: `http://${host}:${endpointPort}` },
    localstack: {
      host,
      port: lsPort,
      url: `http://${host}:${lsPort}`,
      version: env.SLUICE_LOCALSTACK_VERSION ?? "4.14.0",
      venvDir: join(stateDir, "venv"),
      dataDir: join(stateDir, "localstack"),
      saveSeconds: secondsFromEnv(env, "SLUICE_LOCALSTACK_SAVE_SECONDS", 5),
    },
    kafka: {
      version: env.SLUICE_KAFKA_VERSION ?? "4.3.1",
      host,
      port: kafkaPort,
      controllerPort,
      brokers,
      ...optional("formattedBrokers", formattedBrokers),
      brokerList,
      bootstrapServers: brokerList.join(","),
      dataDir: kafkaDataDir,
      heap: env.SLUICE_KAFKA_HEAP ?? "512m",
    },
    dynamodbLocalVersion: env.SLUICE_DYNAMODB_LOCAL_VERSION ?? "2.6.1",
    dynamodbHeap: javaHeapFromEnv(env, "SLUICE_DYNAMODB_HEAP", "1g"),
    logDir: join(stateDir, "logs"),
    runDir: join(stateDir, "run"),
    sources,
    sampleWeb: { host, port: samplePort, url: `http://${host}:${samplePort}` },
    lambdaService: {
      testClock: flagFromEnv(env, "SLUICE_TEST_CLOCK"),
      ...optional("schedulerRetryDelayMs", millisecondsFromEnv(env, "SLUICE_SCHEDULER_RETRY_DELAY_MS")),
      ...optional("asyncRetryDelaysMs", stringFromEnv(env, "SLUICE_ASYNC_RETRY_DELAYS_MS")),
      ...optional("deliveryLog", absolutePathFromEnv(env, "SLUICE_DELIVERY_LOG")),
      metricsPublishSeconds: secondsFromEnv(env, "SLUICE_METRICS_PUBLISH_SECONDS", 10),
      kafkaSessionTimeoutMs: sessionTimeoutFromEnv(
        env,
        "SLUICE_KAFKA_SESSION_TIMEOUT_MS",
        KAFKA_SESSION_TIMEOUT_RANGE_MS.min,
      ),
    },
  };
}

/**
 * The configuration of a Lambda service beside base's (a test's or the benchmark's own): base's Kafka,
 * LocalStack, region and root; its own state directory (logs, run dir), assembly directory and endpoint port.
 *
 * Built by overriding base explicitly rather than only through loadLocalConfig(env): loadLocalConfig reads
 * the port variables (SLUICE_PORT …) from process.env, not from the env it is given.
 */
export function separateServiceConfig(
  base: LocalConfig,
  options: { readonly stateDir: string; readonly assemblyDir: string; readonly port: number },
): LocalConfig {
  const own = loadLocalConfig({
    ...process.env,
    SLUICE_ROOT: base.root,
    SLUICE_STATE_DIR: options.stateDir,
    SLUICE_ASSEMBLY_DIR: options.assemblyDir,
    SLUICE_PORT: String(options.port),
  });
  const host = base.endpoint.host;
  return {
    ...base,
    stateDir: own.stateDir,
    assemblyDir: own.assemblyDir,
    logDir: own.logDir,
    runDir: own.runDir,
    endpoint: { host, port: options.port, url: `http://${host}:${options.port}` },
  };
}

/** { key: value }, or nothing when value is undefined (the config's optional fields stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
