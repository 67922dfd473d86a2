/**
 * The hourly pipeline's lake read back: its Parquet objects under `lake/observations/`, copied locally
 * with their Hive paths and read by DuckDB with `hive_partitioning = true`, as a query on S3 would.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import { LAKE_PREFIX, partitionOfKey } from "#hourly/lake-layout";
import { listObjects } from "#shared/s3-objects";
import type { LocalConfig } from "../../config";
import { awsClients } from "../../support/aws";

export interface LakePartition {
  /** `YYYY-MM-DD`. */
  readonly dt: string;
  /** `HH`. */
  readonly hour: string;
  readonly objects: number;
  readonly rows: number;
}

export type LakeRowJson = Record<string, unknown>;

/** Objects and rows per partition, sorted by dt and hour; a partition with objects but no counted rows has 0. */
export function mergePartitions(
  keys: readonly string[],
  rowCounts: ReadonlyArray<{ dt: string; hour: string; rows: number }>,
): LakePartition[] {
  const parts = new Map<string, { dt: string; hour: string; objects: number; rows: number }>();
  const at = (dt: string, hour: string) => {
    const id = `${dt}/${hour}`;
    const p = parts.get(id) ?? { dt, hour, objects: 0, rows: 0 };
    parts.set(id, p);
    return p;
  };
  for (const key of keys) {
    const part = partitionOfKey(key);
    if (part) at(part.dt, part.hour).objects++;
  }
  for (const c of rowCounts) at(c.dt, c.hour).rows += c.rows;
  return [...parts.values()].sort((a, b) => `${a.dt}/${a.hour}`.localeCompare(`${b.dt}/${b.hour}`));
}

/**
 * Runs `sql` on the lake (`lake` is a view of `read_parquet(…, hive_partitioning = true)`; `dt` and
 * `hour` come back as text) with the objects under `prefix` (default: the whole lake) copied locally.
 */
export async function queryLake(
  cfg: LocalConfig,
  bucket: string,
  sql: string,
  prefix = `${LAKE_PREFIX}/`,
): Promise<{ keys: string[]; rows: LakeRowJson[] }> {
  const { s3 } = awsClients(cfg);
  const keys = (await listObjects(s3, bucket, prefix)).map((o) => o.key).filter((k) => partitionOfKey(k));
  if (keys.length === 0) return { keys, rows: [] };
  const dir = mkdtempSync(join(tmpdir(), "sluice-lake-"));
  try {
    await Promise.all(
      keys.map(async (key) => {
        const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const path = join(dir, key);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(
          path,
          await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
      }),
    );
    const duck = await DuckDBInstance.create(":memory:");
    const conn = await duck.connect();
    try {
      const glob = join(dir, LAKE_PREFIX, "*", "*", "*.parquet").replaceAll("'", "''");
      await conn.run(
        `CREATE VIEW lake AS SELECT * REPLACE (strftime(dt, '%Y-%m-%d') AS dt, lpad(hour::VARCHAR, 2, '0') AS hour)
         FROM read_parquet('${glob}', hive_partitioning = true)`,
      );
      return { keys, rows: (await conn.runAndReadAll(sql)).getRowObjectsJson() as LakeRowJson[] };
    } finally {
      conn.closeSync();
      duck.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Objects and rows per `dt/hour` partition of the lake (or of the objects under `prefix`). */
export async function lakePartitions(
  cfg: LocalConfig,
  outputs: Record<string, string>,
  prefix?: string,
): Promise<LakePartition[]> {
  const bucket = outputs.LakeBucketName;
  if (!bucket) throw new Error("stack output LakeBucketName is missing: is the data stack deployed?");
  const { keys, rows } = await queryLake(
    cfg,
    bucket,
    "SELECT dt, hour, count(*)::INTEGER AS rows FROM lake GROUP BY dt, hour",
    prefix,
  );
  return mergePartitions(
    keys,
    rows.map((r) => ({ dt: String(r.dt), hour: String(r.hour), rows: Number(r.rows) })),
  );
}
