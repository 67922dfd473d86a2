import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { DatasetRow } from "#faces/contracts";
import { assessImage, findNearDuplicate, restrictDecoders } from "#faces/media/index";
import { cleanHashes, getImage, markCleaned, type Table } from "#faces/metadata";
import { limitsOf } from "#faces/settings";
import { dynamo, s3Client } from "#shared/aws";
import { kafkaOutput } from "#shared/output";
import { PARQUET_CONTENT_TYPE } from "#shared/parquet";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { cleanRecord } from "./clean";
import { batchFiles, datasetParquet } from "./dataset";
import { CleanSettingsSchema } from "./settings";

// libvips may only decode the raster formats the dataset accepts (never SVG, whatever the bytes say).
restrictDecoders();
const settings = parseSettings(CleanSettingsSchema, process.env);
const limits = limitsOf(settings);
const table: Table = { db: dynamo(), name: settings.METADATA_TABLE };
const s3 = s3Client(settings);
const emit = kafkaOutput(settings);

const putObject = (bucket: string) => async (key: string, body: Buffer, contentType: string) => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
};

export const handler = kafkaStageHandler<DatasetRow>(
  (record, { correlationId }) =>
    cleanRecord(record, correlationId, {
      getImage: (id, sha) => getImage(table, id, sha),
      getObject: async (key) => {
        const object = await s3.send(new GetObjectCommand({ Bucket: settings.IMAGES_BUCKET, Key: key }));
        return Buffer.from(
          await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
      },
      putObject: putObject(settings.IMAGES_BUCKET),
      assess: assessImage,
      cleanHashes: (id) => cleanHashes(table, id),
      findNearDuplicate,
      markCleaned: (id, sha, verdict, at, by) => markCleaned(table, id, sha, verdict, at, by),
      limits,
      now: () => new Date(),
    }),
  {
    settings,
    emit,
    // The dataset rows of the batch: Parquet first (one file per partition, named by its first
    // offset), then the `dataset` topic. A failure here fails the batch, which rewrites the same files.
    afterBatch: async (processed, event) => {
      const rows = processed.flatMap((p) => (p.outcome.value === undefined ? [] : [p.outcome.value]));
      const files = batchFiles(event.records, rows);
      const write = putObject(settings.LAKE_BUCKET);
      await Promise.all(files.map((f) => write(f.key, datasetParquet(f.rows), PARQUET_CONTENT_TYPE)));
      await emit(rows.map((row) => ({ key: row.wikidata_id, value: row })));
    },
  },
);
