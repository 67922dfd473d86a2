/**
 * What the hashtags stage reads from its environment; the stack builds it with `hashtagsEnvironment`, so a renamed
 * variable is a compile error on both sides.
 */
import { z } from "zod";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

export const HASHTAGS_SETTINGS = {
  ...STAGE_SETTINGS,
  /** Hashtag counters, receipts and rejections. */
  HASHTAGS_TABLE: envString,
  /** One row per user seen tweeting. */
  USERS_TABLE: envString,
};
export const HashtagsSettingsSchema = z.object(HASHTAGS_SETTINGS);

export function hashtagsEnvironment(props: {
  readonly hashtagsTable: string;
  readonly usersTable: string;
}): EnvironmentOf<typeof HASHTAGS_SETTINGS> {
  return { HASHTAGS_TABLE: props.hashtagsTable, USERS_TABLE: props.usersTable };
}
