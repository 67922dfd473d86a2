/**
 * Where the scrape sources look. Every base URL is configurable so the local stack can point them at
 * fixtures; the defaults are the real services, and the one home of their addresses (the stack's
 * live deployment sets these very values).
 */
import { z } from "zod";
import { type EnvironmentOf, envPositiveInt, envString } from "#shared/settings";

export interface SourceConfig {
  /** MediaWiki Action API of Wikidata. */
  wikidataApiUrl: string;
  /** Root of Wikimedia Commons originals; files live at `/{h}/{hh}/{name}` (h = md5 of the name). */
  commonsFileBaseUrl: string;
  tmdbApiUrl: string;
  tmdbImageBaseUrl: string;
  /** A TMDB v4 read access token (sent as a Bearer token). Without it the TMDB source is skipped. */
  tmdbApiKey?: string;
  /**
   * The web page to scan for images. Placeholders: `{wikidataId}`, `{name}` (URI-component encoded) and
   * `{title}` (spaces as underscores, then encoded as MediaWiki encodes page titles).
   */
  webPageUrlTemplate: string;
  /** At most this many candidates per source and person, in the source's own order. */
  maxImagesPerSource: number;
}

export const DEFAULT_SOURCE_CONFIG: Readonly<SourceConfig> = {
  wikidataApiUrl: "https://www.wikidata.org/w/api.php",
  commonsFileBaseUrl: "https://upload.wikimedia.org/wikipedia/commons",
  tmdbApiUrl: "https://api.themoviedb.org/3",
  tmdbImageBaseUrl: "https://image.tmdb.org/t/p",
  webPageUrlTemplate: "https://en.wikipedia.org/wiki/{title}",
  maxImagesPerSource: 20,
};

/** The variables that point the sources elsewhere (the local stack points them at the sample web). */
export const SOURCE_SETTINGS = {
  WIKIDATA_API_URL: envString.default(DEFAULT_SOURCE_CONFIG.wikidataApiUrl),
  COMMONS_FILE_BASE_URL: envString.default(DEFAULT_SOURCE_CONFIG.commonsFileBaseUrl),
  TMDB_API_URL: envString.default(DEFAULT_SOURCE_CONFIG.tmdbApiUrl),
  TMDB_IMAGE_BASE_URL: envString.default(DEFAULT_SOURCE_CONFIG.tmdbImageBaseUrl),
  WEB_PAGE_URL_TEMPLATE: envString.default(DEFAULT_SOURCE_CONFIG.webPageUrlTemplate),
  MAX_IMAGES_PER_SOURCE: envPositiveInt.default(DEFAULT_SOURCE_CONFIG.maxImagesPerSource),
};
export const SourceSettingsSchema = z.object(SOURCE_SETTINGS);
export type SourceSettings = z.infer<typeof SourceSettingsSchema>;

/** Where the sources look, as the stack sets it: every base URL. */
export type SourceUrls = Omit<SourceConfig, "tmdbApiKey" | "maxImagesPerSource">;

export function sourceEnvironment(urls: SourceUrls): EnvironmentOf<typeof SOURCE_SETTINGS> {
  return {
    WIKIDATA_API_URL: urls.wikidataApiUrl,
    COMMONS_FILE_BASE_URL: urls.commonsFileBaseUrl,
    TMDB_API_URL: urls.tmdbApiUrl,
    TMDB_IMAGE_BASE_URL: urls.tmdbImageBaseUrl,
    WEB_PAGE_URL_TEMPLATE: urls.webPageUrlTemplate,
  };
}

/** The sources' settings as parsed. The TMDB key is a secret, so it is not among them: pass it in `extra`. */
export function sourceConfigOf(settings: SourceSettings, extra: Partial<SourceConfig> = {}): SourceConfig {
  return {
    wikidataApiUrl: settings.WIKIDATA_API_URL,
    commonsFileBaseUrl: settings.COMMONS_FILE_BASE_URL,
    tmdbApiUrl: settings.TMDB_API_URL,
    tmdbImageBaseUrl: settings.TMDB_IMAGE_BASE_URL,
    webPageUrlTemplate: settings.WEB_PAGE_URL_TEMPLATE,
    maxImagesPerSource: settings.MAX_IMAGES_PER_SOURCE,
    ...extra,
  };
}

/** Joins a base URL and a path without doubling or dropping the slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
