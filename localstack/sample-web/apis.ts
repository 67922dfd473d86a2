/**
 * The APIs the sample web answers like the real services: Wikidata's SPARQL endpoint and
 * wbgetclaims (P18 statements in Wikidata's JSON), and TMDB's person search and images (with its
 * API key, its error bodies and one rate-limited answer).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { PersonPlan, SamplePlan } from "./model";
import { json, plain, type Reply } from "./reply";

/** The only credential the sample TMDB accepts: as `Authorization: Bearer …` or as `api_key=…`. */
export const SAMPLE_TMDB_KEY = "sluice-sample-tmdb-read-access-token";

/** What TMDB's answers need: the plan, people by TMDB id, and per-server request counters (for the 429). */
export interface TmdbState {
  plan: SamplePlan;
  byTmdbId: Map<number, PersonPlan>;
  counters: Map<string, number>;
}

export function sparql(plan: SamplePlan, query: string | null): Reply {
  if (query === null || query.trim() === "") return plain(400, "Missing 'query' parameter\n");
  const limit = /\bLIMIT\s+(\d+)/i.exec(query)?.[1];
  const offset = /\bOFFSET\s+(\d+)/i.exec(query)?.[1];
  const start = offset === undefined ? 0 : Number(offset);
  const people = plan.people.slice(start, limit === undefined ? undefined : start + Number(limit));
  const body = {
    head: { vars: ["person", "personLabel", "occupations"] },
    results: {
      bindings: people.map(({ person }) => ({
        person: { type: "uri", value: `http://www.wikidata.org/entity/${person.wikidataId}` },
        personLabel: { "xml:lang": "en", type: "literal", value: person.name },
        occupations: { type: "literal", value: person.occupations.join("|") },
      })),
    },
  };
  return json(200, body, "application/sparql-results+json; charset=utf-8");
}

export function wikidataApi(plan: SamplePlan, params: URLSearchParams): Reply {
  const error = (code: string, info: string): Reply => ({
    ...json(200, { error: { code, info } }),
    headers: { "MediaWiki-API-Error": code },
  });
  const action = params.get("action");
  if (action !== "wbgetclaims") return error("badvalue", `Unrecognized value for parameter "action": ${action ?? ""}.`);
  const entity = params.get("entity");
  if (entity === null || entity === "")
    return error("param-missing", 'Either the parameter "entity" or the parameter "claim" has to be provided.');
  if (!/^Q[1-9][0-9]*$/.test(entity)) return error("invalid-entity-id", "Invalid entity ID.");
  const found = plan.people.find((p) => p.person.wikidataId === entity);
  if (found === undefined) return error("no-such-entity", `Could not find an entity with the ID "${entity}".`);
  const property = params.get("property");
  const statements = property !== null && property !== "P18" ? [] : found.p18.map(p18Claim);
  return json(200, { claims: statements.length === 0 ? {} : { P18: statements } });
}

export function tmdbApi(api: TmdbState, req: IncomingMessage, url: URL, path: string): Reply {
  const { plan, counters } = api;
  const auth = req.headers.authorization ?? "";
  if (auth !== `Bearer ${SAMPLE_TMDB_KEY}` && url.searchParams.get("api_key") !== SAMPLE_TMDB_KEY) {
    return json(401, {
      status_code: 7,
      status_message: "Invalid API key: You must be granted a valid key.",
      success: false,
    });
  }
  if (path === "/search/person") {
    const query = normalizeName(url.searchParams.get("query") ?? "");
    const page = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
    const onTmdb = plan.people.filter((p) => p.tmdb !== undefined);
    const exact = query === "" ? [] : onTmdb.filter((p) => normalizeName(p.person.name) === query);
    const partial =
      query.length < 3 ? [] : onTmdb.filter((p) => !exact.includes(p) && normalizeName(p.person.name).includes(query));
    const matches = [...exact, ...partial];
    return json(200, {
      page,
      results: matches.slice((page - 1) * 20, page * 20).map(searchResult),
      total_pages: Math.max(1, Math.ceil(matches.length / 20)),
      total_results: matches.length,
    });
  }
  const images = /^\/person\/(\d+)\/images$/.exec(path);
  const person = images ? api.byTmdbId.get(Number(images[1])) : undefined;
  if (person?.tmdb === undefined) {
    return json(404, {
      status_code: 34,
      status_message: "The resource you requested could not be found.",
      success: false,
    });
  }
  const key = `tmdb-images:${person.tmdb.id}`;
  const seen = counters.get(key) ?? 0;
  counters.set(key, seen + 1);
  if (person.tmdb.rateLimited && seen === 0) {
    const body = {
      success: false,
      status_code: 25,
      status_message: "Your request count (41) is over the allowed limit of 40.",
    };
    return { ...json(429, body), headers: { "Retry-After": "1" } };
  }
  return json(200, {
    id: person.tmdb.id,
    profiles: person.tmdb.profiles.map((profile) => {
      const votes = createHash("sha256").update(profile.file).digest();
      return {
        aspect_ratio: Math.round((profile.width / profile.height) * 1000) / 1000,
        height: profile.height,
        iso_639_1: null,
        file_path: profile.file,
        vote_average: Math.round(((votes[0] ?? 0) / 255) * 10 * 1000) / 1000,
        vote_count: (votes[1] ?? 0) % 40,
        width: profile.width,
      };
    }),
  });
}

const normalizeName = (name: string) => name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();

function p18Claim(statement: PersonPlan["p18"][number]): Record<string, unknown> {
  const hash = createHash("sha1").update(`${statement.id}${statement.value}`).digest("hex");
  const mainsnak =
    statement.snak === "value"
      ? {
          snaktype: "value",
          property: "P18",
          hash,
          datavalue: { value: statement.value, type: "string" },
          datatype: "commonsMedia",
        }
      : { snaktype: "somevalue", property: "P18", hash, datatype: "commonsMedia" };
  const claim: Record<string, unknown> = { mainsnak, type: "statement", id: statement.id, rank: statement.rank };
  if (statement.legend !== undefined) {
    claim.qualifiers = {
      P2096: [
        {
          snaktype: "value",
          property: "P2096",
          hash: createHash("sha1").update(statement.legend).digest("hex"),
          datavalue: { value: { text: statement.legend, language: "en" }, type: "monolingualtext" },
          datatype: "monolingualtext",
        },
      ],
    };
    claim["qualifiers-order"] = ["P2096"];
  }
  return claim;
}

function searchResult(plan: PersonPlan): Record<string, unknown> {
  const { person, tmdb } = plan;
  return {
    adult: false,
    gender: person.gender,
    id: tmdb?.id,
    known_for_department: person.department,
    name: person.name,
    original_name: person.name,
    popularity: tmdb?.popularity ?? 0,
    profile_path: tmdb?.profiles[0]?.file ?? null,
    known_for: [],
  };
}
