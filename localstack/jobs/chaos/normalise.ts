/**
 * What of the end state is compared, and what is not: the explicit, per-table and per-bucket list of volatile
 * attributes (when a record was applied, by which Kafka record, request ids) and key parts (Kafka partitions and
 * offsets, file names that follow batch boundaries), dropped before two passes are compared. Everything else is
 * compared exactly. Pure: the capture (state.ts) reads, this decides.
 *
 * Groups are named by the stack output that names the table or bucket, never by its physical name.
 */

type Item = Readonly<Record<string, unknown>>;

export interface TableRule {
  /** Attributes whose values differ from run to run by design; dropped. */
  readonly volatile: readonly string[];
  /** Why the table is left out of the comparison, when it is. */
  readonly skip?: string;
  /** The entry key of an item whose own key holds a volatile part (a Kafka correlation id). */
  readonly rekey?: (item: Item) => string | undefined;
}

/** Every table output the chaos job knows; a deployed table missing here is compared with no volatile attributes. */
export const TABLE_RULES: Readonly<Record<string, TableRule>> = {
  // The ledger: markers, accounts, transactions. firstBy/appliedBy/openedBy name the Kafka record that did it, seenBy
  // the records that repeated it (a redelivery adds one: the chaos pass may have more), the *At times are clocks.
  BankTableName: {
    volatile: ["firstBy", "seenBy", "recordedAt", "appliedBy", "appliedAt", "openedBy"],
    // An unreadable message is kept under its correlation id (topic-partition-offset): keyed by its value instead.
    rekey: (item) => (item.kind === "invalid" ? `INVALID ${String(item.value)}` : undefined),
  },
  // Counters and their receipts (appliedBy: the Kafka record; appliedAt: a clock), rejected lines (firstSeenBy, rejectedAt).
  TweetHashtagsTableName: { volatile: ["appliedBy", "appliedAt", "firstSeenBy", "rejectedAt"] },
  TweetTrackerTableName: { volatile: ["appliedBy", "appliedAt", "firstSeenBy", "rejectedAt"] },
  TweetUsersTableName: { volatile: [] },
  // The face pipeline's single table (lambdas/faces/shared/metadata.ts): PROFILE items say when and by which Kafka
  // record they were scraped (scrapedAt, scrapedBy), URL items when they were validated (verifiedAt), which candidate
  // record saw them first (firstSeenBy) and every record that carried them (sightings: a scrape retried under faults
  // sends its candidates again, at new offsets, so the chaos pass may rightly hold more), IMAGE items when and by which
  // record they were stored and judged (storedAt, storedBy, cleanedAt, cleanedBy). Kafka records are named
  // topic-partition-offset, and the offsets go on from pass to pass.
  MetadataTableName: {
    volatile: [
      "scrapedAt",
      "scrapedBy",
      "verifiedAt",
      "firstSeenBy",
      "sightings",
      "storedAt",
      "storedBy",
      "cleanedAt",
      "cleanedBy",
    ],
  },
  HourlyRunsTableName: {
    volatile: [],
    skip: "fed by the hourly schedule (clock-driven), not by the chaos input: a firing in one pass only is no fault",
  },
};

export interface BucketRule {
  /** Key prefixes left out, each with why. */
  readonly skipPrefixes?: Readonly<Record<string, string>>;
  /** Why the whole bucket is left out, when it is. */
  readonly skip?: string;
  /**
   * The entry key of an object key: volatile parts (a batch's Kafka partition and offsets, a request id, a time)
   * replaced. Parquet objects are grouped by this key and compared by their rows, so file boundaries do not matter.
   */
  readonly key?: (key: string) => string;
  /** Parquet columns dropped from the rows of objects under a key prefix (prefix → columns), each rule with why. */
  readonly volatileColumns?: Readonly<Record<string, readonly string[]>>;
}

/** `…/part-<anything>.parquet` and similar batch-named files → their directory; other keys stay. */
export const parquetDirectory = (key: string): string => key.replace(/\/[^/]*\.parquet$/, "/*.parquet");

export const BUCKET_RULES: Readonly<Record<string, BucketRule>> = {
  // Datasets: Parquet files per batch; compared by rows per directory.
  LakeBucketName: {
    key: parquetDirectory,
    // The face dataset's rows (lambdas/faces/clean/dataset.ts): when the clean stage judged the image (a clock) and the
    // offset of the images-stored record it came in (offsets go on from pass to pass).
    volatileColumns: { "datasets/faces/": ["cleaned_at", "kafka_offset"] },
    skipPrefixes: { "lake/observations/": "the hourly pipeline's, fed by its schedule, not by the chaos input" },
  },
  // Images by content hash: keys and bytes are stable.
  ImagesBucketName: {},
  // On-failure records (aws/lambda/<mapping>/<topic-partition>/<date>/<time>-<uuid>): the time and uuid are
  // volatile, and so is how the records were cut into batches; compared by the number of objects per partition.
  FailuresBucketName: { key: (key) => key.split("/").slice(0, 4).join("/") },
  AccessLogsBucketName: {
    skip: "S3 server access logs: request ids and times, written by the service, not the pipelines",
  },
};

/** Attributes to drop from every table's items: none beyond each table's own list. */
export function normaliseItem(rule: TableRule | undefined, item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(item).sort()) {
    if (rule?.volatile.includes(key)) continue;
    out[key] = item[key];
  }
  return out;
}

/** A Parquet row of the object at `key` without the columns its bucket's rule calls volatile there. */
export function normaliseRow(rule: BucketRule | undefined, key: string, row: Item): Record<string, unknown> {
  const dropped = Object.entries(rule?.volatileColumns ?? {})
    .filter(([prefix]) => key.startsWith(prefix))
    .flatMap(([, columns]) => columns);
  return Object.fromEntries(Object.entries(row).filter(([column]) => !dropped.includes(column)));
}

/** JSON with object keys sorted at every depth and bigints as strings, so equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Set) return [...value].map(sortDeep).sort();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Rows as a multiset: row text → how many times it occurs (text order, so files' order does not matter). */
export function rowMultiset(rows: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const text = stableJson(row);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}
