/**
 * What the executor records of each invocation, on real worker processes: Invocations, Errors (0 or 1, so that
 * their sum is the errors and their sample count the invocations), Duration and ConcurrentExecutions stamped with
 * the invocation's start, and Throttles when reserved concurrency 0 refuses it.
 */
import type { FunctionMetricName } from "#local/lambda-service/metrics/definitions";
import type { FunctionMetrics } from "#local/lambda-service/metrics/recorder";
import { spec, useExecutors } from "./runtime/executor-harness";

jest.setTimeout(60_000);

const { newExecutor } = useExecutors();

class Recorded implements FunctionMetrics {
  readonly records: Array<{ fn: string; metric: FunctionMetricName; value: number; atMs?: number }> = [];
  record(fn: string, metric: FunctionMetricName, value: number, atMs?: number): void {
    this.records.push({ fn, metric, value, ...(atMs !== undefined ? { atMs } : {}) });
  }
  of(fn: string, metric: FunctionMetricName): number[] {
    return this.records.filter((r) => r.fn === fn && r.metric === metric).map((r) => r.value);
  }
}

test("a success and a thrown error: Invocations 1 each, Errors 0 then 1, their durations, stamped at the start", async () => {
  const metrics = new Recorded();
  const { executor } = newExecutor([spec("ok", "ok"), spec("throws", "throws")], { metrics });
  const before = Date.now();
  const ok = await executor.invoke("ok", Buffer.from("{}"));
  const failed = await executor.invoke("throws", Buffer.from("{}"));
  expect(failed.functionError).toBe("Unhandled");
  expect(metrics.of("ok", "Invocations")).toEqual([1]);
  expect(metrics.of("ok", "Errors")).toEqual([0]);
  expect(metrics.of("throws", "Invocations")).toEqual([1]);
  expect(metrics.of("throws", "Errors")).toEqual([1]);
  expect(metrics.of("ok", "Duration")).toEqual([ok.durationMs]);
  expect(metrics.of("throws", "Duration")).toEqual([failed.durationMs]);
  for (const r of metrics.records) {
    expect(r.atMs).toBeGreaterThanOrEqual(before);
    expect(r.atMs).toBeLessThanOrEqual(Date.now());
  }
});

test("ConcurrentExecutions is the number of the function's workers busy when an invocation starts", async () => {
  const metrics = new Recorded();
  const { executor } = newExecutor([spec("slow", "slow", { reservedConcurrency: 3 })], { metrics });
  // Three at once take three workers before any of them starts: each start sees all three busy.
  await Promise.all([1, 2, 3].map(() => executor.invoke("slow", Buffer.from('{"ms":300}'))));
  expect(metrics.of("slow", "ConcurrentExecutions")).toEqual([3, 3, 3]);
  await executor.invoke("slow", Buffer.from('{"ms":0}'));
  expect(metrics.of("slow", "ConcurrentExecutions")).toEqual([3, 3, 3, 1]);
});

test("reserved concurrency 0 throttles: Throttles 1, and no invocation", async () => {
  const metrics = new Recorded();
  const { executor } = newExecutor([spec("throttled", "ok", { reservedConcurrency: 0 })], { metrics });
  await expect(executor.invoke("throttled", Buffer.from("{}"))).rejects.toMatchObject({
    code: "TooManyRequestsException",
  });
  expect(metrics.records).toEqual([{ fn: "throttled", metric: "Throttles", value: 1 }]);
});
