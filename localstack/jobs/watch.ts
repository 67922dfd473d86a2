/**
 * Follows the pipeline through the local Lambda service's status until it drains: every mapping
 * has read what it was given, has no lag and no batch in flight, and its consumer group has committed its topics'
 * end offsets on the broker, twice in a row. The broker's word is needed because a service that has just restarted
 * reports no lag until its consumers have rejoined their groups.
 */
import type { LocalConfig } from "../config";
import { lambdaServiceStatus } from "../lambda-service/daemon";
import type { ServiceStatus } from "../lambda-service/service";
import { type MappingGroup, mappingGroups, uncommitted } from "./committed";

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
 * records (since `baseline`), every stage has no lag and nothing in flight, and every stage's group has committed
 * its topics' end offsets, on two polls in a row.
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
  let groups: MappingGroup[] | undefined;
  let behind = new Map<string, number>();
  for (;;) {
    const status = await lambdaServiceStatus(cfg);
    if (!status) throw new Error(`the local Lambda service stopped answering at ${cfg.endpoint.url}`);
    const stages = stageProgress(status, options.baseline);
    options.onProgress?.(stages);
    const first = stages.find((s) => s.topic === options.firstTopic);
    const started = (first?.polled ?? 0) >= options.expectFirst;
    const idle = stages.every((s) => s.lag === 0 && s.inFlight === 0);
    if (started && idle) {
      groups ??= await stageGroups(cfg, status);
      behind = await uncommitted(cfg, groups);
    }
    const committed = [...behind.values()].every((n) => n === 0);
    quietPolls = started && idle && committed ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return stages;
    if (Date.now() > deadline) {
      throw new Error(
        `the pipeline did not drain within ${Math.round((options.timeoutMs ?? 900_000) / 1000)} s: ${stages
          .map(
            (s) =>
              `${s.topic} lag ${s.lag}, in flight ${s.inFlight}, not committed ${behind.get(s.functionName) ?? "?"}`,
          )
          .join("; ")}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
}

/** The consumer groups of the mappings the service runs. */
async function stageGroups(cfg: LocalConfig, status: ServiceStatus): Promise<MappingGroup[]> {
  const running = new Set(status.mappings.map((m) => m.functionName));
  const groups = await mappingGroups(cfg, [...new Set(status.mappings.flatMap((m) => m.topics))]);
  return groups.filter((g) => running.has(g.functionName));
}
