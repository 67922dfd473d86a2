/**
 * A Kafka mapping's metrics from its poller's counters: what each sample publishes, by AWS's names, for the
 * groups the mapping opted into. Counters and expected datums are both written out below.
 */
import type { PollerMetrics } from "#local/lambda-service/esm/poller-types";
import type { Datum } from "#local/lambda-service/metrics/aggregator";
import { MappingSampler, type MappingSource, mappingDatums } from "#local/lambda-service/metrics/mapping-metrics";

const AT = Date.parse("2026-11-29T16:03:10.000Z");

const zero: PollerMetrics = {
  uuid: "u-1",
  state: "Enabled",
  stateTransitionReason: "USER_INITIATED",
  lastProcessingResult: "OK",
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
};

const source = (
  metrics: Partial<PollerMetrics>,
  metricsConfig: MappingSource["metricsConfig"] = [],
): MappingSource => ({
  identity: {},
  uuid: "u-1",
  functionName: "fn",
  metricsConfig,
  metrics: { ...zero, ...metrics },
});

const byMapping = [{ Name: "EventSourceMappingUUID", Value: "u-1" }];
const byFunction = [{ Name: "FunctionName", Value: "fn" }];
const summary = (datums: Datum[]) =>
  datums.map((d) => `${d.name}[${d.dimensions.map((x) => x.Name).join(",")}]=${d.value}`);

test("without MetricsConfig a mapping publishes OffsetLag only: the topic's lag, per function and per function and mapping", () => {
  const datums = mappingDatums(source({ polledEventCount: 40, offsetLag: { "t-0": 3, "t-1": 7 } }), undefined, AT);
  expect(datums).toEqual([
    { namespace: "AWS/Lambda", name: "OffsetLag", unit: "Count", dimensions: byFunction, value: 10, atMs: AT },
    {
      namespace: "AWS/Lambda",
      name: "OffsetLag",
      unit: "Count",
      dimensions: [...byFunction, ...byMapping],
      value: 10,
      atMs: AT,
    },
  ]);
});

test("EventCount publishes what the counters gained since the previous sample", () => {
  const previous = { ...zero, polledEventCount: 10, invokedEventCount: 8, committedEventCount: 8 };
  const now = source(
    {
      polledEventCount: 25,
      filteredOutEventCount: 2,
      invokedEventCount: 20,
      failedInvokeEventCount: 5,
      droppedEventCount: 1,
      onFailureDestinationDeliveredEventCount: 4,
      committedEventCount: 20,
    },
    ["EventCount"],
  );
  expect(summary(mappingDatums(now, previous, AT))).toEqual([
    "PolledEventCount[EventSourceMappingUUID]=15",
    "FilteredOutEventCount[EventSourceMappingUUID]=2",
    "InvokedEventCount[EventSourceMappingUUID]=12",
    "FailedInvokeEventCount[EventSourceMappingUUID]=5",
    "DroppedEventCount[EventSourceMappingUUID]=1",
    "OnFailureDestinationDeliveredEventCount[EventSourceMappingUUID]=4",
    "CommittedEventCount[EventSourceMappingUUID]=12",
  ]);
});

test("an enabled mapping that polled nothing publishes PolledEventCount 0; FilteredOutEventCount 0 once it polls", () => {
  expect(summary(mappingDatums(source({}, ["EventCount"]), zero, AT))).toEqual([
    "PolledEventCount[EventSourceMappingUUID]=0",
  ]);
  expect(
    summary(mappingDatums(source({ polledEventCount: 3, invokedEventCount: 3 }, ["EventCount"]), zero, AT)),
  ).toEqual([
    "PolledEventCount[EventSourceMappingUUID]=3",
    "FilteredOutEventCount[EventSourceMappingUUID]=0",
    "InvokedEventCount[EventSourceMappingUUID]=3",
  ]);
});

test("ErrorCount publishes only the errors that happened", () => {
  const now = source({ invokeErrorCount: 2, commitErrorCount: 1, polledEventCount: 5 }, ["ErrorCount"]);
  expect(summary(mappingDatums(now, zero, AT))).toEqual([
    "InvokeErrorCount[EventSourceMappingUUID]=2",
    "CommitErrorCount[EventSourceMappingUUID]=1",
  ]);
  expect(mappingDatums(source({}, ["ErrorCount"]), zero, AT)).toEqual([]);
});

test("a batch the destination refused counts in the function's DestinationDeliveryFailures, opted in or not", () => {
  expect(summary(mappingDatums(source({ onFailureDestinationDeliveryErrorCount: 1 }), zero, AT))).toEqual([
    "DestinationDeliveryFailures[FunctionName]=1",
  ]);
});

test("KafkaMetrics: MaxOffsetLag and SumOffsetLag over the partitions", () => {
  const now = source({ offsetLag: { "t-0": 3, "t-1": 7, "t-2": 0 } }, ["KafkaMetrics"]);
  expect(summary(mappingDatums(now, zero, AT))).toEqual([
    "OffsetLag[FunctionName]=10",
    "OffsetLag[FunctionName,EventSourceMappingUUID]=10",
    "MaxOffsetLag[EventSourceMappingUUID]=7",
    "SumOffsetLag[EventSourceMappingUUID]=10",
  ]);
});

test("a disabled mapping publishes no counts or lag, but its polling errors", () => {
  const now = source({ state: "Disabled", polledEventCount: 0, pollingErrorCount: 1, offsetLag: { "t-0": 4 } }, [
    "EventCount",
    "ErrorCount",
    "KafkaMetrics",
  ]);
  expect(summary(mappingDatums(now, zero, AT))).toEqual(["PollingErrorCount[EventSourceMappingUUID]=1"]);
});

test("the sampler keeps each running mapping's previous counters; a restarted mapping counts from 0", () => {
  let sources: MappingSource[] = [];
  const sampler = new MappingSampler(() => sources);
  const running = source({ polledEventCount: 5 }, ["EventCount"]);
  sources = [running];
  expect(summary(sampler.sample(AT))).toEqual([
    "PolledEventCount[EventSourceMappingUUID]=5",
    "FilteredOutEventCount[EventSourceMappingUUID]=0",
  ]);
  sources = [{ ...running, metrics: { ...running.metrics, polledEventCount: 12 } }];
  expect(summary(sampler.sample(AT))).toContain("PolledEventCount[EventSourceMappingUUID]=7");
  sources = [source({ polledEventCount: 2 }, ["EventCount"])]; // a new identity: the mapping restarted
  expect(summary(sampler.sample(AT))).toContain("PolledEventCount[EventSourceMappingUUID]=2");
});
