/**
 * What the pipeline produced, read back from where it wrote: the metadata table (every decision
 * with its reason), the buckets, and the Parquet dataset (through DuckDB).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { paginateScan } from "@aws-sdk/lib-dynamodb";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Item, type PipelineCounts, summarizeItems } from "#faces/summary";
import { listObjects } from "#shared/s3-objects";
import { DATASET_PREFIX } from "../../../lambdas/faces/clean/dataset";
import type { LocalConfig } from "../../config";
import { awsClients } from "../../support/aws";

export interface PipelineSummary extends PipelineCounts {
  readonly images: { readonly objects: number; readonly bytes: number };
  readonly dataset: { readonly files: number; readonly rows: number; readonly bytes: number };
  readonly failureRecords: number;
}

export { type Item, summarizeItems };

export async function scanTable(cfg: LocalConfig, table: string): Promise<Item[]> {
  const items: Item[] = [];
  const client = awsClients(cfg).documents;
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

/** The dataset's rows, read by DuckDB from the Parquet files in the lake bucket (copied locally first). */
export async function readDataset(
  cfg: LocalConfig,
  lakeBucket: string,
): Promise<{ files: Array<{ key: string; size: number }>; rows: Item[] }> {
  const { s3 } = awsClients(cfg);
  const dir = mkdtempSync(join(tmpdir(), "sluice-dataset-"));
  try {
    const files = (await listObjects(s3, lakeBucket, `${DATASET_PREFIX}/`)).filter((f) => f.key.endsWith(".parquet"));
    if (files.length === 0) return { files, rows: [] };
    const paths = await Promise.all(
      files.map(async (f, i) => {
        const body = await s3.send(new GetObjectCommand({ Bucket: lakeBucket, Key: f.key }));
        const path = join(dir, `${i}.parquet`);
        writeFileSync(
          path,
          await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
        return path;
      }),
    );
    const duck = await DuckDBInstance.create(":memory:");
    const conn = await duck.connect();
    try {
      const list = paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(", ");
      const reader = await conn.runAndReadAll(
        `SELECT * FROM read_parquet([${list}]) ORDER BY wikidata_id, image_sha256, kafka_offset`,
      );
      return { files, rows: reader.getRowObjectsJson() as Item[] };
    } finally {
      conn.closeSync();
      duck.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function pipelineSummary(cfg: LocalConfig, outputs: Record<string, string>): Promise<PipelineSummary> {
  const need = (key: string): string => {
    const v = outputs[key];
    if (!v) throw new Error(`stack output ${key} is missing: is the pipeline deployed?`);
    return v;
  };
  const { s3 } = awsClients(cfg);
  const [items, images, failures, dataset] = await Promise.all([
    scanTable(cfg, need("MetadataTableName")),
    listObjects(s3, need("ImagesBucketName")),
    listObjects(s3, need("FailuresBucketName")),
    readDataset(cfg, need("LakeBucketName")),
  ]);
  return {
    ...summarizeItems(items),
    images: { objects: images.length, bytes: images.reduce((a, o) => a + o.size, 0) },
    dataset: {
      files: dataset.files.length,
      rows: dataset.rows.length,
      bytes: dataset.files.reduce((a, f) => a + f.size, 0),
    },
    failureRecords: failures.length,
  };
}
