/**
 * Where the list of people to scrape comes from, before anything is published to `celebrities`:
 * Wikidata's query service (well-known humans that have an image), or a CSV/JSON file someone wrote.
 * Runs on the host, not in Lambda.
 *
 * Bad rows are never dropped silently: parsers return the people that passed CelebritySchema and, for
 * every row that did not (or repeated a person), where it was and why.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import { type Celebrity, CelebritySchema } from "#faces/contracts";

export interface SeedError {
  /** `line 4` (CSV), `[2]` / `people[2]` (JSON), `results.bindings[7]` (SPARQL), `document`, `header`. */
  where: string;
  message: string;
}

export interface SeedList {
  people: Celebrity[];
  errors: SeedError[];
}

export const WIKIDATA_SPARQL_ENDPOINT = "https://query.wikidata.org/sparql";

/**
 * Wikimedia asks every client to identify itself with a contact (https://meta.wikimedia.org/wiki/User-Agent_policy);
 * requests with a generic agent get throttled or refused.
 */
export const SEED_USER_AGENT = `sluice-seed/0.1 (https://github.com/sluice; builds a demo seed list) node/${process.versions.node}`;

/** The CelebritySchema's cap on occupations; Wikidata lists more for a few polymaths. */
const MAX_OCCUPATIONS = 50;

export interface SparqlQueryOptions {
  /**
   * Only people with at least this many sitelinks (Wikipedia and sister-project articles) are
   * considered: it keeps the query inside WDQS's 60-second limit. Lower it for large limits.
   */
  minSitelinks?: number;
}

/**
 * Well-known humans (P31 = Q5) with an image (P18), most sitelinks first (the usual proxy for "how
 * well known"), with their English name (or the language-neutral `mul` one) and their occupations'
 * English labels joined by `|`.
 *
 * The people are chosen and limited in a subquery, before occupations multiply the rows, so `limit`
 * is a number of people. Names come from the label service, which falls back to the item id when a
 * person has no label in those languages (parseSparqlResults reports such rows).
 */
export function sparqlQuery(limit: number, options: SparqlQueryOptions = {}): string {
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const minSitelinks = options.minSitelinks ?? 50;
  if (!Number.isInteger(minSitelinks) || minSitelinks < 0) {
    throw new RangeError(`minSitelinks must be a non-negative integer, got ${minSitelinks}`);
  }
  return `#sluice seed: well-known people with an image, most sitelinks first
SELECT ?person ?personLabel (GROUP_CONCAT(DISTINCT ?occupationLabel; separator="|") AS ?occupations)
WHERE {
  {
    SELECT ?person ?sitelinks WHERE {
      ?person wikibase:sitelinks ?sitelinks .
      hint:Prior hint:rangeSafe true .
      FILTER(?sitelinks >= ${minSitelinks})
      ?person wdt:P31 wd:Q5 .
      FILTER EXISTS { ?person wdt:P18 ?image . }
    }
    ORDER BY DESC(?sitelinks) ?person
    LIMIT ${limit}
  }
  OPTIONAL {
    ?person wdt:P106 ?occupation .
    ?occupation rdfs:label ?occupationLabel .
    FILTER(LANG(?occupationLabel) = "en")
  }
  SERVICE wikibase:label {
    bd:serviceParam wikibase:language "en,mul" .
    ?person rdfs:label ?personLabel .
  }
}
GROUP BY ?person ?personLabel ?sitelinks
ORDER BY DESC(?sitelinks) ?person
`;
}

/**
 * Runs a query with GET (which WDQS caches) and returns the parsed SPARQL JSON results. A non-2xx
 * answer is an error carrying the status and the start of the body (WDQS puts the Java exception there).
 */
export async function fetchSparql(endpoint: string, query: string, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  const url = new URL(endpoint);
  url.searchParams.set("query", query);
  url.searchParams.set("format", "json");
  const response = await fetchImpl(url, {
    method: "GET",
    headers: { accept: "application/sparql-results+json", "user-agent": SEED_USER_AGENT },
    // WDQS gives up on a query after 60 s; allow for queueing on top.
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) {
    const body = await response.text().catch(() => "");
    throw new Error(
      `SPARQL endpoint ${url.origin}${url.pathname} answered HTTP ${response.status}: ${body.slice(0, 500)}`,
    );
  }
  try {
    return (await response.json()) as unknown;
  } catch (error) {
    throw new Error(`SPARQL endpoint ${url.origin}${url.pathname} did not return JSON`, { cause: error });
  }
}

const RdfTerm = z.object({ type: z.string(), value: z.string() });
const SparqlResultsSchema = z.object({
  head: z.object({ vars: z.array(z.string()) }),
  results: z.object({ bindings: z.array(z.record(z.string(), RdfTerm)) }),
});

const ENTITY_URI = /^https?:\/\/www\.wikidata\.org\/entity\/(Q[1-9][0-9]*)$/;

/**
 * People from SPARQL 1.1 JSON results of `sparqlQuery`. A result that is not SPARQL JSON at all is an
 * error (thrown); a row that does not make a valid person (no usable name, not an item, a repeat) is
 * left out and passed to `onError`, if given, with where it was and why.
 */
export function parseSparqlResults(json: unknown, onError?: (error: SeedError) => void): Celebrity[] {
  const parsed = SparqlResultsSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`not SPARQL JSON results: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });

  const list = new SeedCollector();
  for (const [index, row] of parsed.data.results.bindings.entries()) {
    const where = `results.bindings[${index}]`;
    const uri = row.person?.value ?? "";
    const id = ENTITY_URI.exec(uri)?.[1];
    if (!id) {
      list.error(where, `?person is not a Wikidata item URI: ${JSON.stringify(uri)}`);
      continue;
    }
    const name = row.personLabel?.value ?? "";
    if (name === "" || name === id) {
      list.error(where, `${id} has no English (or mul) label`);
      continue;
    }
    const occupations = splitOccupations(row.occupations?.value ?? "").slice(0, MAX_OCCUPATIONS);
    list.add(where, { wikidataId: id, name, occupations });
  }
  for (const error of list.errors) onError?.(error);
  return list.people;
}

/**
 * People from CSV with a header row: `wikidataId,name,occupations` (the id column may also be called
 * `id` or `qid`; any case; column order free), occupations separated by `|`. Trailing columns may be
 * left out; extra ones make the row an error.
 */
export function parseCelebrityCsv(text: string): SeedList {
  const list = new SeedCollector();
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parseCsv(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) list.error(`line ${error.lines}`, error.message);
        return undefined;
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    list.error("document", `not readable as CSV: ${error instanceof Error ? error.message : String(error)}`);
    return list.result();
  }

  const [header, ...records] = rows;
  if (!header) return list.result();
  const columns = header.record.map((name) => name.toLowerCase().replace(/[^a-z]/g, ""));
  const idColumn = columns.findIndex((c) => c === "wikidataid" || c === "id" || c === "qid");
  const nameColumn = columns.indexOf("name");
  const occupationsColumn = columns.indexOf("occupations");
  const missing = [idColumn < 0 ? "wikidataId (or id, qid)" : "", nameColumn < 0 ? "name" : ""].filter(Boolean);
  if (missing.length > 0) {
    list.error(`line ${header.info.lines} (header)`, `missing column: ${missing.join(", ")}`);
    return list.result();
  }

  for (const { record, info } of records) {
    const where = `line ${info.lines}`;
    if (record.length > columns.length) {
      list.error(where, `${record.length} fields, but the header has ${columns.length}`);
      continue;
    }
    const field = (index: number) => (index < 0 ? undefined : record[index]);
    list.add(where, {
      wikidataId: toWikidataId(field(idColumn)),
      name: field(nameColumn),
      occupations: splitOccupations(field(occupationsColumn) ?? ""),
    });
  }
  return list.result();
}

/**
 * People from JSON: an array of objects, or `{ "people": [...] }`. Objects have `wikidataId` (or `id`
 * or `qid`), `name` and optionally `occupations` (an array, or a `|`-separated string).
 */
export function parseCelebrityJson(text: string): SeedList {
  const list = new SeedCollector();
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    list.error("document", `not JSON: ${error instanceof Error ? error.message : String(error)}`);
    return list.result();
  }
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const [items, prefix] = Array.isArray(document)
    ? [document, ""]
    : isRecord(document) && Array.isArray(document.people)
      ? [document.people as unknown[], "people"]
      : [undefined, ""];
  if (!items) {
    list.error("document", 'expected an array of people or an object with a "people" array');
    return list.result();
  }

  for (const [index, item] of items.entries()) {
    const where = `${prefix}[${index}]`;
    if (!isRecord(item)) {
      list.error(where, `expected an object, got ${JSON.stringify(item)}`);
      continue;
    }
    const { wikidataId, id, qid, occupations, ...rest } = item;
    list.add(where, {
      ...rest,
      wikidataId: toWikidataId(wikidataId ?? id ?? qid),
      occupations: typeof occupations === "string" ? splitOccupations(occupations) : occupations,
    });
  }
  return list.result();
}

/** Validates rows in order, keeps the first of each person, and remembers every refusal. */
class SeedCollector {
  readonly people: Celebrity[] = [];
  readonly errors: SeedError[] = [];
  private readonly firstSeen = new Map<string, string>();

  add(where: string, row: Record<string, unknown>): void {
    const parsed = CelebritySchema.safeParse(row);
    if (!parsed.success) {
      this.error(where, describeIssues(parsed.error));
      return;
    }
    const person = parsed.data;
    const first = this.firstSeen.get(person.wikidataId);
    if (first !== undefined) {
      this.error(where, `duplicate of ${person.wikidataId} (first at ${first}); dropped`);
      return;
    }
    this.firstSeen.set(person.wikidataId, where);
    this.people.push(person);
  }

  error(where: string, message: string): void {
    this.errors.push({ where, message });
  }

  result(): SeedList {
    return { people: this.people, errors: this.errors };
  }
}

/** `field: message; field: message`, the zod issues on one line. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "row"}: ${issue.message}`)
    .join("; ");
}

/** An id as written, or the Q-id out of a Wikidata entity or page URL (as pasted from a browser or query). */
function toWikidataId(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  const fromUrl = /^https?:\/\/(?:www\.|m\.)?wikidata\.org\/(?:entity|wiki)\/(Q[0-9]+)$/.exec(trimmed);
  return fromUrl ? fromUrl[1] : trimmed;
}

function splitOccupations(value: string): string[] {
  return [
    ...new Set(
      value
        .split("|")
        .map((o) => o.trim())
        .filter((o) => o !== ""),
    ),
  ];
}
