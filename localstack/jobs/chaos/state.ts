/**
 * The pipelines' data, found by the stack outputs (every output ending in TableName or BucketName): wiped before a
 * pass, captured after it, normalised by normalise.ts's rules into a Capture (compare.ts) keyed by output name.
 * Parquet objects are read and compared by their rows; other objects by a hash of their bytes.
 */
import { createHash } from "node:crypto";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectsCommand, GetObjectCommand, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { BatchWriteCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import { parquetReadObjects } from "hyparquet";
import type { LocalConfig } from "../../config";
import { awsClients } from "../../support/aws";
import type { Capture } from "./compare";
import { BUCKET_RULES, normaliseItem, normaliseRow, rowMultiset, stableJson, TABLE_RULES } from "./normalise";

export interface DataResources {
  /** output key → table name */
  readonly tables: Readonly<Record<string, string>>;
  /** output key → bucket name */
  readonly buckets: Readonly<Record<string, string>>;
}

/**
 * The deployed tables and buckets, by output key (only those named in `scope`, when given); fails clearly when
 * nothing is deployed.
 */
export function dataResources(outputs: Readonly<Record<string, string>>, scope?: readonly string[]): DataResources {
  const pick = (suffix: string) =>
    Object.fromEntries(
      Object.entries(outputs).filter(
        ([k, v]) => k.endsWith(suffix) && v !== "" && (scope === undefined || scope.includes(k)),
      ),
    );
  const tables = pick("TableName");
  const buckets = pick("BucketName");
  if (!tables.BankTableName || !outputs.TransactionsTopic || !outputs.TweetsTopic) {
    throw new Error(
      "the analytics stack is not deployed (no BankTableName / TransactionsTopic output): run `npm start` or npm run deploy:local first",
    );
  }
  return { tables, buckets };
}

async function keyNames(cfg: LocalConfig, table: string): Promise<string[]> {
  const { Table } = await awsClients(cfg).dynamodb.send(new DescribeTableCommand({ TableName: table }));
  return (Table?.KeySchema ?? []).map((k) => k.AttributeName ?? "");
}

/** Batches of 25 deletes written this many at a time: DynamoDB Local behind LocalStack answers each slowly. */
const WRITE_CONCURRENCY = 8;
/** Items per Scan page: bounded, so DynamoDB Local never builds one large page (a full run's tables hold ~100,000). */
const SCAN_PAGE = 1_000;

/** Deletes every item of the table; returns how many. */
async function emptyTable(cfg: LocalConfig, table: string): Promise<number> {
  const db = awsClients(cfg).documents;
  const names = await keyNames(cfg, table);
  const keys: Array<Record<string, unknown>> = [];
  for await (const page of paginateScan(
    { client: db },
    {
      TableName: table,
      Limit: SCAN_PAGE,
      ProjectionExpression: names.map((_, i) => `#k${i}`).join(","),
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#k${i}`, n])),
    },
  )) {
    keys.push(...(page.Items ?? []));
  }
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
  const deleteBatch = async (batch: Array<Record<string, unknown>>): Promise<void> => {
    let requests = batch.map((Key) => ({ DeleteRequest: { Key } }));
    while (requests.length > 0) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  };
  for (let i = 0; i < batches.length; i += WRITE_CONCURRENCY) {
    await Promise.all(batches.slice(i, i + WRITE_CONCURRENCY).map(deleteBatch));
  }
  return keys.length;
}

/** Deletes every object of the bucket; returns how many. */
async function emptyBucket(cfg: LocalConfig, bucket: string): Promise<number> {
  const s3 = awsClients(cfg).s3;
  let deleted = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key ?? "" }));
    if (keys.length === 0) continue;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    deleted += keys.length;
  }
  return deleted;
}

/** Empties every deployed table and bucket (the committed offsets are already past older records). */
export async function wipeData(cfg: LocalConfig, data: DataResources): Promise<{ items: number; objects: number }> {
  let items = 0;
  let objects = 0;
  for (const table of Object.values(data.tables)) items += await emptyTable(cfg, table);
  for (const bucket of Object.values(data.buckets)) objects += await emptyBucket(cfg, bucket);
  return { items, objects };
}

async function captureTable(
  cfg: LocalConfig,
  output: string,
  table: string,
): Promise<{ entries: Map<string, string>; size: Size }> {
  const rule = TABLE_RULES[output];
  const names = await keyNames(cfg, table);
  const entries = new Map<string, string>();
  let items = 0;
  for await (const page of paginateScan(
    { client: awsClients(cfg).documents },
    { TableName: table, ConsistentRead: true, Limit: SCAN_PAGE },
  )) {
    for (const item of page.Items ?? []) {
      const key = rule?.rekey?.(item) ?? names.map((n) => String(item[n])).join(" ");
      entries.set(key, stableJson(normaliseItem(rule, item)));
      items += 1;
    }
  }
  return { entries, size: { items } };
}

async function readObject(cfg: LocalConfig, bucket: string, key: string): Promise<Uint8Array> {
  const out = await awsClients(cfg).s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return out.Body.transformToByteArray();
}

async function captureBucket(
  cfg: LocalConfig,
  output: string,
  bucket: string,
): Promise<{ entries: Map<string, string>; size: Size }> {
  const rule = BUCKET_RULES[output];
  let objects = 0;
  let parquetRows = 0;
  const skipped = Object.keys(rule?.skipPrefixes ?? {});
  const hashes = new Map<string, string[]>();
  const rows = new Map<string, Map<string, number>>();
  for await (const page of paginateListObjectsV2({ client: awsClients(cfg).s3 }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? "";
      if (skipped.some((p) => key.startsWith(p))) continue;
      const entry = rule?.key?.(key) ?? key;
      objects += 1;
      const bytes = await readObject(cfg, bucket, key);
      if (key.endsWith(".parquet")) {
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        const counts = rows.get(entry) ?? new Map<string, number>();
        const read = await parquetReadObjects({ file: buffer });
        parquetRows += read.length;
        for (const [row, n] of rowMultiset(read.map((r) => normaliseRow(rule, key, r)))) {
          counts.set(row, (counts.get(row) ?? 0) + n);
        }
        rows.set(entry, counts);
      } else {
        const list = hashes.get(entry) ?? [];
        list.push(createHash("sha256").update(bytes).digest("hex"));
        hashes.set(entry, list);
      }
    }
  }
  const entries = new Map<string, string>();
  // A key that stands for several objects (its volatile part removed) is compared by how many there are.
  for (const [key, list] of hashes) entries.set(key, rule?.key ? `${list.length} objects` : list.join(","));
  for (const [dir, counts] of rows) for (const [row, n] of counts) entries.set(`${dir} ${row}`, `${n}×`);
  return { entries, size: { objects, rows: parquetRows } };
}

/** What a table or bucket held: items, or objects and the Parquet rows among them. */
export interface Size {
  readonly items?: number;
  readonly objects?: number;
  readonly rows?: number;
}

export interface Captured {
  readonly capture: Capture;
  /** Per group captured, how much it held (before normalising). */
  readonly sizes: Readonly<Record<string, Size>>;
  /** Groups left out, with why. */
  readonly skipped: ReadonlyArray<{ readonly group: string; readonly why: string }>;
}

/** The end state of every deployed table and bucket, normalised, by output key. */
export async function captureState(cfg: LocalConfig, data: DataResources): Promise<Captured> {
  const capture = new Map<string, ReadonlyMap<string, string>>();
  const skipped: Array<{ group: string; why: string }> = [];
  const sizes: Record<string, Size> = {};
  const keep = (output: string, got: { entries: Map<string, string>; size: Size }): void => {
    capture.set(output, got.entries);
    sizes[output] = got.size;
  };
  for (const [output, table] of Object.entries(data.tables)) {
    const why = TABLE_RULES[output]?.skip;
    if (why) skipped.push({ group: output, why });
    else keep(output, await captureTable(cfg, output, table));
  }
  for (const [output, bucket] of Object.entries(data.buckets)) {
    const rule = BUCKET_RULES[output];
    if (rule?.skip) skipped.push({ group: output, why: rule.skip });
    else keep(output, await captureBucket(cfg, output, bucket));
    for (const [prefix, why] of Object.entries(rule?.skipPrefixes ?? {}))
      skipped.push({ group: `${output} ${prefix}`, why });
  }
  return { capture, sizes, skipped };
}
