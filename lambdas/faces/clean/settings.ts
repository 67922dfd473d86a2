/**
 * Everything the clean stage reads from its environment, in one place: the handler parses it once at
 * init, and the stack builds it with `cleanEnvironment`, so a renamed variable is a compile error.
 */
import { z } from "zod";
import { LIMIT_SETTINGS, METADATA_SETTINGS } from "#faces/settings";
import { S3_SETTINGS } from "#shared/aws";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

export const CLEAN_SETTINGS = {
  ...STAGE_SETTINGS,
  ...S3_SETTINGS,
  ...METADATA_SETTINGS,
  ...LIMIT_SETTINGS,
  /** Where stored images are read and their clean copies written. */
  IMAGES_BUCKET: envString,
  /** Where the Parquet dataset goes. */
  LAKE_BUCKET: envString,
};
export const CleanSettingsSchema = z.object(CLEAN_SETTINGS);

export interface CleanEnvironmentProps {
  readonly table: string;
  readonly imagesBucket: string;
  readonly lakeBucket: string;
}

/** The clean-specific variables; the Kafka ones come from the KafkaStage construct. */
export function cleanEnvironment(props: CleanEnvironmentProps): EnvironmentOf<typeof CLEAN_SETTINGS> {
  return { IMAGES_BUCKET: props.imagesBucket, LAKE_BUCKET: props.lakeBucket, METADATA_TABLE: props.table };
}
