/**
 * Where the scrape stage looks for images and which origins the fetching stages may reach, for the
 * two kinds of deployment: the real services (`live`) or the offline sample web (`sample`).
 */
import type { SluiceSettings } from "./settings";

export interface SourceEnvironment {
  /** Base URLs of the three sources (scrape). */
  readonly scrape: Record<string, string>;
  /** Safety settings of every stage that fetches or checks URLs (scrape, validate, store). */
  readonly fetch: Record<string, string>;
}

const LIVE = {
  WIKIDATA_API_URL: "https://www.wikidata.org/w/api.php",
  COMMONS_FILE_BASE_URL: "https://upload.wikimedia.org/wikipedia/commons",
  TMDB_API_URL: "https://api.themoviedb.org/3",
  TMDB_IMAGE_BASE_URL: "https://image.tmdb.org/t/p",
  WEB_PAGE_URL_TEMPLATE: "https://en.wikipedia.org/wiki/{title}",
};

export function sourceEnvironment(settings: Pick<SluiceSettings, "sources" | "sampleWebUrl">): SourceEnvironment {
  if (settings.sources === "live") return { scrape: LIVE, fetch: { URL_ALLOW_LIST: "" } };
  const origin = settings.sampleWebUrl;
  return {
    scrape: {
      WIKIDATA_API_URL: `${origin}/wikidata/w/api.php`,
      COMMONS_FILE_BASE_URL: `${origin}/commons`,
      TMDB_API_URL: `${origin}/tmdb/3`,
      TMDB_IMAGE_BASE_URL: `${origin}/tmdb-images/t/p`,
      WEB_PAGE_URL_TEMPLATE: `${origin}/web/people/{wikidataId}`,
    },
    // The sample web is on loopback: only its exact host:port is let through, nothing else local.
    fetch: { URL_ALLOW_LIST: new URL(origin).host, DOWNLOAD_TIMEOUT_MS: "2000" },
  };
}
