/**
 * Injects the planned faults (schedule.ts) into the running stack, one after another at their moments, and notes
 * for each when it was injected and when it was repaired (ms since the pass started):
 *  - service:    SIGKILL the local Lambda service (its pid file), wait the planned down time, start it again as `up`
 *                does (startLambdaService); its Kafka consumers leave their groups only when the session times out.
 *  - worker:     SIGKILL a function worker in the middle of an invocation (a sandbox the status reports busy; its
 *                process group, as the service's own timeout kill does): the batch fails and is retried.
 *  - broker:     broker.ts.
 *  - localstack: graceful stopLocalStack + startLocalStack; passes only once LocalStack keeps its state across a
 *                restart (today a restart loses every table, bucket and stack).
 */
import type { LocalConfig } from "../../config";
import {
  announceLocalStackStop,
  lambdaServicePid,
  lambdaServiceStatus,
  startLambdaService,
} from "../../lambda-service/daemon";
import { startLocalStack, stopLocalStack } from "../../launchers/localstack-host";
import type { Log } from "../../support/log";
import type { Rng } from "../../support/random";
import { brokerOutage } from "./broker";
import type { FaultKind, PlannedFault } from "./schedule";

export interface InjectedFault {
  readonly kind: FaultKind;
  readonly plannedMs: number;
  readonly injectedMs: number;
  readonly repairedMs: number;
  readonly detail: string;
  /** worker: the function whose worker was killed (its recovery is its own progress). */
  readonly functionName?: string;
  /** Not injected, and why (e.g. no worker was busy). */
  readonly skipped?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function killService(cfg: LocalConfig, fault: PlannedFault, log: Log): Promise<string> {
  const pid = lambdaServicePid(cfg);
  if (pid === undefined) throw new Error("the local Lambda service is not running: nothing to kill (npm run local:up)");
  process.kill(pid, "SIGKILL");
  await sleep(fault.downMs);
  const { startMs } = await startLambdaService(cfg, log);
  return `SIGKILLed the Lambda service (pid ${pid}), down ${(fault.downMs / 1000).toFixed(1)} s, answering again ${startMs} ms after its start`;
}

/** A busy worker of one of `functions`, picked by rng, within `waitMs`; undefined when none was busy. */
async function busyWorker(
  cfg: LocalConfig,
  functions: readonly string[],
  rng: Rng,
  waitMs: number,
): Promise<{ pid: number; functionName: string } | undefined> {
  const deadline = Date.now() + waitMs;
  do {
    const status = await lambdaServiceStatus(cfg);
    const busy = (status?.functions ?? [])
      .filter((f) => functions.includes(f.name))
      .flatMap((f) =>
        (f.stats?.sandboxes ?? []).filter((s) => s.state === "busy").map((s) => ({ pid: s.pid, functionName: f.name })),
      );
    if (busy.length > 0) return busy[rng.int(0, busy.length - 1)];
    await sleep(100);
  } while (Date.now() < deadline);
  return undefined;
}

export class FaultInjector {
  readonly injected: InjectedFault[] = [];

  constructor(
    private readonly cfg: LocalConfig,
    private readonly options: {
      readonly startedAt: number;
      readonly rng: Rng;
      /** The functions whose workers may be killed (the pipelines fed by the input). */
      readonly functions: readonly string[];
      readonly log: Log;
    },
  ) {}

  private now(): number {
    return Date.now() - this.options.startedAt;
  }

  /** Runs the plan to its end; a fault due while the previous one is still being repaired waits for it. */
  async run(plan: readonly PlannedFault[]): Promise<InjectedFault[]> {
    for (const fault of plan) {
      await sleep(fault.atMs - this.now());
      const injectedMs = this.now();
      let detail: string;
      let functionName: string | undefined;
      let skipped: string | undefined;
      try {
        switch (fault.kind) {
          case "service":
            detail = await killService(this.cfg, fault, this.options.log);
            break;
          case "worker": {
            const victim = await busyWorker(this.cfg, this.options.functions, this.options.rng, 5_000);
            if (victim === undefined) {
              skipped = "no worker was busy within 5 s";
              detail = "no worker killed";
            } else {
              process.kill(-victim.pid, "SIGKILL");
              functionName = victim.functionName;
              detail = `SIGKILLed a busy worker of ${victim.functionName} (pid ${victim.pid})`;
            }
            break;
          }
          case "broker":
            detail = await brokerOutage(this.cfg, fault.downMs, this.options.log);
            break;
          case "localstack":
            await announceLocalStackStop(this.cfg);
            await stopLocalStack(this.cfg);
            await startLocalStack(this.cfg, this.options.log);
            detail = "stopped LocalStack and started it again";
            break;
        }
      } catch (error) {
        throw new Error(`the ${fault.kind} fault planned at ${(fault.atMs / 1000).toFixed(1)} s failed`, {
          cause: error,
        });
      }
      const record: InjectedFault = {
        kind: fault.kind,
        plannedMs: fault.atMs,
        injectedMs,
        repairedMs: this.now(),
        detail,
        ...(functionName ? { functionName } : {}),
        ...(skipped ? { skipped } : {}),
      };
      this.injected.push(record);
      this.options.log(`  fault at +${(injectedMs / 1000).toFixed(1)} s: ${detail}`);
    }
    return this.injected;
  }
}
