/**
 * store: downloads a verified image (safely: every hop checked, size and time capped), learns what
 * it is from its bytes, keeps it in S3 under its SHA-256, and records its metadata. The same bytes
 * reached again for the same person through another URL are a duplicate, not a second image.
 */
import {
  type Limits,
  type SniffedFormat,
  type StoredImage,
  StoredImageSchema,
  type StoreRejection,
  type VerifiedImage,
  VerifiedImageSchema,
} from "#faces/contracts";
import type { ImageItem, ImagePut } from "#faces/metadata";
import { parseMessage, sha256Hex } from "#shared/message";
import type { RecordOutcome } from "#shared/outcome";

export type Download =
  | { ok: true; body: Buffer; finalUrl: string; redirects: number }
  | { ok: false; reason: StoreRejection; detail: string };

export type Inspection =
  | { ok: true; format: SniffedFormat; contentType: string; width?: number; height?: number }
  | { ok: false; reason: StoreRejection; detail: string };

export interface StoreDeps {
  readonly download: (url: string) => Promise<Download>;
  readonly inspect: (bytes: Buffer, limits: Limits) => Promise<Inspection>;
  readonly putObject: (key: string, body: Buffer, contentType: string) => Promise<void>;
  readonly putImage: (item: Omit<ImageItem, "status">) => Promise<ImagePut>;
  readonly recordDownload: (
    wikidataId: string,
    urlHash: string,
    outcome: { download: "stored"; sha256: string } | { download: "rejected"; reason: StoreRejection; detail: string },
  ) => Promise<void>;
  readonly limits: Limits;
  readonly now: () => Date;
}

/** Content-addressed: the same bytes always land on the same key, whoever fetched them. */
export function imageObjectKey(sha256: string): string {
  return `images/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

export async function storeRecord(value: string, by: string, deps: StoreDeps): Promise<RecordOutcome<StoredImage>> {
  const verified: VerifiedImage = parseMessage(VerifiedImageSchema, value);
  const fields = { wikidataId: verified.wikidataId, url: verified.url, urlHash: verified.urlHash };
  const reject = async (reason: StoreRejection, detail: string): Promise<RecordOutcome<StoredImage>> => {
    await deps.recordDownload(verified.wikidataId, verified.urlHash, { download: "rejected", reason, detail });
    return { outcome: "rejected", reason, fields: { ...fields, detail } };
  };

  const download = await deps.download(verified.url);
  if (!download.ok) return reject(download.reason, download.detail);
  const inspection = await deps.inspect(download.body, deps.limits);
  if (!inspection.ok) return reject(inspection.reason, inspection.detail);

  const sha256 = sha256Hex(download.body);
  const s3Key = imageObjectKey(sha256);
  await deps.putObject(s3Key, download.body, inspection.contentType);
  const put = await deps.putImage({
    wikidataId: verified.wikidataId,
    sha256,
    s3Key,
    url: verified.url,
    urlHash: verified.urlHash,
    source: verified.source,
    format: inspection.format,
    contentType: inspection.contentType,
    bytes: download.body.length,
    width: inspection.width,
    height: inspection.height,
    storedAt: deps.now().toISOString(),
    storedBy: by,
  });
  if (put.kind === "duplicate") return reject("duplicate-image", `same bytes as ${put.item.url}`);
  await deps.recordDownload(verified.wikidataId, verified.urlHash, { download: "stored", sha256 });
  const stored = StoredImageSchema.parse({
    ...verified,
    sha256,
    s3Key,
    format: put.item.format,
    contentType: put.item.contentType,
    bytes: put.item.bytes,
    ...(put.item.width === undefined ? {} : { width: put.item.width, height: put.item.height }),
    storedAt: put.item.storedAt,
  });
  return {
    outcome: put.kind === "redelivery" ? "stored-again" : "stored",
    fields: { ...fields, sha256, format: stored.format, bytes: stored.bytes, redirects: download.redirects },
    emit: [{ key: verified.wikidataId, value: stored }],
    value: stored,
  };
}
