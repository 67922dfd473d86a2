import { z } from "zod";
import type { ImageCandidate } from "#faces/contracts";
import { stageFetcher } from "#faces/fetch-policy";
import { putProfile, type Table } from "#faces/metadata";
import { dynamo, readSecretJson, requireEnv } from "#shared/aws";
import { kafkaStageHandler } from "#shared/stage-handler";
import { scrapeRecord } from "./scrape";
import { findCandidates, type SourceConfig, sourceConfigFrom } from "./sources/index";

const table: Table = { db: dynamo(), name: requireEnv("METADATA_TABLE") };
// API responses and pages are small: a tighter cap than for images, the usual timeout.
const http = stageFetcher(process.env, undefined, { maxBytes: 5 * 1024 * 1024 });
const TmdbSecret = z.object({ apiKey: z.string().default("") });

/** The sources' settings, once per sandbox (a failed secret read is retried by the next record). */
let sourceConfig: Promise<SourceConfig> | undefined;
async function loadSourceConfig(): Promise<SourceConfig> {
  const arn = process.env.TMDB_SECRET_ARN;
  const tmdb = arn ? await readSecretJson(arn, TmdbSecret) : undefined;
  return sourceConfigFrom(process.env, tmdb?.apiKey ? { tmdbApiKey: tmdb.apiKey } : {});
}

export const handler = kafkaStageHandler<ImageCandidate[]>(async (record, { correlationId }) => {
  sourceConfig ??= loadSourceConfig().catch((error: unknown) => {
    sourceConfig = undefined;
    throw error;
  });
  const config = await sourceConfig;
  return scrapeRecord(record.value, correlationId, {
    findCandidates: (person) => findCandidates(person, { config, http, now: () => new Date() }),
    putProfile: (profile) => putProfile(table, profile),
    now: () => new Date(),
  });
});
