/**
 * The benchmark's own cloud assembly, written with the synthetic-assembly writer
 * (localstack/lambda-service/synthetic-assembly.ts): the bench functions (code: bench/fixtures/handlers) and their
 * self-managed Kafka event-source mappings, all created disabled — the benchmark enables one at a time
 * through the Lambda API.
 */
import { resolve } from "node:path";
import {
  type SyntheticAssembly,
  type SyntheticFunction,
  writeSyntheticAssembly,
} from "#local/lambda-service/synthetic-assembly";

export const BENCH_STACK = "SluiceBench";
export const HANDLERS_DIR = resolve(__dirname, "fixtures", "handlers");

export interface BenchFunction {
  readonly logicalId: string;
  readonly name: string;
  /** Export of bench/fixtures/handlers/index.js. */
  readonly handler: "noop" | "delivery" | "trigger";
  readonly environment?: Readonly<Record<string, string>>;
}

export interface BenchMapping {
  readonly logicalId: string;
  /** Logical id of the function. */
  readonly functionLogicalId: string;
  readonly topic: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly consumerGroupId: string;
}

export interface BenchAssembly {
  readonly functions: readonly BenchFunction[];
  readonly mappings: readonly BenchMapping[];
  readonly bootstrapServers: string;
  readonly secretArn: string;
}

/** Writes (or rewrites) the assembly; returns the mappings' UUIDs by logical id. */
export function writeBenchAssembly(assemblyDir: string, a: BenchAssembly): SyntheticAssembly {
  return writeSyntheticAssembly(assemblyDir, {
    stackName: BENCH_STACK,
    functions: a.functions.map(
      (f): SyntheticFunction => ({
        logicalId: f.logicalId,
        functionName: f.name,
        codeDir: HANDLERS_DIR,
        handler: `index.${f.handler}`,
        runtime: "nodejs22.x",
        // The project's functions' default (lib/constructs/sluice-function.ts).
        memoryMb: 512,
        timeoutSeconds: 30,
        environment: f.environment ?? {},
      }),
    ),
    mappings: a.mappings.map((m) => ({
      logicalId: m.logicalId,
      functionLogicalId: m.functionLogicalId,
      topic: m.topic,
      bootstrapServers: [a.bootstrapServers],
      secretArn: a.secretArn,
      batchSize: m.batchSize,
      maxBatchingWindowSeconds: m.batchingWindowSeconds,
      startingPosition: "TRIM_HORIZON",
      consumerGroupId: m.consumerGroupId,
      reportBatchItemFailures: true,
      enabled: false,
    })),
  });
}
