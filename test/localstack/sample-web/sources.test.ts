/**
 * The offline sample web answers like the sources it stands for: every route's shape over HTTP
 * (Wikidata, Commons, TMDB), and the candidates the manifest lists are exactly what the scrape
 * stage's own sources, and an independent parser, find there.
 */

import { sourceSetup } from "#lib/sources";
import { SAMPLE_TMDB_KEY } from "#local/sample-web/server";
import { createSafeFetcher } from "#shared/net/safe-fetch";
import { parseSettings } from "#shared/settings";
import { SourceSettingsSchema, sourceEnvironment } from "../../../lambdas/faces/scrape/sources/config";
import { findCandidates, sourceConfigOf } from "../../../lambdas/faces/scrape/sources/index";
import { sampleWebForThisFile } from "./fixture";
import {
  Claims,
  commonsFileUrl,
  formatOf,
  getJson,
  mapLimit,
  SparqlResults,
  scrapePerson,
  TmdbError,
  TmdbImages,
  TmdbSearch,
  WikidataError,
} from "./support";

jest.setTimeout(90_000);

const sample = sampleWebForThisFile();
const auth = { headers: { Authorization: `Bearer ${SAMPLE_TMDB_KEY}` } };

describe("Wikidata", () => {
  test("SPARQL answers SPARQL 1.1 JSON results with every person, and honours LIMIT and OFFSET", async () => {
    const query = encodeURIComponent("SELECT ?person ?personLabel ?occupations WHERE { … }");
    const { status, headers, body } = await getJson(`${sample.web.url}/wikidata/sparql?query=${query}&format=json`);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/^application\/sparql-results\+json/);
    const results = SparqlResults.parse(body);
    expect(results.head.vars).toEqual(["person", "personLabel", "occupations"]);
    expect(results.results.bindings.map((b) => b.person.value.split("/").pop())).toEqual(
      sample.web.manifest.people.map((p) => p.wikidataId),
    );
    expect(results.results.bindings[0]).toEqual({
      person: { type: "uri", value: "http://www.wikidata.org/entity/Q42" },
      personLabel: { "xml:lang": "en", type: "literal", value: "Douglas Adams" },
      occupations: { type: "literal", value: "novelist|screenwriter|playwright" },
    });

    const limited = SparqlResults.parse(
      (
        await getJson(
          `${sample.web.url}/wikidata/sparql?query=${encodeURIComponent("SELECT … } LIMIT 5 OFFSET 2")}&format=json`,
        )
      ).body,
    );
    expect(limited.results.bindings.map((b) => b.personLabel.value)).toEqual(
      sample.web.manifest.people.slice(2, 7).map((p) => p.name),
    );

    const posted = await getJson(`${sample.web.url}/wikidata/sparql`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: "SELECT … LIMIT 3", format: "json" }),
    });
    expect(SparqlResults.parse(posted.body).results.bindings).toHaveLength(3);
  });

  test("wbgetclaims answers P18 statements in Wikidata's shape, and Wikidata's error for an unknown item", async () => {
    const { status, body } = await getJson(
      `${sample.web.url}/wikidata/w/api.php?action=wbgetclaims&entity=Q42&property=P18&format=json`,
    );
    expect(status).toBe(200);
    const claims = Claims.parse(body);
    if (!("P18" in claims.claims)) throw new Error("Q42 has P18");
    expect(claims.claims.P18[0]?.mainsnak.datavalue).toEqual({
      value: "Douglas adams portrait cropped.jpg",
      type: "string",
    });

    const unknown = await getJson(
      `${sample.web.url}/wikidata/w/api.php?action=wbgetclaims&entity=Q0&property=P18&format=json`,
    );
    expect(WikidataError.parse(unknown.body)).toEqual({
      error: { code: "invalid-entity-id", info: "Invalid entity ID." },
    });
    const missing = await getJson(
      `${sample.web.url}/wikidata/w/api.php?action=wbgetclaims&entity=Q999999999&property=P18&format=json`,
    );
    expect(WikidataError.parse(missing.body)).toEqual({
      error: { code: "no-such-entity", info: 'Could not find an entity with the ID "Q999999999".' },
    });

    // Some people have no image on Wikidata; one has an "unknown value" statement.
    const shapes = await mapLimit(sample.web.manifest.people, 8, async (p) =>
      Claims.parse(
        (
          await getJson(
            `${sample.web.url}/wikidata/w/api.php?action=wbgetclaims&entity=${p.wikidataId}&property=P18&format=json`,
          )
        ).body,
      ),
    );
    expect(shapes.some((c) => !("P18" in c.claims))).toBe(true);
    expect(shapes.some((c) => "P18" in c.claims && c.claims.P18.some((s) => s.mainsnak.snaktype === "somevalue"))).toBe(
      true,
    );
  });

  test("Commons serves files where upload.wikimedia.org would put them", async () => {
    expect(commonsFileUrl(sample.web.url, "Douglas adams portrait cropped.jpg")).toBe(
      `${sample.web.url}/commons/c/c0/Douglas_adams_portrait_cropped.jpg`,
    );
    const res = await fetch(`${sample.web.url}/commons/c/c0/Douglas_adams_portrait_cropped.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(formatOf(Buffer.from(await res.arrayBuffer()))).toBe("jpeg");
    // The wrong hash directory is a 404, as on Commons.
    expect((await fetch(`${sample.web.url}/commons/a/ab/Douglas_adams_portrait_cropped.jpg`)).status).toBe(404);
  });
});

describe("TMDB", () => {
  test("the API wants the key: 401 in TMDB's shape without it", async () => {
    for (const path of ["/tmdb/3/search/person?query=Tom%20Hanks", "/tmdb/3/person/1/images"]) {
      const none = await getJson(`${sample.web.url}${path}`);
      expect(none.status).toBe(401);
      expect(TmdbError.parse(none.body)).toEqual({
        status_code: 7,
        status_message: "Invalid API key: You must be granted a valid key.",
        success: false,
      });
      const wrong = await getJson(`${sample.web.url}${path}`, { headers: { Authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
    }
    expect(
      (await getJson(`${sample.web.url}/tmdb/3/search/person?query=Tom%20Hanks&api_key=${SAMPLE_TMDB_KEY}`)).status,
    ).toBe(200);
  });

  test("one person's images answer 429 with Retry-After: 1 on the first request, then 200", async () => {
    const limited: string[] = [];
    for (const person of sample.web.manifest.people) {
      const search = TmdbSearch.parse(
        (
          await getJson(
            `${sample.web.url}/tmdb/3/search/person?query=${encodeURIComponent(person.name)}&include_adult=false&language=en-US&page=1`,
            auth,
          )
        ).body,
      );
      const hit = search.results.find((r) => r.name === person.name);
      if (hit === undefined) continue;
      const first = await getJson(`${sample.web.url}/tmdb/3/person/${hit.id}/images`, auth);
      if (first.status === 200) {
        TmdbImages.parse(first.body);
        continue;
      }
      expect(first.status).toBe(429);
      expect(first.headers.get("retry-after")).toBe("1");
      expect(TmdbError.parse(first.body).status_code).toBe(25);
      const second = await getJson(`${sample.web.url}/tmdb/3/person/${hit.id}/images`, auth);
      expect(second.status).toBe(200);
      expect(TmdbImages.parse(second.body).id).toBe(hit.id);
      limited.push(person.wikidataId);
    }
    expect(limited).toHaveLength(1);
  });

  test("search finds people by name; unknown people and ids are TMDB's 404", async () => {
    const search = TmdbSearch.parse(
      (
        await getJson(
          `${sample.web.url}/tmdb/3/search/person?query=Douglas%20Adams&include_adult=false&language=en-US&page=1`,
          auth,
        )
      ).body,
    );
    expect(search.results).toHaveLength(1);
    expect(search.results[0]).toMatchObject({
      name: "Douglas Adams",
      original_name: "Douglas Adams",
      adult: false,
      known_for: [],
    });
    const nobody = TmdbSearch.parse(
      (await getJson(`${sample.web.url}/tmdb/3/search/person?query=Nobody%20Atall`, auth)).body,
    );
    expect(nobody).toEqual({ page: 1, results: [], total_pages: 1, total_results: 0 });
    const missing = await getJson(`${sample.web.url}/tmdb/3/person/1/images`, auth);
    expect(missing.status).toBe(404);
    expect(TmdbError.parse(missing.body)).toEqual({
      status_code: 34,
      status_message: "The resource you requested could not be found.",
      success: false,
    });
  });
});

describe("the manifest's candidates", () => {
  test("are exactly what the scrape stage's own sources find over HTTP, source by source, in order", async () => {
    const people = new Map(sample.web.manifest.people.map((p) => [p.wikidataId, p]));
    const http = createSafeFetcher({
      allowList: [new URL(sample.web.url).host],
      timeoutMs: 10_000,
      maxBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      // Every sample request goes to one host: the default politeness (10 requests/s) would make this test slow.
      perHostRequestsPerSecond: 1_000,
      perHostConcurrency: 16,
    });
    // The scrape stage's settings exactly as the local deploy sets them for the sample web.
    const env = sourceEnvironment(sourceSetup({ sources: "sample", sampleWebUrl: sample.web.url }).sources);
    const config = sourceConfigOf(parseSettings(SourceSettingsSchema, env), { tmdbApiKey: SAMPLE_TMDB_KEY });
    try {
      const scraped = await mapLimit(sample.web.manifest.perPerson, 6, async ({ wikidataId }) => {
        const person = people.get(wikidataId);
        if (!person) throw new Error(`no person ${wikidataId}`);
        const found = await findCandidates(person, { config, http, now: () => new Date() });
        return found.candidates.map(({ source, url }) => ({ source, url }));
      });
      sample.web.manifest.perPerson.forEach(({ candidates }, i) => {
        expect(scraped[i]).toEqual(candidates.map(({ source, url }) => ({ source, url })));
      });
    } finally {
      await http.close();
    }
    // Some people have no page: the web source then finds nothing.
    const withoutPage = sample.web.manifest.perPerson.filter((p) => !p.candidates.some((c) => c.source === "web"));
    expect(withoutPage.length).toBeGreaterThan(0);
    for (const { wikidataId } of withoutPage)
      expect((await fetch(`${sample.web.url}/web/people/${wikidataId}`)).status).toBe(404);
  });

  test("are what an independent HTML and srcset parser finds too", async () => {
    const people = new Map(sample.web.manifest.people.map((p) => [p.wikidataId, p]));
    const scraped = await mapLimit(sample.web.manifest.perPerson, 6, async ({ wikidataId }) =>
      scrapePerson(sample.web.url, wikidataId, people.get(wikidataId)?.name ?? "", SAMPLE_TMDB_KEY),
    );
    sample.web.manifest.perPerson.forEach(({ candidates }, i) => {
      expect(scraped[i]).toEqual(candidates.map(({ source, url }) => ({ source, url })));
    });
  });
});
