/**
 * TMDB (The Movie Database): profile photos of people in film and television. Find the person by
 * name, then list their profile images.
 *
 * API: https://developer.themoviedb.org/reference/search-person and /reference/person-images
 */

import { z } from "zod";
import { FetchFailure } from "#shared/net/fetch-failure";
import { joinUrl } from "./config";
import { type Found, parseResponse, type Source, type SourceDeps, SourceError } from "./types";

const SearchSchema = z.object({
  results: z.array(
    z.object({
      id: z.number().int().nonnegative(),
      name: z.string(),
      original_name: z.string().optional(),
      popularity: z.number().optional(),
    }),
  ),
});
type SearchHit = z.infer<typeof SearchSchema>["results"][number];

const ImagesSchema = z.object({
  profiles: z.array(z.object({ file_path: z.string().nullable().optional() })),
});

/** TMDB explains failures in the body: `{"status_code":7,"status_message":"Invalid API key…","success":false}`. */
const ErrorBodySchema = z.object({ status_code: z.number(), status_message: z.string() });

/** Case-, accent- and spacing-insensitive form of a name: "Beyoncé  Knowles" and "beyonce knowles" are equal. */
export function foldName(name: string): string {
  return name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The search hit that is our person: the first whose name (or original name) matches ours, else the
 * most popular (search ranks by relevance, and a famous person usually tops their own name).
 */
export function pickPerson(name: string, hits: readonly SearchHit[]): SearchHit | undefined {
  const wanted = foldName(name);
  const exact = hits.find(
    (h) => foldName(h.name) === wanted || (h.original_name && foldName(h.original_name) === wanted),
  );
  if (exact) return exact;
  let best: SearchHit | undefined;
  for (const hit of hits) if (!best || (hit.popularity ?? 0) > (best.popularity ?? 0)) best = hit;
  return best;
}

export function tmdbSearchUrl(apiUrl: string, name: string): string {
  const url = new URL(joinUrl(apiUrl, "search/person"));
  url.searchParams.set("query", name);
  url.searchParams.set("include_adult", "false");
  url.searchParams.set("language", "en-US");
  url.searchParams.set("page", "1");
  return url.href;
}

function tmdbImageUrl(imageBaseUrl: string, filePath: string): string {
  return `${joinUrl(imageBaseUrl, "original")}${filePath.startsWith("/") ? "" : "/"}${filePath}`;
}

export const tmdbSource: Source = async (person, deps) => {
  const { config } = deps;
  if (!config.tmdbApiKey) return { skipped: "not configured: no TMDB API key" };

  const search = await tmdbGet(deps, tmdbSearchUrl(config.tmdbApiUrl, person.name));
  const hit = pickPerson(person.name, parseResponse(SearchSchema, search.body, search.url).results);
  if (!hit) return { found: [] };

  const images = await tmdbGet(deps, joinUrl(config.tmdbApiUrl, `person/${hit.id}/images`));
  const found: Found[] = [];
  for (const profile of parseResponse(ImagesSchema, images.body, images.url).profiles) {
    if (profile.file_path)
      found.push({ url: tmdbImageUrl(config.tmdbImageBaseUrl, profile.file_path), foundOn: images.url });
  }
  return { found };
};

/** A GET with the bearer token; an HTTP error is reported with TMDB's own explanation when it gives one. */
async function tmdbGet({ config, http }: SourceDeps, url: string) {
  try {
    return await http.fetchJson(url, { headers: { authorization: `Bearer ${config.tmdbApiKey}` } });
  } catch (error) {
    if (error instanceof FetchFailure && error.reason === "http-error" && error.responseBody) {
      const explained = explain(error.responseBody);
      if (explained) {
        throw new SourceError(
          "http-error",
          `TMDB ${error.status}: ${explained.status_message} (status_code ${explained.status_code})`,
          error.transient,
          { cause: error },
        );
      }
    }
    throw error;
  }
}

function explain(body: string): z.infer<typeof ErrorBodySchema> | undefined {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
