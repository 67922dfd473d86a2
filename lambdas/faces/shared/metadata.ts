/**
 * The metadata table, one partition per person (`pk = PERSON#<wikidata id>`):
 *
 * | sk             | written by        | what                                                               |
 * |----------------|-------------------|--------------------------------------------------------------------|
 * | `PROFILE`      | scrape            | name, occupations, candidates found per source                     |
 * | `URL#<hash>`   | validate, store   | one image URL: its validation verdict, then its download outcome   |
 * | `IMAGE#<sha>`  | store, clean      | one image (by content): S3 key, size, format, then clean verdict   |
 *
 * Every write is idempotent under Kafka's at-least-once delivery: a first write is conditional and
 * remembers the input record that made it (`topic-partition-offset`), so a redelivery of that record
 * is recognized and repeats its outcome, while the same thing arriving in another record is a duplicate.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  CleanRejection,
  Rejection,
  SniffedFormat,
  SourceKind,
  StoreRejection,
  ValidateRejection,
} from "./contracts";

export const personKey = (wikidataId: string): string => `PERSON#${wikidataId}`;
const PROFILE = "PROFILE";
const urlKey = (urlHash: string): string => `URL#${urlHash}`;
const imageKey = (sha256: string): string => `IMAGE#${sha256}`;

export interface Table {
  readonly db: DynamoDBDocumentClient;
  readonly name: string;
}

export interface ProfileItem {
  readonly wikidataId: string;
  readonly name: string;
  readonly occupations: string[];
  readonly candidates: number;
  readonly sources: Record<string, { found: number; error?: string; skipped?: string }>;
  readonly scrapedAt: string;
  readonly scrapedBy: string;
}

/** The person's profile; overwriting it with the same scrape result changes nothing that matters. */
export async function putProfile(table: Table, profile: ProfileItem): Promise<void> {
  await table.db.send(
    new PutCommand({
      TableName: table.name,
      Item: { pk: personKey(profile.wikidataId), sk: PROFILE, type: "person", ...profile },
    }),
  );
}

export interface UrlItem {
  readonly wikidataId: string;
  readonly urlHash: string;
  readonly url: string;
  readonly source: SourceKind;
  readonly foundOn: string;
  readonly candidateId: string;
  readonly validation: "verified" | "rejected";
  readonly reason?: ValidateRejection;
  readonly detail?: string;
  readonly verifiedAt: string;
  /** The candidate record that saw this URL first. */
  readonly firstSeenBy: string;
  /** Every candidate record that carried this URL for this person (a set: redeliveries add nothing). */
  readonly sightings?: Set<string>;
  readonly download?: "stored" | "rejected";
  readonly downloadReason?: StoreRejection;
  readonly downloadDetail?: string;
  readonly sha256?: string;
}

export type Sighting = { kind: "first" | "redelivery"; item: UrlItem } | { kind: "already-seen"; item: UrlItem };

/** Records the first sighting of a URL for a person, or adds this record to its sightings. */
export async function recordSighting(
  table: Table,
  item: Omit<UrlItem, "firstSeenBy" | "sightings">,
  by: string,
): Promise<Sighting> {
  const key = { pk: personKey(item.wikidataId), sk: urlKey(item.urlHash) };
  const full: UrlItem = { ...item, firstSeenBy: by, sightings: new Set([by]) };
  try {
    await table.db.send(
      new PutCommand({
        TableName: table.name,
        Item: { ...key, type: "url", ...full },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { kind: "first", item: full };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const updated = await table.db.send(
    new UpdateCommand({
      TableName: table.name,
      Key: key,
      UpdateExpression: "ADD sightings :by",
      ExpressionAttributeValues: { ":by": new Set([by]) },
      ReturnValues: "ALL_NEW",
    }),
  );
  const existing = updated.Attributes as UrlItem;
  return { kind: existing.firstSeenBy === by ? "redelivery" : "already-seen", item: existing };
}

/** The store stage's outcome for a URL (overwrites with the same values on a redelivery). */
export async function recordDownload(
  table: Table,
  wikidataId: string,
  urlHash: string,
  outcome: { download: "stored"; sha256: string } | { download: "rejected"; reason: StoreRejection; detail: string },
): Promise<void> {
  const values: Record<string, unknown> =
    outcome.download === "stored"
      ? { ":d": "stored", ":sha": outcome.sha256 }
      : { ":d": "rejected", ":r": outcome.reason, ":x": outcome.detail };
  await table.db.send(
    new UpdateCommand({
      TableName: table.name,
      Key: { pk: personKey(wikidataId), sk: urlKey(urlHash) },
      UpdateExpression:
        outcome.download === "stored"
          ? "SET download = :d, sha256 = :sha"
          : "SET download = :d, downloadReason = :r, downloadDetail = :x",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: values,
    }),
  );
}

export interface ImageItem {
  readonly wikidataId: string;
  readonly sha256: string;
  readonly s3Key: string;
  readonly url: string;
  readonly urlHash: string;
  readonly source: SourceKind;
  readonly format: SniffedFormat;
  readonly contentType: string;
  readonly bytes: number;
  readonly width?: number;
  readonly height?: number;
  readonly status: "stored" | "clean" | "rejected";
  readonly storedAt: string;
  readonly storedBy: string;
  readonly reason?: CleanRejection;
  readonly detail?: string;
  readonly cleanedAt?: string;
  readonly cleanedBy?: string;
  readonly phash?: string;
  readonly cleanKey?: string;
  readonly cleanWidth?: number;
  readonly cleanHeight?: number;
  readonly cleanBytes?: number;
}

export type ImagePut = { kind: "first" | "redelivery"; item: ImageItem } | { kind: "duplicate"; item: ImageItem };

/** Stores an image's metadata unless this person already has an image with these bytes (from another record). */
export async function putImage(table: Table, item: Omit<ImageItem, "status">): Promise<ImagePut> {
  const full: ImageItem = { ...item, status: "stored" };
  try {
    await table.db.send(
      new PutCommand({
        TableName: table.name,
        Item: { pk: personKey(item.wikidataId), sk: imageKey(item.sha256), type: "image", ...full },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { kind: "first", item: full };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const existing = await getImage(table, item.wikidataId, item.sha256);
  if (existing === undefined) throw new Error(`image ${item.sha256} vanished while being stored`);
  return { kind: existing.storedBy === item.storedBy ? "redelivery" : "duplicate", item: existing };
}

export async function getImage(table: Table, wikidataId: string, sha256: string): Promise<ImageItem | undefined> {
  const { Item } = await table.db.send(
    new GetCommand({
      TableName: table.name,
      Key: { pk: personKey(wikidataId), sk: imageKey(sha256) },
      ConsistentRead: true,
    }),
  );
  return Item as ImageItem | undefined;
}

export type CleanVerdict =
  | {
      status: "clean";
      phash: string;
      cleanKey: string;
      cleanWidth: number;
      cleanHeight: number;
      cleanBytes: number;
    }
  | { status: "rejected"; reason: CleanRejection; detail: string; phash?: string };

/**
 * Records the clean stage's verdict, once: only an image still `stored`, or one this same record
 * already judged (a redelivery), is written. Returns the item as it stands afterwards.
 */
export async function markCleaned(
  table: Table,
  wikidataId: string,
  sha256: string,
  verdict: CleanVerdict,
  at: string,
  by: string,
): Promise<{ written: boolean; item: ImageItem }> {
  const fields: Record<string, unknown> = { ...verdict, cleanedAt: at, cleanedBy: by };
  const names = Object.keys(fields);
  try {
    const result = await table.db.send(
      new UpdateCommand({
        TableName: table.name,
        Key: { pk: personKey(wikidataId), sk: imageKey(sha256) },
        UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(", ")}`,
        ConditionExpression: "#status = :stored OR #cleanedBy = :cleanedBy",
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
          ":stored": "stored",
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return { written: true, item: result.Attributes as ImageItem };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const item = await getImage(table, wikidataId, sha256);
    if (item === undefined) throw new Error(`image ${sha256} of ${wikidataId} has no metadata item`, { cause: error });
    return { written: false, item };
  }
}

/** Perceptual hashes of the person's images already judged clean. */
export async function cleanHashes(table: Table, wikidataId: string): Promise<Array<{ sha256: string; phash: string }>> {
  const hashes: Array<{ sha256: string; phash: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :image)",
        FilterExpression: "#status = :clean",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":pk": personKey(wikidataId), ":image": "IMAGE#", ":clean": "clean" },
        ProjectionExpression: "sha256, phash",
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) hashes.push({ sha256: String(item.sha256), phash: String(item.phash) });
    start = page.LastEvaluatedKey;
  } while (start);
  return hashes;
}

export type { Rejection };
