/**
 * What the pipeline produced, read back from where it wrote: the metadata table (every decision
 * with its reason), the buckets, and the Parquet dataset (through DuckDB).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { paginateScan } from "@aws-sdk/lib-dynamodb";
import { DuckDBInstance } from "@duckdb/node-api";
import { DATASET_PREFIX } from "../../../lambdas/faces/clean/dataset";
import type { LocalConfig } from "../../config";
import { awsClients } from "../../support/aws";

export interface PipelineSummary {
  readonly people: number;
  /** Candidate records that reached validate (every sighting, repeats included). */
  readonly candidates: number;
  readonly verified: number;
  readonly stored: number;
  readonly clean: number;
  readonly rejected: {
    readonly validate: Record<string, number>;
    readonly store: Record<string, number>;
    readonly clean: Record<string, number>;
  };
  /** Verified URLs whose download has no outcome yet (0 once the pipeline has drained). */
  readonly pendingDownloads: number;
  /** Stored images not judged yet (0 once drained). */
  readonly pendingClean: number;
  readonly images: { readonly objects: number; readonly bytes: number };
  readonly dataset: { readonly files: number; readonly rows: number; readonly bytes: number };
  readonly failureRecords: number;
}

export type Item = Record<string, unknown>;

export async function scanTable(cfg: LocalConfig, table: string): Promise<Item[]> {
  const items: Item[] = [];
  const client = awsClients(cfg).documents;
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

export async function listObjects(
  s3: S3Client,
  bucket: string,
  prefix?: string,
): Promise<Array<{ key: string; size: number }>> {
  const objects: Array<{ key: string; size: number }> = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) objects.push({ key: o.Key ?? "", size: o.Size ?? 0 });
  }
  return objects;
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

function count(into: Record<string, number>, key: unknown): void {
  const k = String(key ?? "unknown");
  into[k] = (into[k] ?? 0) + 1;
}

/** Counts per outcome and reason, from the table's items. Pure: the e2e test uses it on scanned items. */
export function summarizeItems(items: readonly Item[]): Omit<PipelineSummary, "images" | "dataset" | "failureRecords"> {
  const rejected = { validate: {}, store: {}, clean: {} } as PipelineSummary["rejected"];
  let people = 0;
  let candidates = 0;
  let verified = 0;
  let stored = 0;
  let clean = 0;
  let pendingDownloads = 0;
  let pendingClean = 0;
  for (const item of items) {
    if (item.type === "person") people++;
    else if (item.type === "url") {
      const sightings = item.sightings instanceof Set ? item.sightings.size : 1;
      candidates += sightings;
      for (let i = 1; i < sightings; i++) count(rejected.validate, "already-seen");
      if (item.validation === "rejected") count(rejected.validate, item.reason);
      else {
        verified++;
        if (item.download === "rejected") count(rejected.store, item.downloadReason);
        else if (item.download !== "stored") pendingDownloads++;
      }
    } else if (item.type === "image") {
      stored++;
      if (item.status === "clean") clean++;
      else if (item.status === "rejected") count(rejected.clean, item.reason);
      else pendingClean++;
    }
  }
  return { people, candidates, verified, stored, clean, rejected, pendingDownloads, pendingClean };
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
