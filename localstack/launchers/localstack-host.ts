/**
 * LocalStack community, run on the host without Docker.
 *
 * - `localstack-core` is installed into a virtualenv by localstack-venv.ts and started here as
 *   `python -m localstack.runtime.main` with FILESYSTEM_ROOT = cfg.localstack.dataDir.
 * - DynamoDB is served by AWS's DynamoDB Local, assembled and linked by dynamodb-local.ts; LocalStack
 *   starts it on the first DynamoDB request.
 * - LocalStack community keeps all state in memory; it is started through `persistence/run_localstack.py`, which
 *   saves every service's state under `<FILESYSTEM_ROOT>/state` and loads it on the next start, with PERSISTENCE=1 so
 *   DynamoDB Local keeps its tables on disk (localstack-state.ts says where and reads the reports).
 *   `<FILESYSTEM_ROOT>/tmp` (S3's spooled object files, scratch) is cleared before a start.
 */

import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { LocalConfig } from "../config";
import { portIsFree } from "../support/ports";
import { isAlive, readCmdline, runningPid, spawnDaemon, stopDaemon, tail, waitFor } from "../support/proc";
import {
  checkDynamoDbLocalPrerequisites,
  dynamoDbAnswers,
  dynamoDbLocalIsCurrent,
  installDynamoDbLocal,
  stopDynamoDbLocal,
} from "./dynamodb-local";
import {
  formatRestore,
  localStackStatePaths,
  persistenceEnv,
  type RestoreReport,
  readRestoreReport,
} from "./localstack-state";
import { findPython, installVenv, venvIsCurrent, venvPython } from "./localstack-venv";

// ---------------------------------------------------------------------------------------------
// Fixed choices

/**
 * The services LocalStack loads (SERVICES, strict). CloudFormation, IAM, STS, SSM and S3 are what a CDK
 * bootstrap and deploy need (the bootstrap's ECR repository is a CloudFormation-only mock in community and
 * needs no ECR service); the rest are what the pipelines use or may use (on-failure destinations, keys,
 * schedules, metrics, alarm notifications: SNS hands email subscriptions to SES, whose sent mail LocalStack keeps at
 * /_aws/ses). LocalStack adds dependencies itself: dynamodbstreams and kinesis for dynamodb,
 * lambda for secretsmanager. Services load lazily, so an unused one costs nothing.
 */
const LOCALSTACK_SERVICES = [
  "s3",
  "dynamodb",
  "secretsmanager",
  "logs",
  "cloudformation",
  "iam",
  "sts",
  "ssm",
  "sqs",
  "sns",
  "kms",
  "events",
  "cloudwatch",
  "ses",
] as const;

function paths(cfg: LocalConfig) {
  const root = cfg.localstack.dataDir; // FILESYSTEM_ROOT
  return {
    root,
    tmp: join(root, "tmp"),
    pidFile: join(cfg.runDir, "localstack.pid"),
    logFile: join(cfg.logDir, "localstack.log"),
  };
}

/** Python ≥ 3.12 (with venv), and Java ≥ 17 and Maven for DynamoDB Local; throws MissingPrerequisiteError saying how to install each. */
export function checkLocalStackPrerequisites(_cfg?: LocalConfig): void {
  findPython();
  checkDynamoDbLocalPrerequisites();
}

// ---------------------------------------------------------------------------------------------
// Install

/**
 * Creates the virtualenv with the pinned localstack-core and assembles DynamoDB Local. Idempotent: when all
 * is in place it only reads two marker files and two links.
 */
export async function installLocalStack(cfg: LocalConfig, log: (msg: string) => void): Promise<void> {
  const venvOk = venvIsCurrent(cfg);
  if (venvOk && dynamoDbLocalIsCurrent(cfg)) return;
  checkLocalStackPrerequisites();
  if (!venvOk) installVenv(cfg, log);
  installDynamoDbLocal(cfg, log);
}

// ---------------------------------------------------------------------------------------------
// Run

/** The environment LocalStack runs with. */
function localStackEnv(cfg: LocalConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    // Client-side endpoint overrides would point LocalStack's own internal clients at itself in odd ways.
    if (key.startsWith("AWS_ENDPOINT_URL")) continue;
    env[key] = value;
  }
  const hostPort = `${cfg.localstack.host}:${cfg.localstack.port}`;
  return {
    ...env,
    // This machine may itself be a container (/.dockerenv): LocalStack would then use container paths
    // (/var/lib/localstack, /tmp/localstack) instead of FILESYSTEM_ROOT.
    OVERRIDE_IN_DOCKER: "0",
    FILESYSTEM_ROOT: cfg.localstack.dataDir,
    GATEWAY_LISTEN: hostPort,
    // Host name LocalStack writes into URLs it returns (queue URLs, S3 locations): the default
    // (localhost.localstack.cloud) needs public DNS.
    LOCALSTACK_HOST: hostPort,
    SQS_ENDPOINT_STRATEGY: "path",
    SERVICES: LOCALSTACK_SERVICES.join(","),
    SKIP_SSL_CERT_DOWNLOAD: "1",
    DISABLE_EVENTS: "1",
    DNS_ADDRESS: "0",
    PYTHONUNBUFFERED: "1",
    DYNAMODB_HEAP_SIZE: cfg.dynamodbHeap,
    ...persistenceEnv(cfg),
  };
}

/** The pid in the pid file if that process is alive and is LocalStack (not a recycled pid). */
function localStackPid(cfg: LocalConfig): number | undefined {
  const pid = runningPid(paths(cfg).pidFile);
  if (pid === undefined) return undefined;
  const cmdline = readCmdline(pid);
  const ours = (c: string): boolean => c.includes("run_localstack.py") || c.includes("localstack.runtime.main");
  return cmdline === undefined || ours(cmdline) ? pid : undefined;
}

async function fetchHealth(cfg: LocalConfig, timeoutMs = 2_000): Promise<Record<string, string> | undefined> {
  try {
    const response = await fetch(`${cfg.localstack.url}/_localstack/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { services?: Record<string, string> };
    return body.services && typeof body.services === "object" ? body.services : undefined;
  } catch {
    return undefined;
  }
}

function servicesReady(services: Record<string, string>): boolean {
  return LOCALSTACK_SERVICES.every((name) => services[name] === "available" || services[name] === "running");
}

/**
 * Starts LocalStack unless it is already running, and returns once the needed services report available and
 * DynamoDB (DynamoDB Local behind LocalStack) answers. Installs first if needed (instant when installed).
 */
export async function startLocalStack(
  cfg: LocalConfig,
  log: (msg: string) => void,
): Promise<{ alreadyRunning: boolean }> {
  const p = paths(cfg);
  const existing = localStackPid(cfg);
  if (existing !== undefined) {
    const services = await fetchHealth(cfg);
    if (services && servicesReady(services)) return { alreadyRunning: true };
    log(`LocalStack (pid ${existing}) is running but not healthy yet; waiting…`);
    await waitUntilReady(cfg, existing);
    return { alreadyRunning: true };
  }
  const foreign = await fetchHealth(cfg);
  if (foreign) {
    if (!servicesReady(foreign)) {
      const missing = LOCALSTACK_SERVICES.filter((s) => foreign[s] !== "available" && foreign[s] !== "running");
      throw new Error(
        `a LocalStack not started by sluice answers at ${cfg.localstack.url}, without these services: ${missing.join(", ")}; stop it or set LOCALSTACK_PORT`,
      );
    }
    log(`using the LocalStack already answering at ${cfg.localstack.url} (not started by sluice)`);
    return { alreadyRunning: true };
  }

  if (!(await portIsFree(cfg.localstack.host, cfg.localstack.port))) {
    // LocalStack would log the bind error and carry on, never becoming reachable.
    throw new Error(
      `port ${cfg.localstack.port} on ${cfg.localstack.host} is taken by something that is not LocalStack; free it or set LOCALSTACK_PORT`,
    );
  }
  await installLocalStack(cfg, log);
  await stopDynamoDbLocal(cfg); // left behind by a LocalStack that was killed hard
  // State of a previous run that did not shut down cleanly (LocalStack clears it on a clean shutdown).
  rmSync(p.tmp, { recursive: true, force: true });
  mkdirSync(cfg.logDir, { recursive: true });
  if (existsSync(p.logFile)) renameSync(p.logFile, `${p.logFile}.1`);

  log(`starting LocalStack ${cfg.localstack.version} at ${cfg.localstack.url}…`);
  const pid = spawnDaemon({
    name: "LocalStack",
    cmd: venvPython(cfg),
    args: [localStackStatePaths(cfg).script],
    env: localStackEnv(cfg),
    cwd: cfg.localstack.dataDir,
    logFile: p.logFile,
    pidFile: p.pidFile,
  });
  try {
    await waitUntilReady(cfg, pid);
    const restored = await waitForRestore(cfg, pid);
    for (const line of formatRestore(restored)) log(line);
  } catch (error) {
    await stopLocalStack(cfg);
    throw error;
  }
  return { alreadyRunning: false };
}

/** Waits until the persistence entry point has loaded every saved service (it starts each one) and says what it did. */
async function waitForRestore(cfg: LocalConfig, pid: number): Promise<RestoreReport> {
  const p = paths(cfg);
  const report = await waitFor(
    "LocalStack to restore its saved state",
    async () => {
      if (!isAlive(pid)) return "died" as const;
      return readRestoreReport(cfg, pid);
    },
    { timeoutMs: 120_000, intervalMs: 250, onTimeout: () => `last lines of ${p.logFile}:\n${tail(p.logFile)}` },
  );
  if (report === "died")
    throw new Error(`LocalStack exited while restoring its state; last lines of ${p.logFile}:\n${tail(p.logFile)}`);
  return report;
}

async function waitUntilReady(cfg: LocalConfig, pid: number): Promise<void> {
  const p = paths(cfg);
  const onTimeout = (): string => `last lines of ${p.logFile}:\n${tail(p.logFile)}`;
  const died = (): Error =>
    new Error(`LocalStack exited during startup; last lines of ${p.logFile}:\n${tail(p.logFile)}`);
  const health = await waitFor(
    "LocalStack's health endpoint to report its services available",
    async () => {
      if (!isAlive(pid)) return "died" as const;
      const services = await fetchHealth(cfg);
      return services && servicesReady(services) ? ("ok" as const) : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, onTimeout },
  );
  if (health === "died") throw died();
  const ddb = await waitFor(
    "DynamoDB (DynamoDB Local behind LocalStack) to answer ListTables",
    async () => {
      if (!isAlive(pid)) return "died" as const;
      return (await dynamoDbAnswers(cfg)) ? ("ok" as const) : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, onTimeout },
  );
  if (ddb === "died") throw died();
}

/**
 * Stops LocalStack (SIGTERM to its process group, SIGKILL after a grace period) and makes sure DynamoDB
 * Local — which LocalStack starts in a session of its own, outside that group — is gone too.
 * Returns whether anything was running.
 */
export async function stopLocalStack(cfg: LocalConfig): Promise<boolean> {
  const p = paths(cfg);
  const pid = localStackPid(cfg);
  if (pid === undefined) rmSync(p.pidFile, { force: true });
  const stopped = pid !== undefined ? await stopDaemon(p.pidFile, 20_000) : false;
  const leftovers = await stopDynamoDbLocal(cfg);
  return stopped || leftovers > 0;
}

/** Whether LocalStack runs (ours, by pid file, or any answering at cfg.localstack.url) and its services' states. */
export async function localStackStatus(
  cfg: LocalConfig,
): Promise<{ running: boolean; pid?: number; services?: Record<string, string> }> {
  const pid = localStackPid(cfg);
  const services = await fetchHealth(cfg);
  if (pid === undefined && services === undefined) return { running: false };
  return {
    running: true,
    ...(pid !== undefined ? { pid } : {}),
    ...(services !== undefined ? { services } : {}),
  };
}
