import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { RunRecord } from "#hourly/run-records";
import {
  lakeQuerySchema,
  partitionsOf,
  toLakeAlarm,
  toLakeRun,
  windowHours,
} from "../../../../lambdas/dashboard/api/lake";

const run = (over: Partial<RunRecord>): RunRecord => ({
  hour: "2026-11-29T10",
  id: "r1#01",
  runId: "r1",
  attempt: 1,
  status: "published",
  sourceUrl: "http://example.test/2026-11-29T10.csv",
  startedAt: "2026-11-29T11:00:01.000Z",
  ...over,
});

describe("the query", () => {
  test("defaults to the last 24 hours", () => {
    expect(lakeQuerySchema.parse({})).toEqual({ hours: 24 });
  });
  test.each([
    [{ hours: "0" }],
    [{ hours: "169" }],
    [{ hours: "2.5" }],
    [{ end: "2026-11-29 10" }],
    [{ end: "2026-11-29T10", extra: "1" }],
  ])("refuses %j", (query) => {
    expect(lakeQuerySchema.safeParse(query).success).toBe(false);
  });
});

describe("windowHours", () => {
  test("ends at the given hour, oldest first, across midnight", () => {
    expect(windowHours({ hours: 3, end: "2026-11-30T01" }, new Date())).toEqual([
      "2026-11-29T23",
      "2026-11-30T00",
      "2026-11-30T01",
    ]);
  });
  test("ends at the current hour by default", () => {
    expect(windowHours({ hours: 2 }, new Date("2026-11-29T19:06:03Z"))).toEqual(["2026-11-29T18", "2026-11-29T19"]);
  });
});

describe("partitionsOf", () => {
  const hours = ["2026-11-29T10", "2026-11-29T11"];
  test("adds footer rows per hour, keeps empty hours, and says what a published run produced", () => {
    const objects = [
      { key: "lake/observations/dt=2026-11-29/hour=10/observations-0-00000000000000000000.parquet", rows: 200 },
      { key: "lake/observations/dt=2026-11-29/hour=10/observations-1-00000000000000000000.parquet", rows: 70 },
      { key: "lake/observations/dt=2026-11-29/hour=12/observations-0-00000000000000000300.parquet", rows: 5 },
      { key: "lake/observations/_tmp/x.parquet", rows: 9 },
    ];
    const runs = [run({ published: 270 }), run({ hour: "2026-11-29T11", status: "failed", id: "r2#01", runId: "r2" })];
    expect(partitionsOf(hours, objects, runs)).toEqual([
      { hour: "2026-11-29T10", objects: 2, rows: 270, published: 270 },
      { hour: "2026-11-29T11", objects: 0, rows: 0, published: null },
    ]);
  });
});

describe("toLakeRun", () => {
  test("keeps the counts, drops reasons with no rows, and notes a refusal's reason", () => {
    expect(
      toLakeRun(
        run({
          status: "rejected-file",
          fetched: 0,
          rejected: { "bad-number": 0, "bad-time": 3 },
          reason: "bad-header",
          durationMs: 12,
        }),
      ),
    ).toEqual({
      hour: "2026-11-29T10",
      runId: "r1",
      attempt: 1,
      status: "rejected-file",
      startedAt: "2026-11-29T11:00:01.000Z",
      finishedAt: null,
      durationMs: 12,
      fetched: 0,
      kept: null,
      published: null,
      rejected: { "bad-time": 3 },
      note: "bad-header",
    });
  });
});

test("an alarm reads as its name, state and metric with dimensions", () => {
  const alarm: MetricAlarm = {
    AlarmName: "sluice-hourly-Errors",
    StateValue: "ALARM",
    StateReason: "Threshold Crossed",
    StateUpdatedTimestamp: new Date("2026-11-29T12:03:00Z"),
    AlarmDescription: "ingest failed",
    Namespace: "AWS/Lambda",
    MetricName: "Errors",
    Dimensions: [{ Name: "FunctionName", Value: "sluice-hourly-ingest" }],
  };
  expect(toLakeAlarm(alarm)).toEqual({
    name: "sluice-hourly-Errors",
    state: "ALARM",
    reason: "Threshold Crossed",
    updatedAt: "2026-11-29T12:03:00.000Z",
    description: "ingest failed",
    metric: "AWS/Lambda Errors (FunctionName=sluice-hourly-ingest)",
  });
});
