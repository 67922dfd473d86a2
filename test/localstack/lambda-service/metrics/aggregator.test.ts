/**
 * One-minute statistic sets: datums fall into the minute they happened in, per metric (namespace, name, unit,
 * dimensions in any order), and each bucket is stamped with its minute's start. Expected values are the sums,
 * extremes and counts of the data written below, worked out by hand.
 */
import { type Datum, MinuteAggregator, minuteOf } from "#local/lambda-service/metrics/aggregator";

const T = Date.parse("2026-11-29T16:03:00.000Z");
const fn = (name: string) => [{ Name: "FunctionName", Value: name }];
const datum = (name: string, value: number, atMs: number, dimensions = fn("a")): Datum => ({
  namespace: "AWS/Lambda",
  name,
  unit: name === "Duration" ? "Milliseconds" : "Count",
  dimensions,
  value,
  atMs,
});

test("minuteOf is the start of the minute, whatever the second", () => {
  expect(minuteOf(T)).toBe(T);
  expect(minuteOf(T + 59_999)).toBe(T);
  expect(minuteOf(T + 60_000)).toBe(T + 60_000);
  expect(minuteOf(T - 1)).toBe(T - 60_000);
});

test("durations of one minute become one statistic set; the next minute its own", () => {
  const a = new MinuteAggregator();
  a.add(datum("Duration", 12.5, T + 1_000));
  a.add(datum("Duration", 3, T + 30_000));
  a.add(datum("Duration", 40, T + 59_999));
  a.add(datum("Duration", 7, T + 60_000));
  expect(a.drain()).toEqual([
    {
      namespace: "AWS/Lambda",
      name: "Duration",
      unit: "Milliseconds",
      dimensions: fn("a"),
      minuteMs: T,
      statistics: { sampleCount: 3, sum: 55.5, minimum: 3, maximum: 40 },
    },
    {
      namespace: "AWS/Lambda",
      name: "Duration",
      unit: "Milliseconds",
      dimensions: fn("a"),
      minuteMs: T + 60_000,
      statistics: { sampleCount: 1, sum: 7, minimum: 7, maximum: 7 },
    },
  ]);
});

test("counts of 0 and 1 keep their samples: Errors' sum is the errors, its sample count the invocations", () => {
  const a = new MinuteAggregator();
  for (const value of [0, 1, 0, 0, 1]) a.add(datum("Errors", value, T + 5_000));
  expect(a.drain()[0]?.statistics).toEqual({ sampleCount: 5, sum: 2, minimum: 0, maximum: 1 });
});

test("each function, metric and dimension set is its own series; dimension order does not matter", () => {
  const a = new MinuteAggregator();
  const both = [
    { Name: "FunctionName", Value: "a" },
    { Name: "EventSourceMappingUUID", Value: "u" },
  ];
  a.add(datum("Invocations", 1, T, fn("a")));
  a.add(datum("Invocations", 1, T, fn("b")));
  a.add(datum("Errors", 1, T, fn("a")));
  a.add(datum("OffsetLag", 5, T, both));
  a.add(datum("OffsetLag", 9, T + 10_000, [...both].reverse()));
  const drained = a.drain();
  expect(drained.map((d) => [d.name, d.dimensions.map((x) => x.Value).join(","), d.statistics.sum])).toEqual([
    ["Invocations", "a", 1],
    ["Invocations", "b", 1],
    ["Errors", "a", 1],
    ["OffsetLag", "a,u", 14],
  ]);
  expect(drained[3]?.statistics).toEqual({ sampleCount: 2, sum: 14, minimum: 5, maximum: 9 });
});

test("drain empties the aggregator; values CloudWatch refuses are left out", () => {
  const a = new MinuteAggregator();
  a.add(datum("Duration", Number.NaN, T));
  a.add(datum("Duration", Number.POSITIVE_INFINITY, T));
  expect(a.size).toBe(0);
  a.add(datum("Invocations", 1, T));
  expect(a.size).toBe(1);
  expect(a.drain()).toHaveLength(1);
  expect(a.drain()).toEqual([]);
});
