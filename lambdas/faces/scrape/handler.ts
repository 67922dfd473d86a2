import { z } from "zod";
import type { ImageCandidate } from "#faces/contracts";
import { stageFetcher } from "#faces/fetch-policy";
import { putProfile, type Table } from "#faces/metadata";
import { dynamo, readSecretJson } from "#shared/aws";
import { lazy } from "#shared/lazy";
import { kafkaOutput } from "#shared/output";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { scrapeRecord } from "./scrape";
import { ScrapeSettingsSchema } from "./settings";
import { findCandidates, type SourceConfig, sourceConfigOf } from "./sources/index";

const settings = parseSettings(ScrapeSettingsSchema, process.env);
const table: Table = { db: dynamo(), name: settings.METADATA_TABLE };
// API responses and pages are small: a tighter cap than for images, the usual timeout.
const http = stageFetcher(
  { allowList: settings.URL_ALLOW_LIST },
  {
    downloadTimeoutMs: settings.DOWNLOAD_TIMEOUT_MS,
    maxImageBytes: 5 * 1024 * 1024,
    maxRedirects: settings.MAX_REDIRECTS,
    hostRequestsPerSecond: settings.HOST_REQUESTS_PER_SECOND,
    hostConcurrency: settings.HOST_CONCURRENCY,
  },
);
const TmdbSecret = z.object({ apiKey: z.string().default("") });

/** The sources' settings with the TMDB key, once per sandbox (a failed secret read is retried by the next record). */
const sourceConfig = lazy(async (): Promise<SourceConfig> => {
  const arn = settings.TMDB_SECRET_ARN;
  const tmdb = arn === undefined ? undefined : await readSecretJson(arn, TmdbSecret);
  return sourceConfigOf(settings, tmdb?.apiKey ? { tmdbApiKey: tmdb.apiKey } : {});
});

export const handler = kafkaStageHandler<ImageCandidate[]>(
  async (record, { correlationId }) => {
    const config = await sourceConfig.get();
    return scrapeRecord(record.value, correlationId, {
      findCandidates: (person) => findCandidates(person, { config, http, now: () => new Date() }),
      putProfile: (profile) => putProfile(table, profile),
      now: () => new Date(),
    });
  },
  { settings, emit: kafkaOutput(settings) },
);
