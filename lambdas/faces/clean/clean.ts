/**
 * clean: the last word on an image. Malicious or useless images are rejected with their reason;
 * an accepted image is re-encoded (dropping every metadata segment), compared with the person's
 * clean images by perceptual hash, and becomes a row of the training dataset.
 */
import {
  type CleanRejection,
  type DatasetRow,
  DatasetRowSchema,
  type Limits,
  type SniffedFormat,
  type StoredImage,
  StoredImageSchema,
} from "#faces/contracts";
import type { CleanVerdict, ImageItem } from "#faces/metadata";
import { parseMessage, sha256Hex } from "#shared/message";
import type { DecodedKafkaRecord, RecordOutcome } from "#shared/outcome";

export type Assessment =
  | { verdict: "accept"; jpeg: Buffer; width: number; height: number; phash: string }
  | { verdict: "reject"; reason: CleanRejection; detail: string };

export interface CleanDeps {
  readonly getImage: (wikidataId: string, sha256: string) => Promise<ImageItem | undefined>;
  readonly getObject: (key: string) => Promise<Buffer>;
  readonly putObject: (key: string, body: Buffer, contentType: string) => Promise<void>;
  readonly assess: (bytes: Buffer, format: SniffedFormat, limits: Limits) => Promise<Assessment>;
  readonly cleanHashes: (wikidataId: string) => Promise<Array<{ sha256: string; phash: string }>>;
  readonly findNearDuplicate: (
    phash: string,
    existing: Array<{ sha256: string; phash: string }>,
    limits: Limits,
  ) => { sha256: string; distance: number } | undefined;
  readonly markCleaned: (
    wikidataId: string,
    sha256: string,
    verdict: CleanVerdict,
    at: string,
    by: string,
  ) => Promise<{ written: boolean; item: ImageItem }>;
  readonly limits: Limits;
  readonly now: () => Date;
}

/** Where the re-encoded images go in the images bucket (the dashboard reads them there). */
export const CLEAN_IMAGES_PREFIX = "clean";

/** Content-addressed key of a re-encoded image. */
function cleanObjectKey(jpeg: Buffer): string {
  const sha = sha256Hex(jpeg);
  return `${CLEAN_IMAGES_PREFIX}/sha256/${sha.slice(0, 2)}/${sha}.jpg`;
}

type Coordinates = Pick<DecodedKafkaRecord, "topic" | "partition" | "offset">;

function datasetRow(stored: StoredImage, item: ImageItem, at: Coordinates): DatasetRow {
  return DatasetRowSchema.parse({
    image_sha256: item.sha256,
    wikidata_id: stored.wikidataId,
    person_name: stored.name,
    source: stored.source,
    source_url: stored.url,
    s3_key: item.cleanKey,
    width: item.cleanWidth,
    height: item.cleanHeight,
    bytes: item.cleanBytes,
    original_format: item.format,
    phash: item.phash,
    cleaned_at: item.cleanedAt,
    kafka_topic: at.topic,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  });
}

export async function cleanRecord(
  record: Coordinates & { value: string },
  by: string,
  deps: CleanDeps,
): Promise<RecordOutcome<DatasetRow>> {
  const stored = parseMessage(StoredImageSchema, record.value);
  const fields = { wikidataId: stored.wikidataId, sha256: stored.sha256, format: stored.format };
  const item = await deps.getImage(stored.wikidataId, stored.sha256);
  if (item === undefined) throw new Error(`image ${stored.sha256} of ${stored.wikidataId} has no metadata item`);

  if (item.status !== "stored") {
    if (item.cleanedBy !== by) {
      // Judged already, through another record carrying the same image: nothing more to do.
      return { outcome: "already-cleaned", fields: { ...fields, cleanedBy: item.cleanedBy } };
    }
    // A redelivery of this very record: repeat its outcome from what it wrote.
    if (item.status === "rejected") return { outcome: "rejected", reason: item.reason, fields };
    return { outcome: "clean-again", fields, value: datasetRow(stored, item, record) };
  }

  const judge = async (verdict: CleanVerdict): Promise<ImageItem> =>
    (await deps.markCleaned(stored.wikidataId, stored.sha256, verdict, deps.now().toISOString(), by)).item;

  const bytes = await deps.getObject(stored.s3Key);
  const assessment = await deps.assess(bytes, stored.format, deps.limits);
  if (assessment.verdict === "reject") {
    const after = await judge({ status: "rejected", reason: assessment.reason, detail: assessment.detail });
    return { outcome: "rejected", reason: after.reason, fields: { ...fields, detail: after.detail } };
  }
  const others = (await deps.cleanHashes(stored.wikidataId)).filter((h) => h.sha256 !== stored.sha256);
  const duplicate = deps.findNearDuplicate(assessment.phash, others, deps.limits);
  if (duplicate !== undefined) {
    const after = await judge({
      status: "rejected",
      reason: "near-duplicate",
      detail: `${duplicate.distance} bits from ${duplicate.sha256}`,
      phash: assessment.phash,
    });
    return { outcome: "rejected", reason: after.reason, fields: { ...fields, detail: after.detail } };
  }
  const cleanKey = cleanObjectKey(assessment.jpeg);
  await deps.putObject(cleanKey, assessment.jpeg, "image/jpeg");
  const after = await judge({
    status: "clean",
    phash: assessment.phash,
    cleanKey,
    cleanWidth: assessment.width,
    cleanHeight: assessment.height,
    cleanBytes: assessment.jpeg.length,
  });
  if (after.status !== "clean") return { outcome: "rejected", reason: after.reason, fields };
  return {
    outcome: "clean",
    fields: { ...fields, width: assessment.width, height: assessment.height, phash: assessment.phash },
    value: datasetRow(stored, after, record),
  };
}
