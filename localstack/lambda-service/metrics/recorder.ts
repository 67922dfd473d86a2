/**
 * Where the parts that see a function's invocations record its metrics (the executor, the asynchronous
 * dispatcher): an interface of its own, so they depend on this and not on how metrics are sent.
 */
import type { FunctionMetricName } from "./definitions";

export interface FunctionMetrics {
  /** One observation of a function metric; `atMs` (default now) places it in its minute. */
  record(functionName: string, metric: FunctionMetricName, value: number, atMs?: number): void;
}

/** Records nothing: the default of the parts that can run without a publisher (unit tests, the benchmark). */
export const NO_FUNCTION_METRICS: FunctionMetrics = { record: () => undefined };
