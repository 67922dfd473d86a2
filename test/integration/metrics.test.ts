/**
 * The service's AWS/Lambda metrics in LocalStack's CloudWatch, read back with GetMetricStatistics as a user
 * would: a function invoked 5 times, 2 of them failing, shows exactly 5 Invocations and 2 Errors; a Kafka
 * mapping that opted into MetricsConfig shows OffsetLag and its EventCount metrics for the 6 records produced;
 * a mapping whose function fails every batch counts every record in FailedInvokeEventCount. A test service
 * sends its metrics every second (SLUICE_METRICS_PUBLISH_SECONDS=1); names are unique per run, so the sums hold
 * only this run's data. Waits poll until the sums appear, with a deadline.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Datapoint, GetMetricStatisticsCommand, type Statistic } from "@aws-sdk/client-cloudwatch";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { adminCredentials } from "#local/launchers/kafka";
import { ensureTopics } from "#local/launchers/kafka-admin";
import { awsClients } from "#local/support/aws";
import { createKafkaSecret } from "#local/support/kafka-secret";
import { waitFor } from "#local/support/proc";
import { cfg, unique } from "./helpers";
import { deleteGroup, deleteTopic, produceRange } from "./support/kafka";
import { removeFunctionLogs, startTestService, type TestService } from "./support/service";

const FIXTURES = resolve(__dirname, "fixtures");
const cloudWatch = awsClients(cfg).cloudWatch;
const work = mkdtempSync(join(tmpdir(), "sluice-metrics-"));
const startedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
const names = {
  fn: unique("metrics-fn"),
  consumer: unique("metrics-consumer"),
  failing: unique("metrics-failing"),
  topic: unique("metrics"),
  failingTopic: unique("metrics-failing"),
};
const cleanups: Array<() => Promise<unknown>> = [];
const previousInterval = process.env.SLUICE_METRICS_PUBLISH_SECONDS;
let service: TestService | undefined;
let mappingUuid = "";
let failingUuid = "";

beforeAll(async () => {
  await ensureTopics(cfg, [
    { name: names.topic, partitions: 2 },
    { name: names.failingTopic, partitions: 1 },
  ]);
  cleanups.push(
    () => deleteTopic(cfg, names.topic),
    () => deleteTopic(cfg, names.failingTopic),
  );
  const secret = await createKafkaSecret(awsClients(cfg).secrets, unique("metrics-kafka"), adminCredentials(cfg));
  cleanups.push(() => secret.remove());
  const mapping = {
    bootstrapServers: [...cfg.kafka.brokerList],
    secretArn: secret.arn,
    maxBatchingWindowSeconds: 0,
  };
  const assembly = writeSyntheticAssembly(join(work, "cdk.out"), {
    stackName: unique("sluice-metrics"),
    functions: [
      {
        logicalId: "Fn",
        functionName: names.fn,
        codeDir: join(FIXTURES, "async-attempts"),
        environment: { ATTEMPTS_FILE: join(work, "attempts") },
      },
      {
        logicalId: "Consumer",
        functionName: names.consumer,
        codeDir: join(FIXTURES, "offset-recorder"),
        environment: { RECORD_FILE: join(work, "consumed") },
      },
      {
        logicalId: "Failing",
        functionName: names.failing,
        codeDir: join(FIXTURES, "kafka-fails"),
        environment: { RECORD_FILE: join(work, "failed") },
      },
    ],
    mappings: [
      {
        ...mapping,
        logicalId: "ConsumerMapping",
        functionLogicalId: "Consumer",
        topic: names.topic,
        consumerGroupId: unique("metrics-group"),
        extraProperties: { MetricsConfig: { Metrics: ["EventCount", "ErrorCount", "KafkaMetrics"] } },
      },
      {
        ...mapping,
        logicalId: "FailingMapping",
        functionLogicalId: "Failing",
        topic: names.failingTopic,
        consumerGroupId: unique("metrics-failing-group"),
        extraProperties: { MaximumRetryAttempts: 0, MetricsConfig: { Metrics: ["EventCount", "ErrorCount"] } },
      },
    ],
  });
  for (const written of assembly.mappings.values()) {
    cleanups.push(() => deleteGroup(cfg, written.consumerGroupId));
    if (written.functionName === names.consumer) mappingUuid = written.uuid;
    if (written.functionName === names.failing) failingUuid = written.uuid;
  }
  process.env.SLUICE_METRICS_PUBLISH_SECONDS = "1"; // the daemon inherits it
  service = await startTestService({ assemblyDir: assembly.dir });
  await service.loaded();
});

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.SLUICE_METRICS_PUBLISH_SECONDS;
  else process.env.SLUICE_METRICS_PUBLISH_SECONDS = previousInterval;
  await service?.dispose();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  for (const fn of Object.values(names)) await removeFunctionLogs(cfg, fn);
  rmSync(work, { recursive: true, force: true });
});

/** GetMetricStatistics over the test's minutes, one-minute periods. */
/** One dimension, or several as [name, value, name, value, …]. */
async function datapoints(name: string, dimension: readonly string[], statistics: Statistic[]): Promise<Datapoint[]> {
  const dimensions = [];
  for (let i = 0; i + 1 < dimension.length; i += 2) dimensions.push({ Name: dimension[i], Value: dimension[i + 1] });
  const { Datapoints } = await cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: "AWS/Lambda",
      MetricName: name,
      Dimensions: dimensions,
      StartTime: startedAt,
      EndTime: new Date(Date.now() + 120_000),
      Period: 60,
      Statistics: statistics,
    }),
  );
  return Datapoints ?? [];
}

const sumOf = async (name: string, dimension: [string, string]) =>
  (await datapoints(name, dimension, ["Sum"])).reduce((total, d) => total + (d.Sum ?? 0), 0);

/** Waits until the metric's sum over the test's minutes is `expected`; returns the sum last seen otherwise. */
function sumReaches(name: string, dimension: [string, string], expected: number): Promise<number> {
  let seen = 0;
  return waitFor(
    `${name} (${dimension.join("=")}) to sum to ${expected}`,
    async () => {
      seen = await sumOf(name, dimension);
      return seen === expected ? seen : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, onTimeout: () => `last sum seen: ${seen}` },
  ).catch(() => seen);
}

async function invoke(event: unknown): Promise<void> {
  const res = await fetch(`${service?.cfg.endpoint.url}/2015-03-31/functions/${names.fn}/invocations`, {
    method: "POST",
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

test("5 invocations, 2 of them failing: Invocations sums to 5 and Errors to 2, with Duration for each", async () => {
  for (const id of [1, 2, 3, 4, 5]) await invoke({ id, fail: id === 2 || id === 4 });
  const fn: [string, string] = ["FunctionName", names.fn];
  expect(await sumReaches("Invocations", fn, 5)).toBe(5);
  expect(await sumReaches("Errors", fn, 2)).toBe(2);
  const durations = await datapoints("Duration", fn, ["SampleCount", "Maximum"]);
  expect(durations.reduce((n, d) => n + (d.SampleCount ?? 0), 0)).toBe(5);
  expect(durations.every((d) => d.Unit === "Milliseconds")).toBe(true);
  expect((await datapoints("ConcurrentExecutions", fn, ["Maximum"])).length).toBeGreaterThan(0);
});

test("a mapping opted into MetricsConfig reports OffsetLag and its event counts for the records produced", async () => {
  await produceRange(cfg, { topic: names.topic, partitions: [0, 1], from: 0, count: 3 });
  const byMapping: [string, string] = ["EventSourceMappingUUID", mappingUuid];
  expect(await sumReaches("PolledEventCount", byMapping, 6)).toBe(6);
  expect(await sumReaches("InvokedEventCount", byMapping, 6)).toBe(6);
  expect(await sumReaches("CommittedEventCount", byMapping, 6)).toBe(6);
  expect(await sumOf("FailedInvokeEventCount", byMapping)).toBe(0);
  for (const [name, dimension] of [
    ["OffsetLag", ["FunctionName", names.consumer]],
    ["OffsetLag", ["FunctionName", names.consumer, ...byMapping]],
    ["MaxOffsetLag", byMapping],
    ["SumOffsetLag", byMapping],
  ] as const) {
    const points = await waitFor(`${name} datapoints`, async () => {
      const found = await datapoints(name, dimension, ["Maximum", "Minimum"]);
      return found.length > 0 ? found : undefined;
    });
    expect(points.every((p) => (p.Minimum ?? -1) >= 0)).toBe(true);
  }
  const mapping = await fetch(`${service?.cfg.endpoint.url}/2015-03-31/event-source-mappings/${mappingUuid}`);
  expect(((await mapping.json()) as { MetricsConfig?: unknown }).MetricsConfig).toEqual({
    Metrics: ["EventCount", "ErrorCount", "KafkaMetrics"],
  });
});

test("a function that fails every batch: each of its 4 records counts in FailedInvokeEventCount and is dropped", async () => {
  await produceRange(cfg, { topic: names.failingTopic, partitions: [0], from: 0, count: 4 });
  const byMapping: [string, string] = ["EventSourceMappingUUID", failingUuid];
  expect(await sumReaches("FailedInvokeEventCount", byMapping, 4)).toBe(4);
  expect(await sumReaches("DroppedEventCount", byMapping, 4)).toBe(4);
  expect(await sumReaches("InvokedEventCount", byMapping, 4)).toBe(4);
  const batches = await sumOf("InvokeErrorCount", byMapping);
  expect(batches).toBeGreaterThanOrEqual(1);
  expect(await sumOf("Errors", ["FunctionName", names.failing])).toBe(batches);
});
