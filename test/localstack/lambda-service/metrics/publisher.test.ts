/**
 * The publisher: records never wait or throw, a send is one PutMetricData per namespace and size limit, a failed
 * send is logged and dropped, samplers add their datums at each send, stop() sends what is left, and an interval
 * of 0 sends nothing.
 */
import type { Datum } from "#local/lambda-service/metrics/aggregator";
import { MetricsPublisher, type PublisherLog } from "#local/lambda-service/metrics/publisher";
import type { PutMetricDataInput } from "#local/lambda-service/metrics/requests";

const T = Date.parse("2026-11-29T16:03:00.000Z");

function setup(options: { intervalMs?: number; fail?: boolean; samplers?: Array<(atMs: number) => Datum[]> } = {}) {
  const sent: PutMetricDataInput[] = [];
  const logged: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: PublisherLog = (level, message, fields) => logged.push({ level, message, ...(fields ? { fields } : {}) });
  let clock = T + 20_000;
  const publisher = new MetricsPublisher({
    intervalMs: options.intervalMs ?? 10_000,
    sink: async () => ({
      putMetricData: async (input) => {
        if (options.fail) throw new Error("connect ECONNREFUSED 127.0.0.1:4567");
        sent.push(input);
      },
    }),
    ...(options.samplers ? { samplers: options.samplers } : {}),
    log,
    now: () => clock,
  });
  return { publisher, sent, logged, tick: (ms: number) => (clock += ms) };
}

test("a function's invocations of one minute are sent as statistic sets stamped at the minute", async () => {
  const { publisher, sent } = setup();
  publisher.record("fn", "Invocations", 1, T + 1_000);
  publisher.record("fn", "Invocations", 1, T + 2_000);
  publisher.record("fn", "Errors", 0, T + 1_000);
  publisher.record("fn", "Errors", 1, T + 2_000);
  publisher.record("fn", "Duration", 120, T + 2_000);
  await publisher.flush();
  expect(sent).toHaveLength(1);
  expect(sent[0]?.Namespace).toBe("AWS/Lambda");
  expect(sent[0]?.MetricData.map((d) => [d.MetricName, d.Unit, d.Timestamp.toISOString(), d.StatisticValues])).toEqual([
    ["Invocations", "Count", "2026-11-29T16:03:00.000Z", { SampleCount: 2, Sum: 2, Minimum: 1, Maximum: 1 }],
    ["Errors", "Count", "2026-11-29T16:03:00.000Z", { SampleCount: 2, Sum: 1, Minimum: 0, Maximum: 1 }],
    ["Duration", "Milliseconds", "2026-11-29T16:03:00.000Z", { SampleCount: 1, Sum: 120, Minimum: 120, Maximum: 120 }],
  ]);
  await publisher.flush();
  expect(sent).toHaveLength(1); // nothing new, nothing sent
});

test("samplers add their datums at each send, stamped with the send's time", async () => {
  const sampled: number[] = [];
  const { publisher, sent, tick } = setup({
    samplers: [
      (atMs) => {
        sampled.push(atMs);
        return [
          {
            namespace: "AWS/Lambda",
            name: "OffsetLag",
            unit: "Count",
            dimensions: [{ Name: "FunctionName", Value: "fn" }],
            value: 4,
            atMs,
          },
        ];
      },
    ],
  });
  await publisher.flush();
  tick(50_000);
  await publisher.flush();
  expect(sampled).toEqual([T + 20_000, T + 70_000]);
  expect(sent.map((r) => r.MetricData[0]?.Timestamp.toISOString())).toEqual([
    "2026-11-29T16:03:00.000Z",
    "2026-11-29T16:04:00.000Z",
  ]);
});

test("a failed send is logged with what was lost, never thrown, and the next send starts afresh", async () => {
  const { publisher, logged } = setup({ fail: true });
  publisher.record("fn", "Invocations", 1);
  publisher.record("other", "Invocations", 1);
  await expect(publisher.flush()).resolves.toBeUndefined();
  expect(logged).toEqual([
    {
      level: "warn",
      message: "metrics not sent to CloudWatch (PutMetricData failed); they are dropped",
      fields: { datums: 2, error: "connect ECONNREFUSED 127.0.0.1:4567" },
    },
  ]);
  await publisher.flush();
  expect(logged).toHaveLength(1);
});

test("stop() sends what is left; records after it are ignored", async () => {
  const { publisher, sent } = setup();
  publisher.start();
  publisher.record("fn", "Throttles", 1);
  await publisher.stop();
  expect(sent.map((r) => r.MetricData.map((d) => d.MetricName))).toEqual([["Throttles"]]);
  publisher.record("fn", "Throttles", 1);
  await publisher.flush();
  expect(sent).toHaveLength(1);
});

test("an interval of 0 publishes nothing", async () => {
  const { publisher, sent } = setup({ intervalMs: 0 });
  publisher.start();
  publisher.record("fn", "Invocations", 1);
  await publisher.stop();
  expect(sent).toEqual([]);
});

test("stop() does not wait for a CloudWatch that never answers longer than its timeout", async () => {
  const logged: string[] = [];
  const publisher = new MetricsPublisher({
    intervalMs: 10_000,
    sink: async () => ({ putMetricData: () => new Promise<void>(() => undefined) }),
    log: (_level, message) => logged.push(message),
    stopTimeoutMs: 50,
  });
  publisher.record("fn", "Invocations", 1);
  await publisher.stop();
  expect(logged).toEqual(["the last metrics were not sent to CloudWatch in time; the service stops without them"]);
});
