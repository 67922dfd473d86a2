/**
 * A clean image's thumbnail: looked up in the metadata table (only an image judged clean has one), read from the
 * images bucket, resized by the injected `resize` (sharp's, `resizeWithSharp`, in the function), and answered as
 * JPEG bytes. The image's content hash is in the path, so the answer for a width never changes: it is cached as
 * immutable, with an ETag made of the hash and the width.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import sharp from "sharp";
import { z } from "zod";
import { getImage } from "#faces/metadata";

export const WIKIDATA_ID = /^Q[1-9]\d{0,11}$/;

/** Widths a thumbnail may have: a short list keeps the cache small and the function's work bounded. */
export const THUMBNAIL_WIDTHS = [96, 160, 320] as const;
export const DEFAULT_THUMBNAIL_WIDTH = 160;

export const thumbnailParamsSchema = z.strictObject({
  wikidataId: z.string().regex(WIKIDATA_ID, "expected a Wikidata id such as Q42"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected the image's SHA-256 in lowercase hex"),
});
export const thumbnailQuerySchema = z.strictObject({
  w: z.coerce
    .number()
    .refine((n) => (THUMBNAIL_WIDTHS as readonly number[]).includes(n), {
      message: `expected one of ${THUMBNAIL_WIDTHS.join(", ")}`,
    })
    .default(DEFAULT_THUMBNAIL_WIDTH),
});
export type ThumbnailParams = z.infer<typeof thumbnailParamsSchema> & z.infer<typeof thumbnailQuerySchema>;

/** The thumbnail route's path for an image, relative to the app (`?w=` picks another width). */
export function thumbnailPath(wikidataId: string, sha256: string): string {
  return `api/faces/thumbnails/${wikidataId}/${sha256}`;
}

export interface ThumbnailDeps {
  readonly db: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly metadataTable: string;
  readonly imagesBucket: string;
  /** JPEG of the image scaled to `width` (never enlarged). */
  readonly resize: (image: Uint8Array, width: number) => Promise<Buffer>;
}

/** The quality of a thumbnail's JPEG: small files, no visible blocks at these sizes. */
const THUMBNAIL_JPEG_QUALITY = 78;
/**
 * A thumbnail's bytes never change (content-addressed): the browser may keep it a year without asking again.
 * `private`: a face behind a signed (AWS_IAM) dashboard is not for shared caches.
 */
export const THUMBNAIL_CACHE_CONTROL = "private, max-age=31536000, immutable";

/** sharp's JPEG of `image` scaled to `width` (never enlarged; EXIF orientation applied, metadata dropped). */
export async function resizeWithSharp(image: Uint8Array, width: number): Promise<Buffer> {
  try {
    return await sharp(image)
      .rotate()
      .resize({ width, withoutEnlargement: true })
      .jpeg({ quality: THUMBNAIL_JPEG_QUALITY, mozjpeg: true })
      .toBuffer();
  } catch (error) {
    throw new Error(`cannot make a ${width} px thumbnail of the clean image`, { cause: error });
  }
}

export interface ThumbnailImage {
  readonly kind: "image";
  readonly jpeg: Buffer;
  /** A strong validator: the image's hash and the asked width name the bytes. */
  readonly etag: string;
}

export type Thumbnail = ThumbnailImage | { readonly kind: "not-found"; readonly reason: string };

export async function faceThumbnail(deps: ThumbnailDeps, params: ThumbnailParams): Promise<Thumbnail> {
  const item = await getImage({ db: deps.db, name: deps.metadataTable }, params.wikidataId, params.sha256);
  if (item === undefined) return { kind: "not-found", reason: "no such image" };
  if (item.status !== "clean" || item.cleanKey === undefined) return { kind: "not-found", reason: "not a clean image" };
  let bytes: Uint8Array;
  try {
    const out = await deps.s3.send(new GetObjectCommand({ Bucket: deps.imagesBucket, Key: item.cleanKey }));
    bytes = await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  } catch (error) {
    throw new Error(`cannot read the clean image s3://${deps.imagesBucket}/${item.cleanKey}`, { cause: error });
  }
  const jpeg = await deps.resize(bytes, params.w);
  return { kind: "image", jpeg, etag: `"${params.sha256}-w${params.w}-q${THUMBNAIL_JPEG_QUALITY}"` };
}
