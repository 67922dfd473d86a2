/**
 * The training dataset: Parquet files in the lake bucket, one per (batch, partition), named by the
 * input topic, partition and the first offset of that partition in the batch. A retried batch starts
 * at the same offset, so it rewrites the same file instead of adding a second copy of its rows.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import type { DatasetRow } from "#faces/contracts";

export const DATASET_PREFIX = "datasets/faces/v1";

export function datasetKey(topic: string, partition: number, firstOffset: number): string {
  return `${DATASET_PREFIX}/topic=${topic}/partition=${partition}/${topic}-${partition}-${String(firstOffset).padStart(20, "0")}.parquet`;
}

/** Column order and Parquet types of the dataset (documented in the README). */
export function datasetParquet(rows: readonly DatasetRow[]): Buffer {
  const col = <K extends keyof DatasetRow>(name: K, type: "STRING" | "INT32" | "INT64" | "TIMESTAMP") => ({
    name,
    type,
    nullable: false,
    data: rows.map((r) => {
      const v = r[name];
      if (type === "INT64") return BigInt(v as number);
      if (type === "TIMESTAMP") return new Date(v as string);
      return v;
    }),
  });
  const buffer = parquetWriteBuffer({
    columnData: [
      col("image_sha256", "STRING"),
      col("wikidata_id", "STRING"),
      col("person_name", "STRING"),
      col("source", "STRING"),
      col("source_url", "STRING"),
      col("s3_key", "STRING"),
      col("width", "INT32"),
      col("height", "INT32"),
      col("bytes", "INT32"),
      col("original_format", "STRING"),
      col("phash", "STRING"),
      col("cleaned_at", "TIMESTAMP"),
      col("kafka_topic", "STRING"),
      col("kafka_partition", "INT32"),
      col("kafka_offset", "INT64"),
    ],
    createdBy: "sluice",
  });
  return Buffer.from(buffer);
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
