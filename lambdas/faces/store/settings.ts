/**
 * Everything the store stage reads from its environment, in one place: the handler parses it once at
 * init, and the stack builds it with `storeEnvironment`, so a renamed variable is a compile error.
 */
import { z } from "zod";
import {
  fetchEnvironment,
  LIMIT_SETTINGS,
  METADATA_SETTINGS,
  type Politeness,
  URL_POLICY_SETTINGS,
} from "#faces/settings";
import { S3_SETTINGS } from "#shared/aws";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

export const STORE_SETTINGS = {
  ...STAGE_SETTINGS,
  ...S3_SETTINGS,
  ...METADATA_SETTINGS,
  ...URL_POLICY_SETTINGS,
  ...LIMIT_SETTINGS,
  /** Where downloaded images go, under content-addressed keys. */
  IMAGES_BUCKET: envString,
};
export const StoreSettingsSchema = z.object(STORE_SETTINGS);

export interface StoreEnvironmentProps {
  readonly table: string;
  readonly imagesBucket: string;
  readonly urlAllowList: readonly string[];
  readonly downloadTimeoutMs?: number;
  readonly politeness?: Politeness;
}

/** The store-specific variables; the Kafka ones come from the KafkaStage construct. */
export function storeEnvironment(props: StoreEnvironmentProps): EnvironmentOf<typeof STORE_SETTINGS> {
  return { ...fetchEnvironment(props), IMAGES_BUCKET: props.imagesBucket, METADATA_TABLE: props.table };
}
