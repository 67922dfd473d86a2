import type { Metric } from "@aws-sdk/client-cloudwatch";
import {
  discover,
  healthQuerySchema,
  healthView,
  metricQueries,
  onAxis,
  periodFor,
  periodStarts,
} from "../../../../lambdas/dashboard/api/health";

const metric = (name: string, dims: Record<string, string>): Metric => ({
  Namespace: "AWS/Lambda",
  MetricName: name,
  Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
});

test("the query is minutes, 5 to 1440, an hour by default", () => {
  expect(healthQuerySchema.parse({})).toEqual({ minutes: 60 });
  expect(healthQuerySchema.safeParse({ minutes: "4" }).success).toBe(false);
  expect(healthQuerySchema.safeParse({ minutes: "1441" }).success).toBe(false);
});

test("a period of a minute up to 3 hours, 5 minutes beyond", () => {
  expect([periodFor(5), periodFor(180), periodFor(181), periodFor(1440)]).toEqual([60, 60, 300, 300]);
});

test("period starts cover the window, aligned to the period", () => {
  const starts = periodStarts(new Date("2026-11-29T10:05:30Z"), 5, 60).map((d) => d.toISOString());
  expect(starts).toEqual([
    "2026-11-29T10:00:00.000Z",
    "2026-11-29T10:01:00.000Z",
    "2026-11-29T10:02:00.000Z",
    "2026-11-29T10:03:00.000Z",
    "2026-11-29T10:04:00.000Z",
    "2026-11-29T10:05:00.000Z",
  ]);
});

test("discovers the project's functions and mappings, not other projects' nor other dimension sets", () => {
  const found = discover(
    [
      metric("Invocations", { FunctionName: "sluice-pipeline-clean" }),
      metric("Invocations", { FunctionName: "other-app-fn" }),
      metric("Invocations", { FunctionName: "sluice-pipeline-clean", Resource: "sluice-pipeline-clean:1" }),
      metric("OffsetLag", { FunctionName: "sluice-pipeline-store" }),
      metric("OffsetLag", { FunctionName: "sluice-pipeline-store", EventSourceMappingUUID: "u-2" }),
      metric("OffsetLag", { FunctionName: "other-app-fn", EventSourceMappingUUID: "u-9" }),
    ],
    "sluice-",
  );
  expect(found).toEqual({
    functions: ["sluice-pipeline-clean", "sluice-pipeline-store"],
    mappings: [{ functionName: "sluice-pipeline-store", uuid: "u-2" }],
  });
});

test("four series per function and one per mapping, with ids GetMetricData accepts", () => {
  const queries = metricQueries(["f-a"], [{ functionName: "f-a", uuid: "u-1" }], 60);
  expect(queries.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat])).toEqual([
    ["f0_invocations", "Invocations", "Sum"],
    ["f0_errors", "Errors", "Sum"],
    ["f0_durationAvg", "Duration", "Average"],
    ["f0_durationMax", "Duration", "Maximum"],
    ["m0_lag", "OffsetLag", "Maximum"],
  ]);
  expect(queries[4]?.MetricStat?.Metric?.Dimensions).toEqual([
    { Name: "FunctionName", Value: "f-a" },
    { Name: "EventSourceMappingUUID", Value: "u-1" },
  ]);
  for (const q of queries) expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
});

describe("the view", () => {
  const axis = periodStarts(new Date("2026-11-29T10:02:10Z"), 2, 60);
  const t = (m: number) => new Date(`2026-11-29T10:0${m}:00Z`);
  test("a result lands on the axis; periods without a point are null", () => {
    expect(onAxis({ Id: "x", Timestamps: [t(2), t(0)], Values: [5, 3] }, axis)).toEqual([3, null, 5]);
    expect(onAxis(undefined, axis)).toEqual([null, null, null]);
  });
  test("totals, a duration mean weighted by invocations, and the mapping's function's errors", () => {
    const results = new Map([
      ["f0_invocations", { Id: "f0_invocations", Timestamps: [t(0), t(1)], Values: [1, 3] }],
      ["f0_errors", { Id: "f0_errors", Timestamps: [t(1)], Values: [2] }],
      ["f0_durationAvg", { Id: "f0_durationAvg", Timestamps: [t(0), t(1)], Values: [10, 30] }],
      ["f0_durationMax", { Id: "f0_durationMax", Timestamps: [t(0), t(1)], Values: [10, 50] }],
      ["m0_lag", { Id: "m0_lag", Timestamps: [t(0), t(1)], Values: [7, 0] }],
    ]);
    const window = { start: axis[0]?.toISOString() ?? "", end: "2026-11-29T10:02:10.000Z", periodSeconds: 60 };
    const view = healthView(["fa"], [{ functionName: "fa", uuid: "u" }], results, axis, window);
    expect(view.functions[0]).toMatchObject({
      name: "fa",
      invocations: 4,
      errors: 2,
      durationAvgMs: 25,
      durationMaxMs: 50,
    });
    expect(view.mappings[0]).toMatchObject({ uuid: "u", offsetLagMax: 7, offsetLagLatest: 0, errors: 2 });
    expect(view.timestamps).toHaveLength(3);
  });
  test("a function that never ran in the window has no duration", () => {
    const view = healthView(["fa"], [], new Map(), axis, { start: "", end: "", periodSeconds: 60 });
    expect(view.functions[0]).toMatchObject({ invocations: 0, errors: 0, durationAvgMs: null, durationMaxMs: null });
  });
});
