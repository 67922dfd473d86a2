/**
 * LocalStack community, run on the host without Docker.
 *
 * - `localstack-core` (cfg.localstack.version, pinned with the dependency versions it was released with)
 *   is installed with pip into a project-local virtualenv (cfg.localstack.venvDir) and started as
 *   `python -m localstack.runtime.main` with FILESYSTEM_ROOT = cfg.localstack.dataDir.
 * - DynamoDB is served by AWS's DynamoDB Local, assembled and linked by dynamodb-local.ts; LocalStack
 *   starts it on the first DynamoDB request.
 * - LocalStack community keeps all state in memory: a restart starts empty (DynamoDB Local's files live
 *   under `<FILESYSTEM_ROOT>/tmp`, which LocalStack clears on shutdown and we clear before a start).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { LocalConfig } from "../config";
import { readMarker, writeMarker } from "../support/install-marker";
import { portIsFree } from "../support/ports";
import {
  isAlive,
  MissingPrerequisiteError,
  readCmdline,
  run,
  runningPid,
  spawnDaemon,
  stopDaemon,
  tail,
  waitFor,
} from "../support/proc";
import {
  checkDynamoDbLocalPrerequisites,
  dynamoDbAnswers,
  dynamoDbLocalIsCurrent,
  installDynamoDbLocal,
  stopDynamoDbLocal,
} from "./dynamodb-local";

// ---------------------------------------------------------------------------------------------
// Fixed choices

/**
 * The services LocalStack loads (SERVICES, strict). CloudFormation, IAM, STS, SSM and S3 are what a CDK
 * bootstrap and deploy need (the bootstrap's ECR repository is a CloudFormation-only mock in community and
 * needs no ECR service); the rest are what the pipelines use or may use (on-failure destinations, keys,
 * schedules, metrics). LocalStack adds dependencies itself: dynamodbstreams and kinesis for dynamodb,
 * lambda for secretsmanager. Services load lazily, so an unused one costs nothing.
 */
export const LOCALSTACK_SERVICES = [
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
] as const;

/** localstack-core 4.x uses Python 3.12 syntax (PEP 695) although its metadata says >=3.10. */
const MIN_PYTHON: [number, number] = [3, 12];

/**
 * The versions LocalStack 4.14.0 was released and tested with (its requirements-runtime.txt, the
 * `runtime` extra resolved). Without them pip picks newer releases that break it (cbor2 6 removed the
 * module LocalStack imports). Applied only when cfg.localstack.version is 4.14.0.
 */
const PINNED_VERSION = "4.14.0";
const PINS_4_14_0 = `
airspeed-ext==0.6.9 annotated-types==0.7.0 antlr4-python3-runtime==4.13.2 apispec==6.9.0 argparse==1.4.0
asn1crypto==1.5.1 attrs==25.4.0 aws-sam-translator==1.107.0 aws-xray-sdk==2.15.0 awscli==1.44.44 awscrt==0.31.2
boto3==1.42.54 botocore==1.42.54 cachetools==7.0.1 cbor2==5.8.0 certifi==2026.1.4 cffi==2.0.0 cfn-lint==1.45.0
charset-normalizer==3.4.4 click==8.3.1 colorama==0.4.6 constantly==23.10.4 crontab==1.0.5 cryptography==46.0.5
decorator==5.2.1 dill==0.3.6 dnslib==0.9.26 dnspython==2.8.0 docker==7.1.0 docutils==0.19 events==0.5
graphql-core==3.2.7 grpcio==1.78.1 h11==0.16.0 h2==4.3.0 hpack==4.1.0 hypercorn==0.18.0 hyperframe==6.1.0
hyperlink==21.0.0 idna==3.11 incremental==24.11.0 isodate==0.7.2 jinja2==3.1.6 jmespath==1.1.0 joserfc==1.6.2
jpype1==1.6.0 jsonpatch==1.33 jsonpath-ng==1.7.0 jsonpath-rw==1.4.0 jsonpointer==3.0.0 jsonschema==4.26.0
jsonschema-path==0.3.4 jsonschema-specifications==2025.9.1 kclpy-ext==3.0.5 lazy-object-proxy==1.12.0
localstack-twisted==25.5.0 markdown-it-py==4.0.0 markupsafe==3.0.3 mdurl==0.1.2 more-itertools==10.8.0
moto-ext==5.1.24 mpmath==1.3.0 multipart==1.3.0 networkx==3.6.1 openapi-core==0.22.0
openapi-schema-validator==0.6.3 openapi-spec-validator==0.7.2 opensearch-protobufs==0.19.0 opensearch-py==3.1.0
packaging==26.0 pathable==0.4.4 plux==1.14.0 ply==3.11 priority==1.3.0 protobuf==6.33.5 psutil==7.2.2
py-partiql-parser==0.6.3 pyasn1==0.6.2 pycparser==3.0 pydantic==2.12.5 pydantic-core==2.41.5 pygments==2.19.2
pymongo==4.16.0 pyopenssl==25.3.0 pyparsing==3.3.2 python-dateutil==2.9.0.post0 python-dotenv==1.2.1
pyyaml==6.0.3 readerwriterlock==1.0.9 referencing==0.36.2 regex==2026.2.19 requests==2.32.5
requests-aws4auth==1.3.1 responses==0.26.0 rfc3339-validator==0.1.4 rich==14.3.3 rolo==0.8.1 rpds-py==0.30.0
rsa==4.7.2 s3transfer==0.16.0 semver==3.0.4 six==1.17.0 sympy==1.14.0 typing-extensions==4.15.0
typing-inspection==0.4.2 urllib3==2.6.3 werkzeug==3.1.6 wrapt==2.1.1 wsproto==1.3.2 xmltodict==1.0.4 zope-interface==8.2
`
  .trim()
  .split(/\s+/);

const INSTALL_MARKER = ".sluice-install.json";

const HOW_PYTHON =
  "LocalStack needs Python 3.12 or newer with its venv module: e.g. `pyenv install 3.13` " +
  "(or your distribution's python3.12/python3.13 and its -venv package), or set SLUICE_PYTHON to such an interpreter.";

// ---------------------------------------------------------------------------------------------
// Paths

function paths(cfg: LocalConfig) {
  const root = cfg.localstack.dataDir; // FILESYSTEM_ROOT
  return {
    root,
    venv: cfg.localstack.venvDir,
    venvPython: join(cfg.localstack.venvDir, "bin", "python"),
    venvMarker: join(cfg.localstack.venvDir, INSTALL_MARKER),
    constraints: join(cfg.localstack.venvDir, "localstack-constraints.txt"),
    tmp: join(root, "tmp"),
    pidFile: join(cfg.runDir, "localstack.pid"),
    logFile: join(cfg.logDir, "localstack.log"),
  };
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

interface Python {
  readonly path: string;
  readonly version: string;
}

function probePython(path: string): Python | undefined {
  const result = spawnSync(path, ["-c", "import sys, venv, ensurepip; print('%d.%d.%d' % sys.version_info[:3])"], {
    encoding: "utf8",
  });
  if (result.error || result.status !== 0) return undefined;
  const version = result.stdout.trim();
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) return undefined;
  return { path, version };
}

function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A Python ≥ 3.12 with venv: SLUICE_PYTHON if set; otherwise python3 on PATH, pyenv's installed versions
 * (probed directly: pyenv's shims fail, slowly, for versions that are not active) and python3.1x on PATH,
 * preferring 3.13 or 3.12 (what the pinned wheels exist for) over newer ones.
 */
function findPython(): Python {
  const explicit = process.env.SLUICE_PYTHON;
  if (explicit) {
    const found = probePython(explicit);
    if (found) return found;
    throw new MissingPrerequisiteError(
      `Python ≥ ${MIN_PYTHON.join(".")} (SLUICE_PYTHON=${explicit} is not one)`,
      HOW_PYTHON,
    );
  }
  const candidates = ["python3"];
  const pyenvVersions = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  if (existsSync(pyenvVersions)) {
    const versions = readdirSync(pyenvVersions)
      .filter((v) => /^3\.\d+\.\d+$/.test(v))
      .sort(compareVersionsDesc);
    candidates.push(...versions.map((v) => join(pyenvVersions, v, "bin", "python3")));
  }
  candidates.push("python3.13", "python3.12", "python3.14");
  const probed = new Map<string, Python | undefined>();
  const probe = (candidate: string): Python | undefined => {
    if (!probed.has(candidate)) probed.set(candidate, probePython(candidate));
    return probed.get(candidate);
  };
  for (const preferred of [true, false]) {
    for (const candidate of candidates) {
      if (preferred && /^python3\.\d+$/.test(candidate) && !/^python3\.1[23]$/.test(candidate)) continue;
      const found = probe(candidate);
      if (found && (!preferred || /^3\.1[23]\./.test(found.version))) return found;
    }
  }
  throw new MissingPrerequisiteError(`Python ≥ ${MIN_PYTHON.join(".")} with the venv module`, HOW_PYTHON);
}

/** Python ≥ 3.12 (with venv), and Java ≥ 17 and Maven for DynamoDB Local; throws MissingPrerequisiteError saying how to install each. */
export function checkLocalStackPrerequisites(_cfg?: LocalConfig): void {
  findPython();
  checkDynamoDbLocalPrerequisites();
}

// ---------------------------------------------------------------------------------------------
// Install

interface VenvMarker {
  readonly localstack: string;
  readonly python: string;
  readonly pins: string;
}

function pinsFor(version: string): string[] {
  return version === PINNED_VERSION ? PINS_4_14_0 : [];
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function venvIsCurrent(cfg: LocalConfig): boolean {
  const p = paths(cfg);
  const marker = readMarker<VenvMarker>(p.venvMarker);
  return (
    marker !== undefined &&
    marker.localstack === cfg.localstack.version &&
    marker.pins === sha256(pinsFor(cfg.localstack.version).join("\n")) &&
    existsSync(p.venvPython)
  );
}

function installVenv(cfg: LocalConfig, log: (msg: string) => void): void {
  const p = paths(cfg);
  const python = findPython();
  const version = cfg.localstack.version;
  const existing = existsSync(p.venvPython) ? probePython(p.venvPython) : undefined;
  if (!existing) {
    log(`creating the LocalStack virtualenv ${p.venv} with Python ${python.version} (${python.path})…`);
    rmSync(p.venv, { recursive: true, force: true });
    mkdirSync(dirname(p.venv), { recursive: true });
    run(python.path, ["-m", "venv", p.venv], { what: "Creating the LocalStack virtualenv" });
  }
  const pins = pinsFor(version);
  const args = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input"];
  if (pins.length > 0) {
    writeFileSync(p.constraints, `${pins.join("\n")}\n`);
    args.push("-c", p.constraints);
  } else {
    log(`warning: no pinned dependency versions for localstack-core ${version}; pip resolves the newest ones`);
  }
  args.push(`localstack-core[runtime]==${version}`);
  log(`installing localstack-core ${version} with pip (first run only: about 2 minutes, ~500 MB)…`);
  run(p.venvPython, args, { what: `Installing localstack-core ${version}` });
  const installed = probePython(p.venvPython);
  const marker: VenvMarker = {
    localstack: version,
    python: installed?.version ?? "?",
    pins: sha256(pins.join("\n")),
  };
  writeMarker(p.venvMarker, marker);
}

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
export function localStackEnv(cfg: LocalConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
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
  };
}

/** The pid in the pid file if that process is alive and is LocalStack (not a recycled pid). */
function localStackPid(cfg: LocalConfig): number | undefined {
  const pid = runningPid(paths(cfg).pidFile);
  if (pid === undefined) return undefined;
  const cmdline = readCmdline(pid);
  return cmdline === undefined || cmdline.includes("localstack.runtime.main") ? pid : undefined;
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
    cmd: p.venvPython,
    args: ["-m", "localstack.runtime.main"],
    env: localStackEnv(cfg),
    cwd: cfg.localstack.dataDir,
    logFile: p.logFile,
    pidFile: p.pidFile,
  });
  try {
    await waitUntilReady(cfg, pid);
  } catch (error) {
    await stopLocalStack(cfg);
    throw error;
  }
  return { alreadyRunning: false };
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
