/**
 * The running mappings' lifecycle with a fake poller factory: started, kept, restarted and removed as the
 * wanted specs change; updated through the API (enabled alone toggles, anything else restarts); a failed start
 * tried again with doubling delays only while the mapping exists; everything stopped at the end.
 */
import type { PollerMetrics } from "#local/lambda-service/esm/poller";
import { KafkaMappings, type MappingParts } from "#local/lambda-service/service/kafka-mappings";
import type { KafkaMappingSpec } from "#local/lambda-service/types";

function spec(uuid: string, overrides: Partial<KafkaMappingSpec> = {}): KafkaMappingSpec {
  return {
    uuid,
    stackName: "s",
    logicalId: uuid,
    functionName: `fn-${uuid}`,
    topics: [`topic-${uuid}`],
    bootstrapServers: ["127.0.0.1:9092"],
    batchSize: 100,
    maxBatchingWindowMs: 500,
    startingPosition: "TRIM_HORIZON",
    consumerGroupId: uuid,
    enabled: true,
    filterPatterns: [],
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    bisectBatchOnFunctionError: false,
    reportBatchItemFailures: false,
    authentication: "NONE",
    ...overrides,
  };
}

class FakePoller {
  readonly events: string[] = [];
  failStarts = 0;
  constructor(readonly uuid: string) {}
  async start(): Promise<void> {
    this.events.push("start");
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error("cluster unreachable");
    }
  }
  async stop(): Promise<void> {
    this.events.push("stop");
  }
  async setEnabled(enabled: boolean): Promise<void> {
    this.events.push(`enabled=${enabled}`);
  }
  metrics(): PollerMetrics {
    return { state: "Enabled", lastProcessingResult: "OK" } as unknown as PollerMetrics;
  }
}

function harness(options: { failStarts?: number; firstRetryDelayMs?: number } = {}) {
  const pollers: FakePoller[] = [];
  const closed: string[] = [];
  const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const mappings = new KafkaMappings({
    parts: async (s): Promise<MappingParts> => {
      const poller = new FakePoller(s.uuid);
      poller.failStarts = options.failStarts ?? 0;
      pollers.push(poller);
      return {
        poller,
        failureSink: {
          close: async () => {
            closed.push(s.uuid);
          },
        },
      };
    },
    log: (_level, message, fields) => logs.push({ message, fields }),
    ...(options.firstRetryDelayMs === undefined ? {} : { firstRetryDelayMs: options.firstRetryDelayMs }),
  });
  return { mappings, pollers, closed, logs };
}

afterEach(() => {
  jest.useRealTimers();
});

it("starts the wanted mappings, keeps the unchanged, restarts the changed and removes the missing", async () => {
  const { mappings, pollers, closed } = harness();
  expect(await mappings.apply([spec("a"), spec("b")])).toEqual([
    "mapping started: topic-a → fn-a",
    "mapping started: topic-b → fn-b",
  ]);
  expect(pollers.map((p) => p.events)).toEqual([["start"], ["start"]]);

  expect(await mappings.apply([spec("a"), spec("b")])).toEqual([]);
  expect(pollers).toHaveLength(2);

  expect(await mappings.apply([spec("a", { batchSize: 10 })])).toEqual([
    "mapping restarted: topic-a → fn-a",
    "mapping removed: topic-b → fn-b",
  ]);
  expect(pollers).toHaveLength(3);
  expect(pollers[0]?.events).toEqual(["start", "stop"]);
  expect(pollers[1]?.events).toEqual(["start", "stop"]);
  expect(pollers[2]?.events).toEqual(["start"]);
  expect(closed).toEqual(["a", "b"]);
  expect(mappings.names()).toEqual(["topic-a → fn-a"]);
  expect(mappings.views().map((v) => v.spec.batchSize)).toEqual([10]);
  expect(mappings.statuses()).toEqual([
    expect.objectContaining({ uuid: "a", functionName: "fn-a", topics: ["topic-a"] }),
  ]);
});

it("does not start the poller of a disabled mapping", async () => {
  const { mappings, pollers } = harness();
  await mappings.apply([spec("a", { enabled: false })]);
  expect(pollers[0]?.events).toEqual([]);
});

it("toggles enabled in place and restarts the mapping for any other change", async () => {
  const { mappings, pollers } = harness();
  await mappings.apply([spec("a")]);
  const view = await mappings.update("a", { enabled: false });
  expect(view.spec.enabled).toBe(false);
  expect(pollers).toHaveLength(1);
  expect(pollers[0]?.events).toEqual(["start", "enabled=false"]);

  const resized = await mappings.update("a", { batchSize: 7, maximumBatchingWindowInSeconds: 2 });
  expect(resized.spec).toMatchObject({ batchSize: 7, maxBatchingWindowMs: 2000, enabled: false });
  expect(pollers).toHaveLength(2);
  expect(pollers[0]?.events).toEqual(["start", "enabled=false", "stop"]);
  expect(pollers[1]?.events).toEqual([]);

  await expect(mappings.update("nope", { enabled: true })).rejects.toThrow(/no event-source mapping nope/);
});

it("changes MetricsConfig in place: the poller keeps running and the sampler sees the same mapping", async () => {
  const { mappings, pollers } = harness();
  await mappings.apply([spec("a")]);
  const [before] = mappings.metricSources();
  expect(before?.metricsConfig).toEqual([]);
  const view = await mappings.update("a", { metricsConfig: ["EventCount", "ErrorCount"] });
  expect(view.spec.metricsConfig).toEqual(["EventCount", "ErrorCount"]);
  expect(pollers).toHaveLength(1);
  const [after] = mappings.metricSources();
  expect(after?.metricsConfig).toEqual(["EventCount", "ErrorCount"]);
  expect(after?.identity).toBe(before?.identity);
});

it("tries a failed start again with doubling delays while the mapping exists", async () => {
  jest.useFakeTimers();
  const { mappings, pollers, logs } = harness({ failStarts: 2, firstRetryDelayMs: 100 });
  await mappings.apply([spec("a")]);
  expect(pollers[0]?.events).toEqual(["start"]);
  expect(logs[0]?.fields).toMatchObject({ mapping: "a", retryInMs: 100 });

  await jest.advanceTimersByTimeAsync(100);
  expect(pollers[0]?.events).toEqual(["start", "start"]);
  expect(logs[1]?.fields).toMatchObject({ retryInMs: 200 });

  await jest.advanceTimersByTimeAsync(199);
  expect(pollers[0]?.events).toHaveLength(2);
  await jest.advanceTimersByTimeAsync(1);
  expect(pollers[0]?.events).toEqual(["start", "start", "start"]);
  expect(logs).toHaveLength(2);
});

it("stops retrying once the mapping is gone", async () => {
  jest.useFakeTimers();
  const { mappings, pollers } = harness({ failStarts: 5, firstRetryDelayMs: 100 });
  await mappings.apply([spec("a")]);
  await mappings.stopAll();
  await jest.advanceTimersByTimeAsync(10_000);
  expect(pollers[0]?.events).toEqual(["start", "stop"]);
  expect(mappings.views()).toEqual([]);
});
