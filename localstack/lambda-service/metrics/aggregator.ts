/**
 * Metric datums gathered into one-minute buckets, as Lambda sends its metrics to CloudWatch ("in 1-minute
 * intervals"): per namespace, name, unit, dimensions and minute, a statistic set (SampleCount, Sum, Minimum,
 * Maximum) stamped with the start of its minute. Pure: the publisher drains it and sends what it holds.
 *
 * A minute may be drained more than once (the publisher flushes every few seconds so alarms see data early):
 * CloudWatch combines statistic sets that share a metric and a timestamp, so the parts add up to the minute.
 */
import type { Dimension, MetricUnit } from "./definitions";

export const MINUTE_MS = 60_000;

/** One observation: a count (value 1, or 0 for "did not happen"), a duration, a sampled gauge. */
export interface Datum {
  readonly namespace: string;
  readonly name: string;
  readonly unit: MetricUnit;
  readonly dimensions: readonly Dimension[];
  readonly value: number;
  /** When it happened (epoch ms); it counts in the minute this falls in. */
  readonly atMs: number;
}

export interface StatisticSet {
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
}

/** A metric's statistics for (part of) one minute. */
export interface AggregatedDatum {
  readonly namespace: string;
  readonly name: string;
  readonly unit: MetricUnit;
  readonly dimensions: readonly Dimension[];
  /** The start of the minute (epoch ms, a multiple of 60,000). */
  readonly minuteMs: number;
  readonly statistics: StatisticSet;
}

/** The start of the minute `atMs` falls in. */
export const minuteOf = (atMs: number): number => Math.floor(atMs / MINUTE_MS) * MINUTE_MS;

/** Dimensions name a metric whatever their order. */
function keyOf(d: Omit<Datum, "value" | "atMs">, minuteMs: number): string {
  const dims = [...d.dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return JSON.stringify([d.namespace, d.name, d.unit, dims.map((x) => [x.Name, x.Value]), minuteMs]);
}

interface Bucket {
  readonly head: Omit<AggregatedDatum, "statistics">;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

export class MinuteAggregator {
  private buckets = new Map<string, Bucket>();

  add(datum: Datum): void {
    if (!Number.isFinite(datum.value)) return; // CloudWatch rejects NaN and infinities
    const minuteMs = minuteOf(datum.atMs);
    const key = keyOf(datum, minuteMs);
    const bucket = this.buckets.get(key);
    if (bucket) {
      bucket.sampleCount++;
      bucket.sum += datum.value;
      bucket.minimum = Math.min(bucket.minimum, datum.value);
      bucket.maximum = Math.max(bucket.maximum, datum.value);
      return;
    }
    const { namespace, name, unit, dimensions } = datum;
    this.buckets.set(key, {
      head: { namespace, name, unit, dimensions: [...dimensions], minuteMs },
      sampleCount: 1,
      sum: datum.value,
      minimum: datum.value,
      maximum: datum.value,
    });
  }

  /** Buckets waiting to be sent. */
  get size(): number {
    return this.buckets.size;
  }

  /** Everything gathered since the last drain, oldest minute first; the aggregator is then empty. */
  drain(): AggregatedDatum[] {
    const buckets = [...this.buckets.values()];
    this.buckets = new Map();
    return buckets
      .map((b) => ({
        ...b.head,
        statistics: { sampleCount: b.sampleCount, sum: b.sum, minimum: b.minimum, maximum: b.maximum },
      }))
      .sort((a, b) => a.minuteMs - b.minuteMs);
  }
}
