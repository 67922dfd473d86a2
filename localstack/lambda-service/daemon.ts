/** Starts, stops and asks the local Lambda service daemon (bundled once by esbuild, run by this Node). */
import { join } from "node:path";
import { buildSync } from "esbuild";
import type { LocalConfig } from "../config";
import { runningPid, spawnDaemon, stopDaemon, tail, waitFor } from "../support/proc";
import { UPSTREAM_STOPPING_PATH } from "./api/control";
import type { ScheduleRun } from "./schedules/scheduler";

/** How a client of the service checks a scheduled time before asking the service to fire at it. */
export { parseScheduledTime } from "./schedules/scheduled-event";
export type { ScheduleRun } from "./schedules/scheduler";

import type { ServiceStatus } from "./service";

const pidFile = (cfg: LocalConfig): string => join(cfg.runDir, "lambda-service.pid");
export const serviceLogFile = (cfg: LocalConfig): string => join(cfg.logDir, "lambda.log");

/** The service's status, or undefined when nothing answers at the endpoint. */
export async function lambdaServiceStatus(cfg: LocalConfig): Promise<ServiceStatus | undefined> {
  try {
    const res = await fetch(`${cfg.endpoint.url}/_sluice/status`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as ServiceStatus) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells the service, when it runs, that LocalStack is about to be stopped and started again, so that Kafka batches
 * failing meanwhile wait for LocalStack instead of spending their retries (UpstreamWatch). Call it before
 * `stopLocalStack` whenever the service keeps running through the stop.
 */
export async function announceLocalStackStop(cfg: LocalConfig): Promise<void> {
  await fetch(`${cfg.endpoint.url}${UPSTREAM_STOPPING_PATH}`, { method: "POST", signal: AbortSignal.timeout(2000) })
    .then((res) => res.arrayBuffer())
    .catch(() => undefined); // not running: nobody to tell
}

export async function reloadLambdaService(cfg: LocalConfig): Promise<ServiceStatus> {
  const res = await fetch(`${cfg.endpoint.url}/_sluice/reload`, {
    method: "POST",
    signal: AbortSignal.timeout(120_000),
  });
  if (!res.ok) throw new Error(`the Lambda service did not reload (HTTP ${res.status}): ${await res.text()}`);
  return (await res.json()) as ServiceStatus;
}

/**
 * Fires a schedule or scheduled rule of the service now (POST /_sluice/schedules/<name>/run), as if due at `at`
 * (an ISO instant; default now).
 */
export async function runSchedule(cfg: LocalConfig, name: string, at?: string): Promise<ScheduleRun> {
  const res = await fetch(`${cfg.endpoint.url}/_sluice/schedules/${encodeURIComponent(name)}/run`, {
    method: "POST",
    body: JSON.stringify(at === undefined ? {} : { at }),
    headers: { "content-type": "application/json" },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok)
    throw new Error(`the Lambda service did not fire schedule ${name} (HTTP ${res.status}): ${await res.text()}`);
  return (await res.json()) as ScheduleRun;
}

/**
 * Builds the service and its worker bootstrap and starts it. `sources`: the directory holding the service's
 * `main.ts` and `worker.ts` (default: this one); the benchmark points it at another commit's sources to compare
 * two versions of the service in one run.
 */
export async function startLambdaService(
  cfg: LocalConfig,
  log: (m: string) => void,
  sources: string = __dirname,
): Promise<{ alreadyRunning: boolean; startMs: number }> {
  const begin = Date.now();
  if (runningPid(pidFile(cfg)) !== undefined && (await lambdaServiceStatus(cfg))) {
    return { alreadyRunning: true, startMs: 0 };
  }
  // The service and, beside it, the worker bootstrap its executor looks for next to itself.
  const bundle = join(cfg.runDir, "lambda-service.js");
  const build = (entry: string, outfile: string, external: boolean): void => {
    buildSync({
      entryPoints: [join(sources, entry)],
      outfile,
      bundle: true,
      platform: "node",
      target: "node18",
      format: "cjs",
      // import() of an external package must become require(): the ESM resolver ignores NODE_PATH.
      ...(external
        ? { packages: "external" as const, sourcemap: "inline" as const, supported: { "dynamic-import": false } }
        : {}),
      logLevel: "error",
    });
  };
  build("main.ts", bundle, true);
  // Self-contained: it runs inside each function's sandbox, on the function's Node.js.
  build("worker.ts", join(cfg.runDir, "lambda-worker.js"), false);
  const spawnedAt = Date.now();
  const pid = spawnDaemon({
    name: "Lambda service",
    cmd: process.execPath,
    args: ["--enable-source-maps", bundle],
    env: {
      // Inherited as they are: the service's own settings (SLUICE_TEST_CLOCK, SLUICE_SCHEDULER_RETRY_DELAY_MS,
      // SLUICE_ASYNC_RETRY_DELAYS_MS …), which its loadLocalConfig reads, reach it from the caller's environment.
      ...process.env,
      NODE_PATH: join(cfg.root, "node_modules"),
      // Node 22 caches compiled modules across starts (Node 20 ignores it).
      NODE_COMPILE_CACHE: join(cfg.runDir, "compile-cache"),
      SLUICE_ROOT: cfg.root,
      SLUICE_STATE_DIR: cfg.stateDir,
      SLUICE_ASSEMBLY_DIR: cfg.assemblyDir,
      SLUICE_PORT: String(cfg.endpoint.port),
      LOCALSTACK_PORT: String(cfg.localstack.port),
      KAFKA_PORT: String(cfg.kafka.port),
      KAFKA_CONTROLLER_PORT: String(cfg.kafka.controllerPort),
      SLUICE_KAFKA_BROKERS: String(cfg.kafka.brokers),
    },
    cwd: cfg.root,
    logFile: serviceLogFile(cfg),
    pidFile: pidFile(cfg),
  });
  await waitFor("the local Lambda service", async () => (await lambdaServiceStatus(cfg)) ?? undefined, {
    timeoutMs: 30_000,
    intervalMs: 20,
    onTimeout: () => tail(serviceLogFile(cfg)),
  });
  const startMs = Date.now() - spawnedAt;
  log(
    `Lambda service (pid ${pid}) answering at ${cfg.endpoint.url} after ${startMs} ms (build ${spawnedAt - begin} ms)`,
  );
  return { alreadyRunning: false, startMs };
}

/** The running service's pid (from its pid file), or undefined. */
export function lambdaServicePid(cfg: LocalConfig): number | undefined {
  return runningPid(pidFile(cfg));
}

export function stopLambdaService(cfg: LocalConfig): Promise<boolean> {
  return stopDaemon(pidFile(cfg), 30_000);
}
