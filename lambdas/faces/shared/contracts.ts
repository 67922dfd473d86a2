/**
 * The messages that flow between the pipeline's stages, the reasons an image is dropped, and the
 * thresholds behind those decisions: one home for all of them. Every stage parses its input with
 * these schemas and builds its output from them.
 */
import { z } from "zod";

export const WIKIDATA_ID = /^Q[1-9][0-9]{0,11}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const Sha256 = z.string().regex(SHA256_HEX, "expected a lowercase hex SHA-256");
const Timestamp = z.iso.datetime();
const WikidataId = z.string().regex(WIKIDATA_ID, "expected a Wikidata item id such as Q42");

/** `celebrities`: one well-known person to find images of. */
export const CelebritySchema = z.strictObject({
  wikidataId: WikidataId,
  name: z.string().trim().min(1).max(300),
  occupations: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
});
export type Celebrity = z.infer<typeof CelebritySchema>;

export const SOURCE_KINDS = ["wikidata", "tmdb", "web"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** `image-candidates`: one image URL found for a person by one source. The URL is not yet trusted. */
export const ImageCandidateSchema = z.strictObject({
  /** SHA-256 of wikidataId, source, foundOn and url: the same discovery always has the same id. */
  candidateId: Sha256,
  wikidataId: WikidataId,
  name: z.string().min(1).max(300),
  source: z.enum(SOURCE_KINDS),
  url: z.string().min(1).max(4096),
  /** The page or API response the URL was found in. */
  foundOn: z.string().max(4096),
  foundAt: Timestamp,
});
export type ImageCandidate = z.infer<typeof ImageCandidateSchema>;

/** `images-verified`: a candidate whose URL passed the safety checks and was not seen before for this person. */
export const VerifiedImageSchema = z.strictObject({
  ...ImageCandidateSchema.shape,
  url: z.url({ protocol: /^https?$/ }),
  /** SHA-256 of the normalized URL: the key of the URL's metadata item. */
  urlHash: Sha256,
  verifiedAt: Timestamp,
});
export type VerifiedImage = z.infer<typeof VerifiedImageSchema>;

/** Formats the store stage can tell apart by their bytes; only the raster ones can ever be clean. */
export const RASTER_FORMATS = ["jpeg", "png", "gif", "webp", "avif", "tiff", "bmp"] as const;
const SNIFFED_FORMATS = [...RASTER_FORMATS, "svg", "html", "unknown"] as const;
export type SniffedFormat = (typeof SNIFFED_FORMATS)[number];

/** `images-stored`: downloaded bytes, content-addressed in the images bucket, with what their header says. */
export const StoredImageSchema = z.strictObject({
  ...VerifiedImageSchema.shape,
  sha256: Sha256,
  s3Key: z.string().min(1),
  format: z.enum(SNIFFED_FORMATS),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  /** From the header only (never decoded by store); absent when the format has no readable header. */
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  storedAt: Timestamp,
});
export type StoredImage = z.infer<typeof StoredImageSchema>;

/** `dataset`: one accepted training image; the same fields as a row of the Parquet dataset. */
export const DatasetRowSchema = z.strictObject({
  image_sha256: Sha256,
  wikidata_id: WikidataId,
  person_name: z.string(),
  source: z.enum(SOURCE_KINDS),
  source_url: z.string(),
  /** Key of the re-encoded (metadata-free) JPEG in the images bucket. */
  s3_key: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
  original_format: z.enum(RASTER_FORMATS),
  /** 64-bit difference hash as 16 hex digits. */
  phash: z.string().regex(/^[0-9a-f]{16}$/),
  cleaned_at: Timestamp,
  kafka_topic: z.string(),
  kafka_partition: z.number().int().nonnegative(),
  kafka_offset: z.number().int().nonnegative(),
});
export type DatasetRow = z.infer<typeof DatasetRowSchema>;

/**
 * Why a candidate or an image was dropped, by the stage that decides it. Each reason is recorded on
 * the item in DynamoDB and counted in the summary.
 */
export const REJECTIONS = {
  validate: [
    "invalid-url",
    "unsafe-scheme",
    "credentials-in-url",
    "private-address",
    "unresolvable-host",
    "already-seen",
  ],
  store: [
    "unsafe-redirect",
    "too-many-redirects",
    "http-error",
    "timeout",
    "too-large",
    "decompression-bomb",
    "duplicate-image",
  ],
  clean: [
    // malicious
    "not-an-image",
    "active-content",
    "polyglot",
    "trailing-data",
    // useless
    "undecodable",
    "animated",
    "too-small",
    "extreme-aspect-ratio",
    "near-uniform",
    "near-duplicate",
  ],
} as const;
export type ValidateRejection = (typeof REJECTIONS.validate)[number];
export type StoreRejection = (typeof REJECTIONS.store)[number];
export type CleanRejection = (typeof REJECTIONS.clean)[number];
export type Rejection = ValidateRejection | StoreRejection | CleanRejection;

/** Decision thresholds; each can be overridden by the environment variable named beside it (see `settings.ts`). */
export const LIMITS = {
  /** MAX_IMAGE_BYTES: a download stops (too-large) past this many bytes. */
  maxImageBytes: 10 * 1024 * 1024,
  /** MAX_IMAGE_PIXELS: a header declaring more pixels than this is a decompression bomb. */
  maxImagePixels: 40_000_000,
  /** DOWNLOAD_TIMEOUT_MS: the whole download, headers and body, must finish within this. */
  downloadTimeoutMs: 10_000,
  /** MAX_REDIRECTS: redirects followed, each target checked again. */
  maxRedirects: 5,
  /** HOST_REQUESTS_PER_SECOND: requests one sandbox starts to one host per second (politeness). */
  hostRequestsPerSecond: 10,
  /** HOST_CONCURRENCY: requests one sandbox has open to one host at a time. */
  hostConcurrency: 4,
  /** MIN_IMAGE_SIDE: both sides must be at least this many pixels. */
  minImageSide: 64,
  /** MAX_ASPECT_RATIO: longer side / shorter side. */
  maxAspectRatio: 3,
  /** MIN_LUMA_STDEV: below this standard deviation of greyscale (0-255) an image is near-uniform. */
  minLumaStdev: 6,
  /** NEAR_DUPLICATE_DISTANCE: two images of one person whose 64-bit hashes differ in at most this many bits. */
  nearDuplicateDistance: 10,
} as const;
export type Limits = { -readonly [K in keyof typeof LIMITS]: number };
