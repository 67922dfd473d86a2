/**
 * The training dataset: Parquet files in the lake bucket, one per (batch, partition), named by the
 * input topic, partition and the first offset of that partition in the batch. A retried batch starts
 * at the same offset, so it rewrites the same file instead of adding a second copy of its rows.
 */
import type { DatasetRow } from "#faces/contracts";
import { type ParquetColumn, parquetBuffer } from "#shared/parquet";

export const DATASET_PREFIX = "datasets/faces/v1";

export function datasetKey(topic: string, partition: number, firstOffset: number): string {
  return `${DATASET_PREFIX}/topic=${topic}/partition=${partition}/${topic}-${partition}-${String(firstOffset).padStart(20, "0")}.parquet`;
}

/** Column order and Parquet types of the dataset (documented in the README). */
const DATASET_COLUMNS: ReadonlyArray<ParquetColumn<DatasetRow>> = [
  { name: "image_sha256", type: "STRING" },
  { name: "wikidata_id", type: "STRING" },
  { name: "person_name", type: "STRING" },
  { name: "source", type: "STRING" },
  { name: "source_url", type: "STRING" },
  { name: "s3_key", type: "STRING" },
  { name: "width", type: "INT32" },
  { name: "height", type: "INT32" },
  { name: "bytes", type: "INT32" },
  { name: "original_format", type: "STRING" },
  { name: "phash", type: "STRING" },
  { name: "cleaned_at", type: "TIMESTAMP" },
  { name: "kafka_topic", type: "STRING" },
  { name: "kafka_partition", type: "INT32" },
  { name: "kafka_offset", type: "INT64" },
];

export function datasetParquet(rows: readonly DatasetRow[]): Buffer {
  return parquetBuffer(rows, DATASET_COLUMNS);
}

export interface DatasetFile {
  readonly key: string;
  readonly rows: DatasetRow[];
}

/**
 * The files of one batch: for each partition of the event that produced rows, its rows in offset
 * order under a key from the partition's first offset in the event.
 */
export function batchFiles(
  eventRecords: Record<string, ReadonlyArray<{ topic: string; partition: number; offset: number }>>,
  rows: readonly DatasetRow[],
): DatasetFile[] {
  const files: DatasetFile[] = [];
  for (const records of Object.values(eventRecords)) {
    const first = records.reduce(
      (a, b) => (b.offset < a.offset ? b : a),
      records[0] ?? { topic: "", partition: 0, offset: 0 },
    );
    const own = rows
      .filter((r) => r.kafka_topic === first.topic && r.kafka_partition === first.partition)
      .sort((a, b) => a.kafka_offset - b.kafka_offset);
    if (own.length > 0) files.push({ key: datasetKey(first.topic, first.partition, first.offset), rows: own });
  }
  return files;
}
