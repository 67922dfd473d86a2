/** The poller's wiring without a cluster: the settings it refuses, and a disabled mapping that never connects. */
import { KafkaEventSourcePoller, type PollerDeps } from "#local/lambda-service/esm/poller";
import type { KafkaMappingSpec } from "#local/lambda-service/types";

const spec: KafkaMappingSpec = {
  uuid: "uuid-1",
  stackName: "s",
  logicalId: "M",
  functionName: "fn",
  topics: ["t"],
  bootstrapServers: ["b1:9092", "b2:9092"],
  batchSize: 10,
  maxBatchingWindowMs: 500,
  startingPosition: "TRIM_HORIZON",
  consumerGroupId: "g",
  enabled: false,
  filterPatterns: [],
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: false,
  authentication: "NONE",
};
const unreachable = async () => {
  throw new Error("cluster unreachable");
};
const deps: PollerDeps = {
  invoker: { invoke: unreachable },
  kafka: unreachable,
  log: () => undefined,
};

describe("settings the poller refuses", () => {
  test("an on-failure destination without a sink", () => {
    expect(
      () => new KafkaEventSourcePoller({ ...spec, onFailure: { kind: "sqs", destination: "arn:aws:sqs:::q" } }, deps),
    ).toThrow(/on-failure destination .* but no failure sink/);
  });

  test("BatchSize below 1", () => {
    expect(() => new KafkaEventSourcePoller({ ...spec, batchSize: 0 }, deps)).toThrow(/BatchSize must be at least 1/);
  });

  test("AT_TIMESTAMP without a timestamp", () => {
    expect(() => new KafkaEventSourcePoller({ ...spec, startingPosition: "AT_TIMESTAMP" }, deps)).toThrow(
      /AT_TIMESTAMP needs StartingPositionTimestamp/,
    );
  });
});

test("a disabled mapping starts Disabled without connecting, and stops cleanly", async () => {
  const poller = new KafkaEventSourcePoller(spec, deps);
  expect(poller.metrics()).toMatchObject({ state: "Creating", lastProcessingResult: "No records processed" });
  await poller.start();
  expect(poller.metrics()).toEqual({
    uuid: "uuid-1",
    state: "Disabled",
    stateTransitionReason: "USER_INITIATED",
    lastProcessingResult: "No records processed",
    offsetLag: {},
    partitions: {},
    polledEventCount: 0,
    filteredOutEventCount: 0,
    invokedEventCount: 0,
    invocations: 0,
    errors: 0,
    failedInvokeEventCount: 0,
    onFailureDestinationDeliveredEventCount: 0,
    droppedEventCount: 0,
    committedEventCount: 0,
    invokeErrorCount: 0,
    pollingErrorCount: 0,
    commitErrorCount: 0,
    onFailureDestinationDeliveryErrorCount: 0,
    batchesInFlight: 0,
  });
  await poller.stop();
  expect(poller.metrics().state).toBe("Disabled");
});

test("a cluster that cannot be reached leaves the mapping Disabled with the reason, the cause kept", async () => {
  const poller = new KafkaEventSourcePoller({ ...spec, enabled: true }, deps);
  const failure = await poller.start().catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).message).toBe("mapping uuid-1: cannot start polling t");
  expect(((failure as Error).cause as Error).message).toBe("cluster unreachable");
  expect(poller.metrics()).toMatchObject({
    state: "Disabled",
    stateTransitionReason: "Lambda failed to connect to the Kafka cluster",
    lastProcessingResult: "PROBLEM: Connection error. cluster unreachable",
    pollingErrorCount: 1,
  });
});
