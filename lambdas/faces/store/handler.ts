import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { StoredImage } from "#faces/contracts";
import { stageFetcher } from "#faces/fetch-policy";
import { inspectDownload } from "#faces/media/sniff";
import { putImage, recordDownload, type Table } from "#faces/metadata";
import { limitsOf } from "#faces/settings";
import { dynamo, s3Client } from "#shared/aws";
import { kafkaOutput } from "#shared/output";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { downloadImage } from "./download";
import { StoreSettingsSchema } from "./settings";
import { storeRecord } from "./store";

const settings = parseSettings(StoreSettingsSchema, process.env);
const limits = limitsOf(settings);
const table: Table = { db: dynamo(), name: settings.METADATA_TABLE };
const s3 = s3Client(settings);
// A download past its deadline is rejected (`timeout`) at once: retried, a slow image held its partition's whole
// batch for three deadlines (12.6 s of a 15 s batch against the sample web), and never changed a verdict.
const http = stageFetcher({ allowList: settings.URL_ALLOW_LIST }, limits, { retryTimeouts: false });

export const handler = kafkaStageHandler<StoredImage>(
  (record, { correlationId }) =>
    storeRecord(record.value, correlationId, {
      download: (url) => downloadImage(http, url),
      inspect: inspectDownload,
      putObject: async (key, body, contentType) => {
        await s3.send(
          new PutObjectCommand({ Bucket: settings.IMAGES_BUCKET, Key: key, Body: body, ContentType: contentType }),
        );
      },
      putImage: (item) => putImage(table, item),
      recordDownload: (id, urlHash, outcome) => recordDownload(table, id, urlHash, outcome),
      limits,
      now: () => new Date(),
    }),
  { settings, emit: kafkaOutput(settings) },
);
