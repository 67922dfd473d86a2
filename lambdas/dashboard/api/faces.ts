/**
 * The dashboard's faces page: the clean images as a gallery, counts per person, rejections by stage and reason,
 * the training set's size, and the records the Kafka mappings gave up on (the failures bucket).
 *
 * Everything but the dataset and the failures comes from one scan of the metadata table (layout in
 * `#faces/metadata`), counted by `#faces/summary` as the local report counts. The dataset's rows come from its
 * Parquet footers; a failure record's summary from its JSON (AWS's on-failure record shape).
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type DynamoDBDocumentClient, paginateQuery, paginateScan } from "@aws-sdk/lib-dynamodb";
import PQueue from "p-queue";
import { z } from "zod";
import { personKey } from "#faces/metadata";
import { countsPerPerson, type Item, type PersonCounts, type PipelineCounts, summarizeItems } from "#faces/summary";
import { parquetRowCount } from "#shared/parquet-footer";
import { listObjects, type S3ObjectSummary } from "#shared/s3-objects";
import { DATASET_PREFIX } from "../../faces/clean/dataset";
import { thumbnailPath, WIKIDATA_ID } from "./faces-thumbnail";
import type { FaceImage, FacesView, FailureRecord, Rejection } from "./faces-types";

const CONCURRENCY = 8;

export const facesQuerySchema = z.strictObject({
  /** At most this many images in the gallery. */
  limit: z.coerce.number().int().min(1).max(500).default(120),
  /** Only this person's images (a Wikidata id). */
  person: z.string().regex(WIKIDATA_ID, "expected a Wikidata id such as Q42").optional(),
  /** At most this many failure records, newest first. */
  failures: z.coerce.number().int().min(0).max(50).default(10),
});
export type FacesQuery = z.infer<typeof facesQuerySchema>;

export interface FacesDeps {
  readonly db: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly metadataTable: string;
  readonly lakeBucket: string;
  readonly failuresBucket: string;
}

/** Rejections as rows: by stage (pipeline order), then most frequent reason first. */
export function rejectionRows(rejected: PipelineCounts["rejected"]): Rejection[] {
  const stages = ["validate", "store", "clean"] as const;
  return stages.flatMap((stage) =>
    Object.entries(rejected[stage])
      .map(([reason, count]) => ({ stage, reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
  );
}

/** The clean images of the items, by person name then content hash. */
export function cleanImages(items: readonly Item[], people: readonly PersonCounts[]): FaceImage[] {
  const names = new Map(people.map((p) => [p.wikidataId, p.name]));
  const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
  return items
    .filter((i) => i.type === "image" && i.status === "clean" && typeof i.cleanKey === "string")
    .map((i) => {
      const wikidataId = String(i.wikidataId);
      const sha256 = String(i.sha256);
      return {
        wikidataId,
        name: names.get(wikidataId) ?? wikidataId,
        sha256,
        width: num(i.cleanWidth),
        height: num(i.cleanHeight),
        bytes: num(i.cleanBytes),
        source: String(i.source ?? ""),
        cleanedAt: typeof i.cleanedAt === "string" ? i.cleanedAt : null,
        thumbnail: thumbnailPath(wikidataId, sha256),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.sha256.localeCompare(b.sha256));
}

const failureRecordSchema = z.object({
  requestContext: z
    .object({
      functionArn: z.string().optional(),
      condition: z.string().optional(),
      approximateInvokeCount: z.number().optional(),
    })
    .optional(),
  KafkaBatchInfo: z
    .object({ batchSize: z.number().optional(), recordsInfo: z.record(z.string(), z.unknown()).optional() })
    .optional(),
});

/** What a failure record's JSON says; a record that is not JSON of that shape keeps only its key. */
export function summarizeFailure(object: S3ObjectSummary, body: string): FailureRecord {
  let parsed: z.infer<typeof failureRecordSchema> = {};
  try {
    const result = failureRecordSchema.safeParse(JSON.parse(body));
    if (result.success) parsed = result.data;
  } catch {
    // Not JSON: the key, size and time still say where and when.
  }
  const arn = parsed.requestContext?.functionArn;
  return {
    key: object.key,
    bytes: object.size,
    lastModified: object.lastModified?.toISOString() ?? null,
    condition: parsed.requestContext?.condition ?? null,
    functionName: arn ? (arn.split(":")[6] ?? arn) : null,
    invokeCount: parsed.requestContext?.approximateInvokeCount ?? null,
    batchSize: parsed.KafkaBatchInfo?.batchSize ?? null,
    partitions: Object.keys(parsed.KafkaBatchInfo?.recordsInfo ?? {}),
  };
}

/** The whole table, or one person's partition. */
async function readMetadata(deps: FacesDeps, person: string | undefined): Promise<Item[]> {
  const items: Item[] = [];
  const pages = person
    ? paginateQuery(
        { client: deps.db },
        {
          TableName: deps.metadataTable,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": personKey(person) },
        },
      )
    : paginateScan({ client: deps.db }, { TableName: deps.metadataTable });
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString()) ?? "";
  } catch (error) {
    throw new Error(`cannot read s3://${bucket}/${key}`, { cause: error });
  }
}

export async function readFaces(deps: FacesDeps, query: FacesQuery): Promise<FacesView> {
  const queue = new PQueue({ concurrency: CONCURRENCY });
  const datasetPromise = listObjects(deps.s3, deps.lakeBucket, `${DATASET_PREFIX}/`).then(async (listed) => {
    const files = listed.filter((o) => o.key.endsWith(".parquet"));
    const rows = await Promise.all(
      files.map((f) =>
        queue.add(() => parquetRowCount(deps.s3, { bucket: deps.lakeBucket, key: f.key, size: f.size })),
      ),
    );
    return {
      files: files.length,
      rows: rows.reduce((a, n) => a + n, 0),
      bytes: files.reduce((a, f) => a + f.size, 0),
    };
  });
  const failuresPromise = listObjects(deps.s3, deps.failuresBucket).then(async (listed) => {
    const newest = [...listed]
      .sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0) || a.key.localeCompare(b.key))
      .slice(0, query.failures);
    const records = await Promise.all(
      newest.map((o) =>
        queue.add(async () => summarizeFailure(o, await readText(deps.s3, deps.failuresBucket, o.key))),
      ),
    );
    return { total: listed.length, records };
  });
  const [items, dataset, failures] = await Promise.all([
    readMetadata(deps, query.person),
    datasetPromise,
    failuresPromise,
  ]);
  const { rejected, ...totals } = summarizeItems(items);
  const people = countsPerPerson(items);
  const images = cleanImages(items, people);
  return {
    totals,
    rejections: rejectionRows(rejected),
    people,
    cleanImages: images.length,
    images: images.slice(0, query.limit),
    dataset,
    failures,
  };
}
