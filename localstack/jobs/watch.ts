/**
 * Follows the pipeline through the local Lambda service's status until it drains: every mapping
 * has read what it was given, has no lag and no batch in flight, twice in a row.
 */
import type { LocalConfig } from "../config";
import { lambdaServiceStatus } from "../lambda-service/daemon";
import type { ServiceStatus } from "../lambda-service/service";

export interface StageProgress {
  readonly topic: string;
  readonly functionName: string;
  readonly polled: number;
  readonly lag: number;
  readonly inFlight: number;
  readonly invocations: number;
  readonly errors: number;
  readonly toFailureDestination: number;
}

function stageProgress(status: ServiceStatus, baseline?: Map<string, StageProgress>): StageProgress[] {
  return status.mappings.map((m) => {
    const x = m.metrics;
    const base = baseline?.get(m.functionName);
    return {
      topic: m.topics.join(","),
      functionName: m.functionName,
      polled: x.polledEventCount - (base?.polled ?? 0),
      lag: Object.values(x.offsetLag).reduce((a, b) => a + b, 0),
      inFlight: x.batchesInFlight,
      invocations: x.invocations - (base?.invocations ?? 0),
      errors: x.errors - (base?.errors ?? 0),
      toFailureDestination: x.onFailureDestinationDeliveredEventCount - (base?.toFailureDestination ?? 0),
    };
  });
}

export async function currentProgress(cfg: LocalConfig): Promise<Map<string, StageProgress>> {
  const status = await lambdaServiceStatus(cfg);
  if (!status) throw new Error(`the local Lambda service does not answer at ${cfg.endpoint.url}`);
  return new Map(stageProgress(status).map((s) => [s.functionName, s]));
}

/**
 * Waits until the pipeline has drained: the first stage has polled at least `expectFirst` new
 * records (since `baseline`) and every stage has no lag and nothing in flight on two polls in a row.
 */
export async function waitForDrain(
  cfg: LocalConfig,
  options: {
    readonly firstTopic: string;
    readonly expectFirst: number;
    readonly baseline: Map<string, StageProgress>;
    readonly onProgress?: (stages: StageProgress[]) => void;
    readonly intervalMs?: number;
    readonly timeoutMs?: number;
  },
): Promise<StageProgress[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let quietPolls = 0;
  for (;;) {
    const status = await lambdaServiceStatus(cfg);
    if (!status) throw new Error(`the local Lambda service stopped answering at ${cfg.endpoint.url}`);
    const stages = stageProgress(status, options.baseline);
    options.onProgress?.(stages);
    const first = stages.find((s) => s.topic === options.firstTopic);
    const started = (first?.polled ?? 0) >= options.expectFirst;
    const idle = stages.every((s) => s.lag === 0 && s.inFlight === 0);
    quietPolls = started && idle ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return stages;
    if (Date.now() > deadline) {
      throw new Error(
        `the pipeline did not drain within ${Math.round((options.timeoutMs ?? 900_000) / 1000)} s: ${stages
          .map((s) => `${s.topic} lag ${s.lag}, in flight ${s.inFlight}`)
          .join("; ")}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
}
