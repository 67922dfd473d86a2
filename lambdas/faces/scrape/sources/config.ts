/**
 * Where the scrape sources look. Every base URL is configurable so the local stack can point them at
 * fixtures; the defaults are the real services.
 */
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

const ENV: Record<Exclude<keyof SourceConfig, "tmdbApiKey" | "maxImagesPerSource">, string> = {
  wikidataApiUrl: "WIKIDATA_API_URL",
  commonsFileBaseUrl: "COMMONS_FILE_BASE_URL",
  tmdbApiUrl: "TMDB_API_URL",
  tmdbImageBaseUrl: "TMDB_IMAGE_BASE_URL",
  webPageUrlTemplate: "WEB_PAGE_URL_TEMPLATE",
};

/**
 * The defaults with environment overrides applied (the variables named in ENV, plus
 * MAX_IMAGES_PER_SOURCE). The TMDB key is a secret, so it is not read here: pass it in `extra`.
 */
export function sourceConfigFrom(
  env: NodeJS.ProcessEnv = process.env,
  extra: Partial<SourceConfig> = {},
): SourceConfig {
  const config: SourceConfig = { ...DEFAULT_SOURCE_CONFIG };
  for (const [key, name] of Object.entries(ENV) as Array<[keyof typeof ENV, string]>) {
    const value = env[name];
    if (value) config[key] = value;
  }
  const max = env.MAX_IMAGES_PER_SOURCE;
  if (max) {
    const n = Number(max);
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`MAX_IMAGES_PER_SOURCE=${JSON.stringify(max)}: expected a positive integer`);
    }
    config.maxImagesPerSource = n;
  }
  return { ...config, ...extra };
}

/** Joins a base URL and a path without doubling or dropping the slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
