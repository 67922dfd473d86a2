/**
 * One benchmark run: its functions and mappings (the bench assembly), where their logs go, and the
 * small steps every measurement uses (prewarming workers, reading a function's log, the stack's pids).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalConfig } from "#local/config";
import { readPid } from "#local/support/proc";
import { type BenchAssembly, type BenchFunction, type BenchMapping, writeBenchAssembly } from "./assembly";
import { instanceStatus, invoke, servicePid } from "./service";

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
};

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const DELIVERY_BATCH_SIZES = [100, 1000] as const;
export const NOOP = "sluice-bench-noop";
export const TRIGGER = "sluice-bench-trigger";
export const deliveryName = (batchSize: number): string => `sluice-bench-delivery-${batchSize}`;

export interface Run {
  readonly id: string;
  readonly cfg: LocalConfig;
  /** The bench's own service instance. */
  readonly icfg: LocalConfig;
  readonly outDir: string;
  readonly backlogTopic: string;
  readonly triggerTopic: string;
  readonly secretArn: string;
  /** Bumped to force a cold start of the no-op function (its configuration changes). */
  generation: number;
  /** Bumped for each repeated delivery measurement: its mappings read the topics afresh in new consumer groups. */
  round: number;
  /** Mapping UUIDs by logical id, as the service computes them. */
  uuids: Map<string, string>;
}

/** Writes the bench assembly into the instance's assembly directory. */
export function writeAssembly(run: Run): void {
  const written = writeBenchAssembly(run.icfg.assemblyDir, assembly(run));
  run.uuids = new Map([...written.mappings].map(([logicalId, m]) => [logicalId, m.uuid]));
}

export function uuidOf(run: Run, logicalId: string): string {
  const uuid = run.uuids.get(logicalId);
  if (uuid === undefined) throw new Error(`no mapping ${logicalId} in the bench assembly`);
  return uuid;
}

export const logFile = (run: Run, name: string): string => join(run.outDir, `${name}.log`);

export function assembly(run: Run): BenchAssembly {
  const functions: BenchFunction[] = [
    { logicalId: "Noop", name: NOOP, handler: "noop", environment: { BENCH_GENERATION: String(run.generation) } },
    { logicalId: "Trigger", name: TRIGGER, handler: "trigger", environment: { BENCH_LOG: logFile(run, TRIGGER) } },
    ...DELIVERY_BATCH_SIZES.map(
      (b): BenchFunction => ({
        logicalId: `Delivery${b}`,
        name: deliveryName(b),
        handler: "delivery",
        environment: { BENCH_LOG: logFile(run, deliveryName(b)) },
      }),
    ),
  ];
  const mappings: BenchMapping[] = [
    {
      logicalId: "TriggerMapping",
      functionLogicalId: "Trigger",
      topic: run.triggerTopic,
      batchSize: 100,
      batchingWindowSeconds: 0,
      consumerGroupId: `sluice-bench-trigger-${run.id}`,
    },
    ...DELIVERY_BATCH_SIZES.map(
      (b): BenchMapping => ({
        logicalId: `Delivery${b}Mapping`,
        functionLogicalId: `Delivery${b}`,
        topic: run.backlogTopic,
        batchSize: b,
        batchingWindowSeconds: 0,
        consumerGroupId: `sluice-bench-delivery-${b}-${run.id}-${run.round}`,
      }),
    ),
  ];
  return { functions, mappings, bootstrapServers: run.cfg.kafka.bootstrapServers, secretArn: run.secretArn };
}

export function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** Invokes a function `n` times at once with an empty batch, so that n warm workers are ready. */
export async function prewarm(run: Run, name: string, n: number): Promise<number[]> {
  await Promise.all(Array.from({ length: n }, () => invoke(run.icfg, name, { eventSource: "bench", records: {} })));
  const status = await instanceStatus(run.icfg);
  return (status.functions.find((f) => f.name === name)?.stats?.sandboxes ?? []).map((s) => s.pid);
}

export function stackPids(run: Run): Record<string, number | undefined> {
  return {
    service: servicePid(run.icfg),
    kafka: readPid(join(run.cfg.runDir, "kafka.pid")),
    localstack: readPid(join(run.cfg.runDir, "localstack.pid")),
  };
}
