/**
 * Everything the lake stage reads from its environment: the handler parses it once at init, and the
 * stack builds it with `lakeEnvironment`, so a renamed variable is a compile error.
 */
import { z } from "zod";
import { S3_SETTINGS } from "#shared/aws";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

export const LAKE_SETTINGS = {
  ...STAGE_SETTINGS,
  ...S3_SETTINGS,
  /** Where the Parquet objects go, under `lake/observations/`. */
  LAKE_BUCKET: envString,
};
export const LakeSettingsSchema = z.object(LAKE_SETTINGS);

/** The lake-specific variables; the Kafka ones come from the KafkaStage construct. */
export function lakeEnvironment(props: { readonly lakeBucket: string }): EnvironmentOf<typeof LAKE_SETTINGS> {
  return { LAKE_BUCKET: props.lakeBucket };
}
