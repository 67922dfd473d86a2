/**
 * Everything the validate stage reads from its environment, in one place: the handler parses it once
 * at init, and the stack builds it with `validateEnvironment`, so a renamed variable is a compile error.
 */
import { z } from "zod";
import { METADATA_SETTINGS, URL_POLICY_SETTINGS } from "#faces/settings";
import type { EnvironmentOf } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

export const VALIDATE_SETTINGS = { ...STAGE_SETTINGS, ...METADATA_SETTINGS, ...URL_POLICY_SETTINGS };
export const ValidateSettingsSchema = z.object(VALIDATE_SETTINGS);

export interface ValidateEnvironmentProps {
  readonly table: string;
  readonly urlAllowList: readonly string[];
}

/** The validate-specific variables; the Kafka ones come from the KafkaStage construct. */
export function validateEnvironment(props: ValidateEnvironmentProps): EnvironmentOf<typeof VALIDATE_SETTINGS> {
  return { URL_ALLOW_LIST: props.urlAllowList.join(","), METADATA_TABLE: props.table };
}
