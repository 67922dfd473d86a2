/** Builds PolledRecords for the poller's unit tests, rendered exactly as the poller renders what it reads. */
import { type PolledRecord, renderRecord, toPolledRecord } from "#local/lambda-service/esm/event";
import type { QueuedRecord } from "#local/lambda-service/esm/partition-state";

export interface RecordOptions {
  readonly topic?: string;
  readonly partition?: number;
  readonly value?: string | Buffer | null;
  readonly timestamp?: number;
}

export function polled(offset: number, options: RecordOptions = {}): PolledRecord {
  const value = options.value === undefined ? `v${offset}` : options.value;
  const base = {
    topic: options.topic ?? "t",
    partition: options.partition ?? 0,
    offset,
    timestamp: options.timestamp ?? 1_700_000_000_000,
    timestampType: "CREATE_TIME" as const,
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers: [],
  };
  return { ...base, ...renderRecord(base) };
}

export function queued(
  record: PolledRecord,
  arrivedAt = 0,
  flags: { filtered?: boolean; oversized?: boolean } = {},
): QueuedRecord {
  return { record, arrivedAt, filtered: flags.filtered ?? false, oversized: flags.oversized ?? false };
}

/** A record as kafkajs hands it over (through toPolledRecord), on topic t, with one header. */
export const fetched = (
  partition: number,
  offset: number,
  value: string | null,
  key: string | null = null,
): PolledRecord =>
  toPolledRecord("t", partition, {
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    timestamp: "1700000000000",
    attributes: 0,
    offset: String(offset),
    headers: { h: "v" },
  });
