/**
 * Wikidata: the person's "image" statements (P18), each naming a file on Wikimedia Commons. Curated,
 * freely licensed, usually a portrait: the best source there is, when it has anything.
 *
 * API: https://www.wikidata.org/w/api.php?action=help&modules=wbgetclaims
 */
import { z } from "zod";
import { commonsFileUrl } from "./mediawiki";
import { type Found, parseResponse, type Source, SourceError } from "./types";

const StatementSchema = z.object({
  rank: z.string().optional(),
  mainsnak: z.object({
    snaktype: z.string(),
    datavalue: z.object({ value: z.unknown(), type: z.string() }).optional(),
  }),
});

const ClaimsResponseSchema = z.union([
  z.object({ error: z.object({ code: z.string(), info: z.string() }) }),
  z.object({
    // PHP serializes an empty map as [], so "no claims at all" can arrive as either.
    claims: z.union([z.object({ P18: z.array(z.unknown()).optional() }), z.array(z.never()).length(0)]),
  }),
]);

/** The wbgetclaims request for a person's P18 statements. */
export function wikidataClaimsUrl(apiUrl: string, wikidataId: string): string {
  const url = new URL(apiUrl);
  url.searchParams.set("action", "wbgetclaims");
  url.searchParams.set("entity", wikidataId);
  url.searchParams.set("property", "P18");
  url.searchParams.set("format", "json");
  return url.href;
}

/**
 * The Commons file names in a wbgetclaims response, in statement order. Deprecated statements are
 * skipped (the community marked them wrong) and so are "no value"/"unknown value" snaks, which name
 * no file.
 */
export function imageFileNames(body: unknown, url: string): string[] {
  const response = parseResponse(ClaimsResponseSchema, body, url);
  if ("error" in response) {
    const { code, info } = response.error;
    throw new SourceError("api-error", `Wikidata ${code}: ${info}`, false);
  }
  const statements = Array.isArray(response.claims) ? [] : (response.claims.P18 ?? []);
  const names: string[] = [];
  for (const raw of statements) {
    const statement = StatementSchema.safeParse(raw);
    if (!statement.success) continue;
    const { rank, mainsnak } = statement.data;
    if (rank === "deprecated" || mainsnak.snaktype !== "value") continue;
    const value = mainsnak.datavalue?.value;
    if (mainsnak.datavalue?.type === "string" && typeof value === "string" && value.trim() !== "") names.push(value);
  }
  return names;
}

export const wikidataSource: Source = async (person, { config, http }) => {
  const url = wikidataClaimsUrl(config.wikidataApiUrl, person.wikidataId);
  const response = await http.fetchJson(url);
  const found: Found[] = imageFileNames(response.body, response.url).map((name) => ({
    url: commonsFileUrl(config.commonsFileBaseUrl, name),
    foundOn: response.url,
  }));
  return { found };
};
