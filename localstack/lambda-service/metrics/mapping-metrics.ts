/**
 * A Kafka mapping's metrics, sampled from its poller's counters (esm/metrics.ts, where every counting rule
 * lives): each sample turns what the counters gained since the previous one into datums, and the partitions'
 * offset lag into OffsetLag (always, as AWS publishes it) and, when the mapping's `MetricsConfig` opts in, the
 * EventCount, ErrorCount and KafkaMetrics groups (Lambda developer guide, "Event source mapping metrics").
 *
 * What AWS says a metric is emitted with: PolledEventCount is 0 for an empty poll (so it is published while the
 * mapping is enabled, even at 0); FilteredOutEventCount is 0 for events that pass the filter (published whenever
 * events were polled); the ErrorCount group only when an error happened; nothing while the mapping is disabled,
 * except errors (a mapping that cannot connect is disabled, and its PollingErrorCount is what explains it).
 * The rest (InvokedEventCount, …) is published when it is not 0: AWS's documentation is silent there.
 */
import type { PollerMetrics } from "../esm/poller-types";
import type { Datum } from "./aggregator";
import {
  FUNCTION_METRICS,
  functionDimensions,
  LAMBDA_NAMESPACE,
  MAPPING_METRIC_UNIT,
  type MappingMetricGroup,
  type MappingMetricName,
  mappingDimensions,
} from "./definitions";

/** One running mapping, as the sampler reads it. */
export interface MappingSource {
  /** The running mapping (a restarted mapping is a new one: its poller counts from 0 again). */
  readonly identity: object;
  readonly uuid: string;
  readonly functionName: string;
  readonly metricsConfig: readonly MappingMetricGroup[];
  readonly metrics: PollerMetrics;
}

/** The counters behind the event and error counts, by AWS's metric names. */
const COUNTERS = {
  PolledEventCount: (m: PollerMetrics) => m.polledEventCount,
  FilteredOutEventCount: (m: PollerMetrics) => m.filteredOutEventCount,
  InvokedEventCount: (m: PollerMetrics) => m.invokedEventCount,
  FailedInvokeEventCount: (m: PollerMetrics) => m.failedInvokeEventCount,
  DroppedEventCount: (m: PollerMetrics) => m.droppedEventCount,
  OnFailureDestinationDeliveredEventCount: (m: PollerMetrics) => m.onFailureDestinationDeliveredEventCount,
  CommittedEventCount: (m: PollerMetrics) => m.committedEventCount,
  PollingErrorCount: (m: PollerMetrics) => m.pollingErrorCount,
  InvokeErrorCount: (m: PollerMetrics) => m.invokeErrorCount,
  OnFailureDestinationDeliveryErrorCount: (m: PollerMetrics) => m.onFailureDestinationDeliveryErrorCount,
  CommitErrorCount: (m: PollerMetrics) => m.commitErrorCount,
} as const satisfies Partial<Record<MappingMetricName, (m: PollerMetrics) => number>>;

type CountedMetric = keyof typeof COUNTERS;

/** Published whenever the mapping is enabled (0 included); the other counts only when not 0. */
const ALWAYS_WHEN_ENABLED: ReadonlySet<CountedMetric> = new Set(["PolledEventCount"]);

const GROUP_OF: Readonly<Record<CountedMetric, MappingMetricGroup>> = {
  PolledEventCount: "EventCount",
  FilteredOutEventCount: "EventCount",
  InvokedEventCount: "EventCount",
  FailedInvokeEventCount: "EventCount",
  DroppedEventCount: "EventCount",
  OnFailureDestinationDeliveredEventCount: "EventCount",
  CommittedEventCount: "EventCount",
  PollingErrorCount: "ErrorCount",
  InvokeErrorCount: "ErrorCount",
  OnFailureDestinationDeliveryErrorCount: "ErrorCount",
  CommitErrorCount: "ErrorCount",
};

/** The datums of one sample of a mapping, given its previous sample (undefined: its poller just started). */
export function mappingDatums(source: MappingSource, previous: PollerMetrics | undefined, atMs: number): Datum[] {
  const { metrics } = source;
  const enabled = metrics.state === "Enabled";
  const groups = new Set(source.metricsConfig);
  const out: Datum[] = [];
  const byMapping = mappingDimensions(source.uuid);
  const mappingDatum = (name: MappingMetricName, value: number): Datum => ({
    namespace: LAMBDA_NAMESPACE,
    name,
    unit: MAPPING_METRIC_UNIT,
    dimensions: byMapping,
    value,
    atMs,
  });
  const gained = (name: CountedMetric) => COUNTERS[name](metrics) - (previous ? COUNTERS[name](previous) : 0);

  for (const name of Object.keys(COUNTERS) as CountedMetric[]) {
    if (!groups.has(GROUP_OF[name])) continue;
    const value = gained(name);
    const publish =
      value > 0 ||
      (enabled && ALWAYS_WHEN_ENABLED.has(name)) ||
      (name === "FilteredOutEventCount" && gained("PolledEventCount") > 0);
    if (publish) out.push(mappingDatum(name, value));
  }

  // As AWS: a failed delivery to the on-failure destination counts 1 in the function's DestinationDeliveryFailures.
  const failedDeliveries = gained("OnFailureDestinationDeliveryErrorCount");
  if (failedDeliveries > 0) {
    out.push({
      namespace: LAMBDA_NAMESPACE,
      name: "DestinationDeliveryFailures",
      unit: FUNCTION_METRICS.DestinationDeliveryFailures,
      dimensions: functionDimensions(source.functionName),
      value: failedDeliveries,
      atMs,
    });
  }

  const lags = Object.values(metrics.offsetLag);
  if (enabled && lags.length > 0) {
    const sum = lags.reduce((a, b) => a + b, 0);
    // OffsetLag is the topic's: the records waiting in all of the mapping's partitions. Per function, and per
    // function and mapping (the dimensions the stages' OffsetLag alarms name: lib/constructs/stage-alarms.ts).
    const byFunction = functionDimensions(source.functionName);
    for (const dimensions of [byFunction, [...byFunction, ...byMapping]]) {
      out.push({
        namespace: LAMBDA_NAMESPACE,
        name: "OffsetLag",
        unit: FUNCTION_METRICS.OffsetLag,
        dimensions,
        value: sum,
        atMs,
      });
    }
    if (groups.has("KafkaMetrics")) {
      out.push(mappingDatum("MaxOffsetLag", Math.max(...lags)), mappingDatum("SumOffsetLag", sum));
    }
  }
  return out;
}

/** Samples the running mappings, remembering each one's previous counters. */
export class MappingSampler {
  private previous = new WeakMap<object, PollerMetrics>();

  constructor(private readonly sources: () => readonly MappingSource[]) {}

  sample(atMs: number): Datum[] {
    const out: Datum[] = [];
    for (const source of this.sources()) {
      out.push(...mappingDatums(source, this.previous.get(source.identity), atMs));
      this.previous.set(source.identity, source.metrics);
    }
    return out;
  }
}
