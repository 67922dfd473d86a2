/**
 * Aggregated datums as PutMetricData requests within CloudWatch's limits: one namespace per request, at most
 * 1,000 datums and a 1 MB request. The size is reckoned as the query protocol would encode the request (the
 * longest of CloudWatch's encodings), so a request that fits here fits whichever protocol the SDK speaks.
 */
import type { AggregatedDatum } from "./aggregator";
import type { MetricUnit } from "./definitions";

/** CloudWatch's documented PutMetricData limits. */
export const PUT_METRIC_DATA_LIMITS = { maxDatums: 1000, maxBytes: 1_000_000 } as const;

export interface MetricDatumInput {
  readonly MetricName: string;
  readonly Dimensions: Array<{ readonly Name: string; readonly Value: string }>;
  readonly Timestamp: Date;
  readonly Unit: MetricUnit;
  readonly StatisticValues: {
    readonly SampleCount: number;
    readonly Sum: number;
    readonly Minimum: number;
    readonly Maximum: number;
  };
}

export interface PutMetricDataInput {
  readonly Namespace: string;
  readonly MetricData: MetricDatumInput[];
}

export function datumInput(d: AggregatedDatum): MetricDatumInput {
  return {
    MetricName: d.name,
    Dimensions: d.dimensions.map(({ Name, Value }) => ({ Name, Value })),
    Timestamp: new Date(d.minuteMs),
    Unit: d.unit,
    StatisticValues: {
      SampleCount: d.statistics.sampleCount,
      Sum: d.statistics.sum,
      Minimum: d.statistics.minimum,
      Maximum: d.statistics.maximum,
    },
  };
}

const field = (key: string, value: string | number): number =>
  key.length + 1 + encodeURIComponent(String(value)).length + 1;

/** Bytes the datum takes as member `index` (1-based) of a query-encoded PutMetricData request. */
export function encodedSize(datum: MetricDatumInput, index: number): number {
  const p = `MetricData.member.${index}.`;
  let size =
    field(`${p}MetricName`, datum.MetricName) +
    field(`${p}Timestamp`, datum.Timestamp.toISOString()) +
    field(`${p}Unit`, datum.Unit);
  for (const [name, value] of Object.entries(datum.StatisticValues))
    size += field(`${p}StatisticValues.${name}`, value);
  datum.Dimensions.forEach((d, i) => {
    size +=
      field(`${p}Dimensions.member.${i + 1}.Name`, d.Name) + field(`${p}Dimensions.member.${i + 1}.Value`, d.Value);
  });
  return size;
}

/** The request's fixed part: Action, Version and Namespace. */
const envelopeSize = (namespace: string): number =>
  field("Action", "PutMetricData") + field("Version", "2010-08-01") + field("Namespace", namespace);

/** Splits datums into requests: grouped by namespace, in order, each within the limits. */
export function putMetricDataRequests(
  datums: readonly AggregatedDatum[],
  limits: { readonly maxDatums: number; readonly maxBytes: number } = PUT_METRIC_DATA_LIMITS,
): PutMetricDataInput[] {
  const byNamespace = new Map<string, MetricDatumInput[]>();
  for (const d of datums) {
    const list = byNamespace.get(d.namespace) ?? [];
    list.push(datumInput(d));
    byNamespace.set(d.namespace, list);
  }
  const requests: PutMetricDataInput[] = [];
  for (const [namespace, inputs] of byNamespace) {
    let current: MetricDatumInput[] = [];
    let bytes = envelopeSize(namespace);
    for (const input of inputs) {
      const size = encodedSize(input, current.length + 1);
      if (current.length > 0 && (current.length >= limits.maxDatums || bytes + size > limits.maxBytes)) {
        requests.push({ Namespace: namespace, MetricData: current });
        current = [];
        bytes = envelopeSize(namespace);
      }
      current.push(input);
      bytes += encodedSize(input, current.length);
    }
    if (current.length > 0) requests.push({ Namespace: namespace, MetricData: current });
  }
  return requests;
}
