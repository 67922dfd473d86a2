/**
 * Everything the scrape stage reads from its environment, in one place: the handler parses it once at
 * init, and the stack builds it with `scrapeEnvironment`, so a renamed variable is a compile error.
 */
import { z } from "zod";
import {
  FETCH_LIMIT_SETTINGS,
  fetchEnvironment,
  METADATA_SETTINGS,
  type Politeness,
  URL_POLICY_SETTINGS,
} from "#faces/settings";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";
import { SOURCE_SETTINGS, type SourceUrls, sourceEnvironment } from "./sources/config";

export const SCRAPE_SETTINGS = {
  ...STAGE_SETTINGS,
  ...METADATA_SETTINGS,
  ...URL_POLICY_SETTINGS,
  ...FETCH_LIMIT_SETTINGS,
  ...SOURCE_SETTINGS,
  /** Secret holding `{"apiKey": "…"}`; without it (or with an empty key) the TMDB source is skipped. */
  TMDB_SECRET_ARN: envString.optional(),
};
export const ScrapeSettingsSchema = z.object(SCRAPE_SETTINGS);

export interface ScrapeEnvironmentProps {
  readonly table: string;
  readonly tmdbSecretArn: string;
  readonly sources: SourceUrls;
  readonly urlAllowList: readonly string[];
  readonly downloadTimeoutMs?: number;
  readonly politeness?: Politeness;
}

/** The scrape-specific variables; the Kafka ones come from the KafkaStage construct. */
export function scrapeEnvironment(props: ScrapeEnvironmentProps): EnvironmentOf<typeof SCRAPE_SETTINGS> {
  return {
    ...sourceEnvironment(props.sources),
    ...fetchEnvironment(props),
    METADATA_TABLE: props.table,
    TMDB_SECRET_ARN: props.tmdbSecretArn,
  };
}
