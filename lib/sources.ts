/**
 * Where the scrape stage looks for images and which origins the fetching stages may reach, for the
 * two kinds of deployment: the real services (`live`, the scrape stage's own defaults) or the
 * offline sample web (`sample`).
 */
import { DEFAULT_SOURCE_CONFIG, type SourceUrls } from "../lambdas/faces/scrape/sources/config";
import { LIMITS } from "../lambdas/faces/shared/contracts";
import type { Politeness } from "../lambdas/faces/shared/settings";
import type { SluiceSettings } from "./settings";

/**
 * The sites the sample web's one host stands in for: Wikidata, Commons, TMDB's API, TMDB's images and the people's
 * own pages (many sites on the real web, counted as one). A stage is polite to each site, so the sample web gets
 * the budget of all of them together: with one site's, the local pipeline would wait on a limit the real web does
 * not impose on it (measured: `npm run bench -- --part pipeline --ab`, README "Benchmark").
 */
export const SAMPLE_WEB_SITES = 5;

/** The stages' own politeness towards one site. */
const ONE_SITE: Politeness = {
  hostRequestsPerSecond: LIMITS.hostRequestsPerSecond,
  hostConcurrency: LIMITS.hostConcurrency,
};

export interface SourceSetup {
  /** Base URLs of the three sources (scrape). */
  readonly sources: SourceUrls;
  /** `host:port` entries the stages that check or fetch URLs may reach on private addresses. */
  readonly urlAllowList: string[];
  /** Deadline of one download; undefined keeps the stages' default. */
  readonly downloadTimeoutMs?: number;
  /** Per host and sandbox; undefined keeps the stages' default (LIMITS). */
  readonly politeness?: Politeness;
}

export function sourceSetup(
  settings: Pick<SluiceSettings, "sources" | "sampleWebUrl"> & Partial<Pick<SluiceSettings, "hostPoliteness">>,
): SourceSetup {
  const chosen = settings.hostPoliteness ?? {};
  const politeness = (base: Politeness): Politeness => ({
    hostRequestsPerSecond: chosen.requestsPerSecond ?? base.hostRequestsPerSecond,
    hostConcurrency: chosen.concurrency ?? base.hostConcurrency,
  });
  if (settings.sources === "live") {
    const { tmdbApiKey: _secret, maxImagesPerSource: _max, ...sources } = DEFAULT_SOURCE_CONFIG;
    const chosenAny = chosen.requestsPerSecond !== undefined || chosen.concurrency !== undefined;
    return { sources, urlAllowList: [], ...(chosenAny ? { politeness: politeness(ONE_SITE) } : {}) };
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
    politeness: politeness({
      hostRequestsPerSecond: ONE_SITE.hostRequestsPerSecond * SAMPLE_WEB_SITES,
      hostConcurrency: ONE_SITE.hostConcurrency * SAMPLE_WEB_SITES,
    }),
  };
}
