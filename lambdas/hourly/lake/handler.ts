import { PutObjectCommand } from "@aws-sdk/client-s3";
import { s3Client } from "#shared/aws";
import { logger } from "#shared/logger";
import { PARQUET_CONTENT_TYPE } from "#shared/parquet";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { decodeObservation, type LakeRow, lakeFiles, lakeParquet, toRow } from "./lake";
import { LakeSettingsSchema } from "./settings";

const settings = parseSettings(LakeSettingsSchema, process.env);
const s3 = s3Client(settings);

export const handler = kafkaStageHandler<LakeRow>(
  async (record) => {
    const decoded = decodeObservation(record.value);
    if (!decoded.ok) return { outcome: "rejected", reason: decoded.reason };
    const row = toRow(decoded.observation, record);
    return {
      outcome: "accepted",
      value: row,
      fields: { station: row.station, time: row.time, run: decoded.observation.run },
    };
  },
  {
    settings,
    // Nothing to emit: the lake is the stage's output.
    emit: async () => {},
    // Decoding cannot fail a record, so the batch's writes come after it: a failed write fails the whole
    // batch, and its retry rewrites the same objects with the same bytes.
    afterBatch: async (processed) => {
      const files = lakeFiles(processed.flatMap((p) => (p.outcome.value === undefined ? [] : [p.outcome.value])));
      await Promise.all(
        files.map((f) =>
          s3.send(
            new PutObjectCommand({
              Bucket: settings.LAKE_BUCKET,
              Key: f.key,
              Body: lakeParquet(f.rows),
              ContentType: PARQUET_CONTENT_TYPE,
            }),
          ),
        ),
      );
      if (files.length > 0) {
        logger.info("lake objects written", {
          objects: files.map((f) => ({ key: f.key, rows: f.rows.length })),
          rows: files.reduce((n, f) => n + f.rows.length, 0),
        });
      }
    },
  },
);
