/**
 * The metrics Lambda publishes to CloudWatch, by AWS's names, units and dimensions (Lambda developer guide,
 * "Types of metrics for Lambda functions"): the one table the service's metrics are named from.
 *
 * Dimensions: function metrics carry `FunctionName` only (the service runs `$LATEST` only, so AWS's `Resource` and
 * `ExecutedVersion` dimensions would repeat it; the dimensionless "across all functions" series is not published);
 * event-source-mapping metrics carry `EventSourceMappingUUID`; OffsetLag, a function metric that AWS documents
 * before the mapping metrics existed, is published per function and per function and mapping (FunctionName +
 * EventSourceMappingUUID, which a stage's OffsetLag alarm names).
 */

export const LAMBDA_NAMESPACE = "AWS/Lambda";

export type MetricUnit = "Count" | "Milliseconds";

/** Metrics per function (dimension FunctionName). */
export const FUNCTION_METRICS = {
  Invocations: "Count",
  Errors: "Count",
  Throttles: "Count",
  Duration: "Milliseconds",
  ConcurrentExecutions: "Count",
  AsyncEventsReceived: "Count",
  AsyncEventAge: "Milliseconds",
  AsyncEventsDropped: "Count",
  DestinationDeliveryFailures: "Count",
  DeadLetterErrors: "Count",
  OffsetLag: "Count",
} as const satisfies Record<string, MetricUnit>;

export type FunctionMetricName = keyof typeof FUNCTION_METRICS;

/** The groups a mapping opts into with `MetricsConfig.Metrics`, and what each holds for a Kafka mapping. */
export const MAPPING_METRIC_GROUPS = {
  EventCount: [
    "PolledEventCount",
    "FilteredOutEventCount",
    "InvokedEventCount",
    "FailedInvokeEventCount",
    "DroppedEventCount",
    "OnFailureDestinationDeliveredEventCount",
    "CommittedEventCount",
  ],
  ErrorCount: [
    "PollingErrorCount",
    "InvokeErrorCount",
    "OnFailureDestinationDeliveryErrorCount",
    "SchemaRegistryErrorCount",
    "CommitErrorCount",
  ],
  KafkaMetrics: ["MaxOffsetLag", "SumOffsetLag"],
} as const;

export type MappingMetricGroup = keyof typeof MAPPING_METRIC_GROUPS;
export type MappingMetricName = (typeof MAPPING_METRIC_GROUPS)[MappingMetricGroup][number];

/** Every mapping metric counts events, errors or offsets. */
export const MAPPING_METRIC_UNIT: MetricUnit = "Count";

export const isMappingMetricGroup = (value: unknown): value is MappingMetricGroup =>
  typeof value === "string" && Object.hasOwn(MAPPING_METRIC_GROUPS, value);

/**
 * A mapping's MetricsConfig as Lambda validates it (EventSourceMappingMetricsConfig): Metrics holds 0 to 3 of
 * EventCount, ErrorCount and KafkaMetrics. Undefined when the mapping has none; throws a message that says why.
 */
export function parseMetricsConfig(raw: unknown): readonly MappingMetricGroup[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const metrics = typeof raw === "object" ? ((raw as { Metrics?: unknown }).Metrics ?? []) : raw;
  if (!Array.isArray(metrics) || metrics.length > 3 || !metrics.every(isMappingMetricGroup)) {
    throw new Error(
      `MetricsConfig.Metrics must hold up to 3 of EventCount, ErrorCount, KafkaMetrics (got ${JSON.stringify(metrics)})`,
    );
  }
  return [...new Set(metrics)];
}

/** A CloudWatch dimension, as PutMetricData takes it. */
export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export const functionDimensions = (functionName: string): Dimension[] => [
  { Name: "FunctionName", Value: functionName },
];

export const mappingDimensions = (uuid: string): Dimension[] => [{ Name: "EventSourceMappingUUID", Value: uuid }];
