/**
 * Where the scrape stage looks for images and which origins the fetching stages may reach, for the
 * two kinds of deployment: the real services (`live`, the scrape stage's own defaults) or the
 * offline sample web (`sample`).
 */
import { DEFAULT_SOURCE_CONFIG, type SourceUrls } from "../lambdas/faces/scrape/sources/config";
import type { SluiceSettings } from "./settings";

export interface SourceSetup {
  /** Base URLs of the three sources (scrape). */
  readonly sources: SourceUrls;
  /** `host:port` entries the stages that check or fetch URLs may reach on private addresses. */
  readonly urlAllowList: string[];
  /** Deadline of one download; undefined keeps the stages' default. */
  readonly downloadTimeoutMs?: number;
}

export function sourceSetup(settings: Pick<SluiceSettings, "sources" | "sampleWebUrl">): SourceSetup {
  if (settings.sources === "live") {
    const { tmdbApiKey: _secret, maxImagesPerSource: _max, ...sources } = DEFAULT_SOURCE_CONFIG;
    return { sources, urlAllowList: [] };
  }
  const origin = settings.sampleWebUrl;
  return {
    sources: {
      wikidataApiUrl: `${origin}/wikidata/w/api.php`,
      commonsFileBaseUrl: `${origin}/commons`,
      tmdbApiUrl: `${origin}/tmdb/3`,
      tmdbImageBaseUrl: `${origin}/tmdb-images/t/p`,
      webPageUrlTemplate: `${origin}/web/people/{wikidataId}`,
    },
    // The sample web is on loopback: only its exact host:port is let through, nothing else local.
    urlAllowList: [new URL(origin).host],
    downloadTimeoutMs: 4000,
  };
}
