import { PutObjectCommand } from "@aws-sdk/client-s3";
import { limitsFrom, type StoredImage } from "#faces/contracts";
import { stageFetcher } from "#faces/fetch-policy";
import { inspectDownload } from "#faces/media/sniff";
import { putImage, recordDownload, type Table } from "#faces/metadata";
import { dynamo, requireEnv, s3 } from "#shared/aws";
import { kafkaStageHandler } from "#shared/stage-handler";
import { downloadImage } from "./download";
import { storeRecord } from "./store";

const limits = limitsFrom();
const table: Table = { db: dynamo(), name: requireEnv("METADATA_TABLE") };
const bucket = requireEnv("IMAGES_BUCKET");
const http = stageFetcher(process.env, limits);

export const handler = kafkaStageHandler<StoredImage>((record, { correlationId }) =>
  storeRecord(record.value, correlationId, {
    download: (url) => downloadImage(http, url),
    inspect: inspectDownload,
    putObject: async (key, body, contentType) => {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    putImage: (item) => putImage(table, item),
    recordDownload: (id, urlHash, outcome) => recordDownload(table, id, urlHash, outcome),
    limits,
    now: () => new Date(),
  }),
);
