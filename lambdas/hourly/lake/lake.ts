/**
 * The lake of observations: what a record becomes (a typed row), where it goes (a Hive partition of its
 * own time's date and hour), and how a batch's rows are cut into objects. Pure: the handler decodes,
 * calls these, and writes what they return.
 *
 * One object per (Kafka partition, lake partition) of a batch, named by the first offset of its rows:
 * a redelivered batch gives the same keys and, the rows being in offset order and the writer
 * deterministic, the same bytes; two batches of one Kafka partition landing in one hour start at
 * different offsets, so they add two objects and never overwrite each other.
 */
import { LAKE_PREFIX } from "#hourly/lake-layout";
import { type Observation, observationSchema, partitionOf } from "#hourly/observation";
import type { KafkaRecordLike } from "#shared/kafka-batch";
import { type ParquetColumn, parquetBuffer } from "#shared/parquet";

export { LAKE_PREFIX };

/** One row of the lake: the observation's columns, the run that produced it, and the record it came from. */
export interface LakeRow {
  readonly station: string;
  /** ISO 8601; stored as a Parquet TIMESTAMP. */
  readonly time: string;
  readonly temp: number | null;
  readonly dwpt: number | null;
  readonly rhum: number | null;
  readonly prcp: number | null;
  readonly wdir: number | null;
  readonly wspd: number | null;
  readonly pres: number | null;
  readonly run_hour: string;
  readonly run_attempt: number;
  readonly kafka_topic: string;
  readonly kafka_partition: number;
  readonly kafka_offset: number;
}

/** Column order and Parquet types of the lake (documented in the README); `dt` and `hour` come from the path. */
export const LAKE_COLUMNS: ReadonlyArray<ParquetColumn<LakeRow>> = [
  { name: "station", type: "STRING" },
  { name: "time", type: "TIMESTAMP" },
  ...(["temp", "dwpt", "rhum", "prcp", "wdir", "wspd", "pres"] as const).map(
    (name): ParquetColumn<LakeRow> => ({ name, type: "DOUBLE", nullable: true }),
  ),
  { name: "run_hour", type: "STRING" },
  { name: "run_attempt", type: "INT32" },
  { name: "kafka_topic", type: "STRING" },
  { name: "kafka_partition", type: "INT32" },
  { name: "kafka_offset", type: "INT64" },
];

export type Decoded =
  | { readonly ok: true; readonly observation: Observation }
  | { readonly ok: false; readonly reason: string };

/** A record's value as an observation, or why it is not one (`not-json`, or `invalid:<field>,…`). */
export function decodeObservation(value: string | undefined): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(value ?? "");
  } catch {
    return { ok: false, reason: "not-json" };
  }
  const parsed = observationSchema.safeParse(json);
  if (parsed.success) return { ok: true, observation: parsed.data };
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "value"))].sort();
  return { ok: false, reason: `invalid:${fields.join(",")}` };
}

export function toRow(o: Observation, record: KafkaRecordLike): LakeRow {
  return {
    station: o.station,
    time: new Date(o.time).toISOString(),
    temp: o.temp,
    dwpt: o.dwpt,
    rhum: o.rhum,
    prcp: o.prcp,
    wdir: o.wdir,
    wspd: o.wspd,
    pres: o.pres,
    run_hour: o.run.hour,
    run_attempt: o.run.attempt,
    kafka_topic: record.topic,
    kafka_partition: record.partition,
    kafka_offset: record.offset,
  };
}

/** `lake/observations/dt=…/hour=…/<topic>-<partition>-<first offset, 20 digits>.parquet` (zero-padded so keys sort by offset). */
export function lakeKey(
  part: { dt: string; hour: string },
  topic: string,
  partition: number,
  firstOffset: number,
): string {
  return `${LAKE_PREFIX}/dt=${part.dt}/hour=${part.hour}/${topic}-${partition}-${String(firstOffset).padStart(20, "0")}.parquet`;
}

export interface LakeFile {
  readonly key: string;
  readonly dt: string;
  readonly hour: string;
  /** In offset order. */
  readonly rows: LakeRow[];
}

/** The objects of a batch's rows: one per (Kafka topic and partition, lake partition), sorted by key. */
export function lakeFiles(rows: readonly LakeRow[]): LakeFile[] {
  const groups = new Map<string, { dt: string; hour: string; rows: LakeRow[] }>();
  for (const row of rows) {
    const part = partitionOf(row.time);
    const id = `${row.kafka_topic}\u0000${row.kafka_partition}\u0000${part.dt}\u0000${part.hour}`;
    const group = groups.get(id) ?? { ...part, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  const files = [...groups.values()].map(({ dt, hour, rows: own }) => {
    const ordered = [...own].sort((a, b) => a.kafka_offset - b.kafka_offset);
    const first = ordered[0] as LakeRow;
    return {
      key: lakeKey({ dt, hour }, first.kafka_topic, first.kafka_partition, first.kafka_offset),
      dt,
      hour,
      rows: ordered,
    };
  });
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function lakeParquet(rows: readonly LakeRow[]): Buffer {
  return parquetBuffer(rows, LAKE_COLUMNS);
}
