/**
 * A second local Lambda service for a test: its own state directory (pid file, logs, run dir with the
 * bundled service and worker), its own assembly and endpoint port, and the main stack's Kafka and
 * LocalStack. It runs as a real daemon (localstack/lambda-service/daemon.ts), so a test can SIGKILL it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { type LocalConfig, loadLocalConfig, separateServiceConfig } from "#local/config";
import {
  lambdaServiceStatus,
  reloadLambdaService,
  serviceLogFile,
  startLambdaService,
  stopLambdaService,
} from "#local/lambda-service/daemon";
import type { ServiceStatus } from "#local/lambda-service/service";
import { awsClients } from "#local/support/aws";
import { freePort } from "#local/support/ports";
import { processesWhere, readPid, tail, waitFor } from "#local/support/proc";

/** Whether pid is a live process (a zombie is not). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces and parentheses: the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return process.platform !== "linux";
  }
}

/** Live processes whose command line contains every one of needles (Linux /proc; [] elsewhere). */
function processesMatching(...needles: string[]): number[] {
  return processesWhere((cmdline) => needles.every((needle) => cmdline.includes(needle))).filter(processAlive);
}

async function until(check: () => boolean, timeoutMs: number, intervalMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return true;
}

export interface TestServiceOptions {
  /** The cloud assembly the service runs (see writeSyntheticAssembly). */
  readonly assemblyDir: string;
  /** The main stack's configuration: Kafka, LocalStack, root. Default loadLocalConfig(). */
  readonly base?: LocalConfig;
  /** Default: a fresh temporary directory, removed by dispose(). */
  readonly stateDir?: string;
  /** Default: a free port. */
  readonly port?: number;
  readonly log?: (message: string) => void;
}

export interface StopReport {
  /** The service's pid, or undefined when it was not running. */
  readonly pid: number | undefined;
  /** Its workers just before the stop (from /_sluice/status and /proc). */
  readonly workerPids: readonly number[];
  /** Workers still alive after the grace period: orphans. */
  readonly orphans: readonly number[];
  /** How long after the service's death its last worker was gone. */
  readonly workersGoneMs: number;
}

export class TestService {
  private constructor(
    readonly cfg: LocalConfig,
    private readonly ownsStateDir: boolean,
    private readonly log: (message: string) => void,
  ) {}

  static async create(options: TestServiceOptions): Promise<TestService> {
    const ownsStateDir = options.stateDir === undefined;
    const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "sluice-test-service-"));
    const base = options.base ?? loadLocalConfig();
    const port = options.port ?? (await freePort(base.endpoint.host));
    const cfg = separateServiceConfig(base, { stateDir, assemblyDir: options.assemblyDir, port });
    return new TestService(cfg, ownsStateDir, options.log ?? (() => undefined));
  }

  get pidFile(): string {
    return join(this.cfg.runDir, "lambda-service.pid");
  }

  get logFile(): string {
    return serviceLogFile(this.cfg);
  }

  /** The worker bootstrap the service's sandboxes run: its path names this service's run dir. */
  get workerScript(): string {
    return join(this.cfg.runDir, "lambda-worker.js");
  }

  /** The service's pid while it runs. */
  pid(): number | undefined {
    const pid = readPid(this.pidFile);
    return pid !== undefined && processAlive(pid) ? pid : undefined;
  }

  /** Starts the daemon (bundling it into the run dir) and waits until it answers; returns the time taken. */
  async start(): Promise<number> {
    const began = Date.now();
    await startLambdaService(this.cfg, this.log);
    return Date.now() - began;
  }

  /** Waits until the service has loaded its assembly (every mapping started or failed). */
  async loaded(timeoutMs = 120_000): Promise<ServiceStatus> {
    return waitFor(
      `the test Lambda service at ${this.cfg.endpoint.url} to load ${this.cfg.assemblyDir}`,
      async () => {
        const status = await this.status();
        if (status?.loadError) throw new Error(`assembly load error: ${status.loadError}`);
        return status?.loadedAt ? status : undefined;
      },
      { timeoutMs, intervalMs: 100, onTimeout: () => this.logTail() },
    );
  }

  status(): Promise<ServiceStatus | undefined> {
    return lambdaServiceStatus(this.cfg);
  }

  reload(): Promise<ServiceStatus> {
    return reloadLambdaService(this.cfg);
  }

  /** Live worker processes of this service (by the worker bootstrap's path in their command line). */
  workers(): number[] {
    return processesMatching(this.workerScript);
  }

  /** SIGKILLs the service (not its workers: they must go on their own) and reports on its workers. */
  async kill(workerGraceMs = 5_000): Promise<StopReport> {
    return this.halt(workerGraceMs, (pid) => {
      process.kill(pid, "SIGKILL");
      return until(() => !processAlive(pid), 10_000);
    });
  }

  /** Graceful stop (SIGTERM: in-flight batches finish and commit), and reports on its workers. */
  async stop(workerGraceMs = 5_000): Promise<StopReport> {
    return this.halt(workerGraceMs, async () => {
      await stopLambdaService(this.cfg);
      return true;
    });
  }

  private async halt(workerGraceMs: number, stop: (pid: number) => Promise<boolean>): Promise<StopReport> {
    const pid = this.pid();
    if (pid === undefined) return { pid, workerPids: [], orphans: [], workersGoneMs: 0 };
    const status = await this.status();
    const fromStatus = (status?.functions ?? []).flatMap((f) => (f.stats?.sandboxes ?? []).map((s) => s.pid));
    const workerPids = [...new Set([...fromStatus, ...this.workers()])].filter((p) => p > 0).sort((a, b) => a - b);
    if (!(await stop(pid))) throw new Error(`the test Lambda service (pid ${pid}) did not die`);
    const diedAt = Date.now();
    const gone = () => workerPids.every((p) => !processAlive(p)) && this.workers().length === 0;
    await until(gone, workerGraceMs);
    const workersGoneMs = Date.now() - diedAt;
    const orphans = [...new Set([...workerPids.filter(processAlive), ...this.workers()])];
    return { pid, workerPids, orphans, workersGoneMs };
  }

  /** The last lines of the service's log. */
  logTail(lines = 40): string {
    return `last lines of ${this.logFile}:\n${tail(this.logFile, lines)}`;
  }

  /** The service's whole log (all its runs). */
  logText(): string {
    try {
      return readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  /** Stops the service (gracefully, SIGKILL after 30 s), kills any worker of it left, removes its own state dir. */
  async dispose(): Promise<void> {
    try {
      await stopLambdaService(this.cfg);
    } finally {
      for (const pid of this.workers()) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
      if (this.ownsStateDir) rmSync(this.cfg.stateDir, { recursive: true, force: true });
    }
  }
}

/** Creates a test service (see TestServiceOptions) and starts it. */
export async function startTestService(options: TestServiceOptions): Promise<TestService> {
  const service = await TestService.create(options);
  await service.start();
  return service;
}

/** Deletes the CloudWatch Logs group the service wrote a function's logs to (best effort). */
export async function removeFunctionLogs(cfg: LocalConfig, functionName: string): Promise<void> {
  try {
    await awsClients(cfg).logs.send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${functionName}` }));
  } catch {
    /* never written, or already gone */
  }
}
