/**
 * A second local Lambda service instance for the benchmark: its own state directory, assembly and port,
 * the stack's LocalStack and Kafka. Plus the few Lambda API calls the benchmark makes, with plain fetch.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type LocalConfig, separateServiceConfig } from "#local/config";
import {
  lambdaServiceStatus,
  serviceLogFile,
  startLambdaService,
  stopLambdaService,
} from "#local/lambda-service/daemon";
import type { ServiceStatus } from "#local/lambda-service/service";
import { freePort } from "#local/support/ports";
import { readPid } from "#local/support/proc";
import { sleep } from "./stats";

/**
 * The bench's own instance: its state, assembly and port under `dir`, the stack's Kafka and LocalStack
 * (separateServiceConfig, as the integration tests' services).
 */
export async function instanceConfig(base: LocalConfig, dir: string, port?: number): Promise<LocalConfig> {
  return separateServiceConfig(base, {
    stateDir: dir,
    assemblyDir: join(dir, "cdk.out"),
    port: port ?? (await freePort(base.endpoint.host)),
  });
}

export const servicePid = (cfg: LocalConfig): number | undefined => readPid(join(cfg.runDir, "lambda-service.pid"));

export interface ServiceStart {
  /** Spawn → the endpoint answering (startLambdaService's own measurement, 20 ms polling). */
  readonly spawnToAnswerMs: number;
  /** The service's "ready" log line: measured in-process, includes loading the assembly. */
  readonly readyLineMs?: number;
  readonly pid?: number;
}

interface ReadyLine {
  readonly message?: string;
  readonly startMs?: number;
}

/** The startMs of the first "ready" line logged after byte offset `from` of the service log. */
function readyStartMs(cfg: LocalConfig, from: number): number | undefined {
  const file = serviceLogFile(cfg);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file).subarray(from).toString("utf8");
  for (const line of text.split("\n")) {
    if (!line.includes('"ready"')) continue;
    try {
      const parsed = JSON.parse(line) as ReadyLine;
      if (parsed.message === "ready" && typeof parsed.startMs === "number") return parsed.startMs;
    } catch {
      /* not a JSON line */
    }
  }
  return undefined;
}

/** Starts the instance (it must not be running) and waits for its "ready" line. */
export async function startInstance(
  cfg: LocalConfig,
  log: (m: string) => void,
  sources?: string,
): Promise<ServiceStart> {
  const file = serviceLogFile(cfg);
  const offset = existsSync(file) ? statSync(file).size : 0;
  const started = await startLambdaService(cfg, log, sources);
  if (started.alreadyRunning) throw new Error(`a Lambda service already runs at ${cfg.endpoint.url}`);
  let readyLineMs: number | undefined;
  const deadline = Date.now() + 60_000;
  while (readyLineMs === undefined && Date.now() < deadline) {
    readyLineMs = readyStartMs(cfg, offset);
    if (readyLineMs === undefined) await sleep(20);
  }
  return { spawnToAnswerMs: started.startMs, readyLineMs, pid: servicePid(cfg) };
}

export const stopInstance = (cfg: LocalConfig): Promise<boolean> => stopLambdaService(cfg);

export async function instanceStatus(cfg: LocalConfig): Promise<ServiceStatus> {
  const status = await lambdaServiceStatus(cfg);
  if (!status) throw new Error(`the bench Lambda service does not answer at ${cfg.endpoint.url}`);
  return status;
}

export async function reloadInstance(cfg: LocalConfig): Promise<ServiceStatus> {
  const res = await fetch(`${cfg.endpoint.url}/_sluice/reload`, { method: "POST" });
  if (!res.ok) throw new Error(`reload failed (HTTP ${res.status}): ${await res.text()}`);
  return (await res.json()) as ServiceStatus;
}

export interface InvokeOutcome {
  readonly ms: number;
  readonly status: number;
  readonly body: string;
  readonly functionError?: string;
  /** "Init Duration" of REPORT (or initDurationMs of platform.report), when the tail was asked for on a cold start. */
  readonly initDurationMs?: number;
}

/** One synchronous invoke through the Lambda REST API; ms is the client-side round trip. */
export async function invoke(
  cfg: LocalConfig,
  functionName: string,
  payload: unknown = {},
  tail = false,
): Promise<InvokeOutcome> {
  const body = JSON.stringify(payload);
  const started = performance.now();
  const res = await fetch(`${cfg.endpoint.url}/2015-03-31/functions/${functionName}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(tail ? { "x-amz-log-type": "Tail" } : {}) },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  const functionError = res.headers.get("x-amz-function-error") ?? undefined;
  const logResult = res.headers.get("x-amz-log-result");
  const init = logResult
    ? /Init Duration: ([\d.]+) ms|"initDurationMs":([\d.]+)/
        .exec(Buffer.from(logResult, "base64").toString("utf8"))
        ?.slice(1)
        .find((group) => group !== undefined)
    : undefined;
  return {
    ms,
    status: res.status,
    body: text,
    ...(functionError ? { functionError } : {}),
    ...(init ? { initDurationMs: Number(init) } : {}),
  };
}

export async function setMappingEnabled(cfg: LocalConfig, uuid: string, enabled: boolean): Promise<void> {
  const res = await fetch(`${cfg.endpoint.url}/2015-03-31/event-source-mappings/${uuid}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ Enabled: enabled }),
  });
  if (!res.ok) throw new Error(`UpdateEventSourceMapping failed (HTTP ${res.status}): ${await res.text()}`);
}

/** Waits until the mapping reports state (e.g. "Enabled": the consumer joined its group). */
export async function waitForMappingState(cfg: LocalConfig, uuid: string, state: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await instanceStatus(cfg);
    const m = status.mappings.find((x) => x.uuid === uuid);
    if (m?.metrics.state === state) return;
    if (Date.now() > deadline) {
      throw new Error(`mapping ${uuid} did not reach ${state} within ${timeoutMs} ms (${m?.metrics.state})`);
    }
    await sleep(20);
  }
}
