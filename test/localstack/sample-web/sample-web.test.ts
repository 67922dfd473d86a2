/**
 * The offline sample web: every route's shape over HTTP, the behaviours the pipeline must cope
 * with, whether the bytes served really are what the manifest says, the manifest's own
 * consistency, and determinism in seed and scale. One file, so the generated sample is shared.
 */

import { imageSize } from "image-size";
import { CelebritySchema, LIMITS, REJECTIONS, WIKIDATA_ID } from "#faces/contracts";
import { differenceHash, hammingDistance } from "#faces/media/phash";
import { createSafeFetcher } from "#faces/net/safe-fetch";
import { findCandidates, sourceConfigFrom } from "../../../lambdas/faces/scrape/sources/index";
import {
  countOutcomes,
  type ExpectedCandidate,
  type Manifest,
  sampleManifest,
} from "../../../localstack/sample-web/manifest";
import { otherPortFor, type SamplePlan } from "../../../localstack/sample-web/model";
import { generateSample } from "../../../localstack/sample-web/plan";
import { buildSample, SAMPLE_TMDB_KEY, type SampleWeb, startSampleWeb } from "../../../localstack/sample-web/server";
import {
  Claims,
  commonsFileUrl,
  decodeFully,
  download,
  endsAtEndMarker,
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

let web: SampleWeb;
let manifest: Manifest;
/** A ZIP local file header. */
const ZIP = "PK\u0003\u0004";
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const auth = { headers: { Authorization: `Bearer ${SAMPLE_TMDB_KEY}` } };

beforeAll(async () => {
  web = await startSampleWeb({ port: 0, seed: 1 });
  manifest = web.manifest;
});

afterAll(async () => {
  await web?.close();
});

const all = (): Array<ExpectedCandidate & { wikidataId: string }> =>
  web.manifest.perPerson.flatMap((p) => p.candidates.map((c) => ({ ...c, wikidataId: p.wikidataId })));

const byCase = (name: string): ExpectedCandidate => {
  const found = all().find((c) => c.case === name);
  if (found === undefined) throw new Error(`no candidate of case ${name}`);
  return found;
};

describe("Wikidata", () => {
  test("SPARQL answers SPARQL 1.1 JSON results with every person, and honours LIMIT and OFFSET", async () => {
    const query = encodeURIComponent("SELECT ?person ?personLabel ?occupations WHERE { … }");
    const { status, headers, body } = await getJson(`${web.url}/wikidata/sparql?query=${query}&format=json`);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/^application\/sparql-results\+json/);
    const results = SparqlResults.parse(body);
    expect(results.head.vars).toEqual(["person", "personLabel", "occupations"]);
    expect(results.results.bindings.map((b) => b.person.value.split("/").pop())).toEqual(
      web.manifest.people.map((p) => p.wikidataId),
    );
    expect(results.results.bindings[0]).toEqual({
      person: { type: "uri", value: "http://www.wikidata.org/entity/Q42" },
      personLabel: { "xml:lang": "en", type: "literal", value: "Douglas Adams" },
      occupations: { type: "literal", value: "novelist|screenwriter|playwright" },
    });

    const limited = SparqlResults.parse(
      (
        await getJson(
          `${web.url}/wikidata/sparql?query=${encodeURIComponent("SELECT … } LIMIT 5 OFFSET 2")}&format=json`,
        )
      ).body,
    );
    expect(limited.results.bindings.map((b) => b.personLabel.value)).toEqual(
      web.manifest.people.slice(2, 7).map((p) => p.name),
    );

    const posted = await getJson(`${web.url}/wikidata/sparql`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: "SELECT … LIMIT 3", format: "json" }),
    });
    expect(SparqlResults.parse(posted.body).results.bindings).toHaveLength(3);
  });

  test("wbgetclaims answers P18 statements in Wikidata's shape, and Wikidata's error for an unknown item", async () => {
    const { status, body } = await getJson(
      `${web.url}/wikidata/w/api.php?action=wbgetclaims&entity=Q42&property=P18&format=json`,
    );
    expect(status).toBe(200);
    const claims = Claims.parse(body);
    if (!("P18" in claims.claims)) throw new Error("Q42 has P18");
    expect(claims.claims.P18[0]?.mainsnak.datavalue).toEqual({
      value: "Douglas adams portrait cropped.jpg",
      type: "string",
    });

    const unknown = await getJson(
      `${web.url}/wikidata/w/api.php?action=wbgetclaims&entity=Q0&property=P18&format=json`,
    );
    expect(WikidataError.parse(unknown.body)).toEqual({
      error: { code: "invalid-entity-id", info: "Invalid entity ID." },
    });
    const missing = await getJson(
      `${web.url}/wikidata/w/api.php?action=wbgetclaims&entity=Q999999999&property=P18&format=json`,
    );
    expect(WikidataError.parse(missing.body)).toEqual({
      error: { code: "no-such-entity", info: 'Could not find an entity with the ID "Q999999999".' },
    });

    // Some people have no image on Wikidata; one has an "unknown value" statement.
    const shapes = await mapLimit(web.manifest.people, 8, async (p) =>
      Claims.parse(
        (
          await getJson(
            `${web.url}/wikidata/w/api.php?action=wbgetclaims&entity=${p.wikidataId}&property=P18&format=json`,
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
    expect(commonsFileUrl(web.url, "Douglas adams portrait cropped.jpg")).toBe(
      `${web.url}/commons/c/c0/Douglas_adams_portrait_cropped.jpg`,
    );
    const res = await fetch(`${web.url}/commons/c/c0/Douglas_adams_portrait_cropped.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(formatOf(Buffer.from(await res.arrayBuffer()))).toBe("jpeg");
    // The wrong hash directory is a 404, as on Commons.
    expect((await fetch(`${web.url}/commons/a/ab/Douglas_adams_portrait_cropped.jpg`)).status).toBe(404);
  });
});

describe("TMDB", () => {
  test("the API wants the key: 401 in TMDB's shape without it", async () => {
    for (const path of ["/tmdb/3/search/person?query=Tom%20Hanks", "/tmdb/3/person/1/images"]) {
      const none = await getJson(`${web.url}${path}`);
      expect(none.status).toBe(401);
      expect(TmdbError.parse(none.body)).toEqual({
        status_code: 7,
        status_message: "Invalid API key: You must be granted a valid key.",
        success: false,
      });
      const wrong = await getJson(`${web.url}${path}`, { headers: { Authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
    }
    expect((await getJson(`${web.url}/tmdb/3/search/person?query=Tom%20Hanks&api_key=${SAMPLE_TMDB_KEY}`)).status).toBe(
      200,
    );
  });

  test("one person's images answer 429 with Retry-After: 1 on the first request, then 200", async () => {
    const limited: string[] = [];
    for (const person of web.manifest.people) {
      const search = TmdbSearch.parse(
        (
          await getJson(
            `${web.url}/tmdb/3/search/person?query=${encodeURIComponent(person.name)}&include_adult=false&language=en-US&page=1`,
            auth,
          )
        ).body,
      );
      const hit = search.results.find((r) => r.name === person.name);
      if (hit === undefined) continue;
      const first = await getJson(`${web.url}/tmdb/3/person/${hit.id}/images`, auth);
      if (first.status === 200) {
        TmdbImages.parse(first.body);
        continue;
      }
      expect(first.status).toBe(429);
      expect(first.headers.get("retry-after")).toBe("1");
      expect(TmdbError.parse(first.body).status_code).toBe(25);
      const second = await getJson(`${web.url}/tmdb/3/person/${hit.id}/images`, auth);
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
          `${web.url}/tmdb/3/search/person?query=Douglas%20Adams&include_adult=false&language=en-US&page=1`,
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
    const nobody = TmdbSearch.parse((await getJson(`${web.url}/tmdb/3/search/person?query=Nobody%20Atall`, auth)).body);
    expect(nobody).toEqual({ page: 1, results: [], total_pages: 1, total_results: 0 });
    const missing = await getJson(`${web.url}/tmdb/3/person/1/images`, auth);
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
    const people = new Map(web.manifest.people.map((p) => [p.wikidataId, p]));
    const http = createSafeFetcher({
      allowList: [new URL(web.url).host],
      timeoutMs: 10_000,
      maxBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      // Every sample request goes to one host: the default politeness (10 requests/s) would make this test slow.
      perHostRequestsPerSecond: 1_000,
      perHostConcurrency: 16,
    });
    const config = sourceConfigFrom(
      {
        WIKIDATA_API_URL: `${web.url}/wikidata/w/api.php`,
        COMMONS_FILE_BASE_URL: `${web.url}/commons`,
        TMDB_API_URL: `${web.url}/tmdb/3`,
        TMDB_IMAGE_BASE_URL: `${web.url}/tmdb-images/t/p`,
        WEB_PAGE_URL_TEMPLATE: `${web.url}/web/people/{wikidataId}`,
      },
      { tmdbApiKey: SAMPLE_TMDB_KEY },
    );
    try {
      const scraped = await mapLimit(web.manifest.perPerson, 6, async ({ wikidataId }) => {
        const person = people.get(wikidataId);
        if (!person) throw new Error(`no person ${wikidataId}`);
        const found = await findCandidates(person, { config, http, now: () => new Date() });
        return found.candidates.map(({ source, url }) => ({ source, url }));
      });
      web.manifest.perPerson.forEach(({ candidates }, i) => {
        expect(scraped[i]).toEqual(candidates.map(({ source, url }) => ({ source, url })));
      });
    } finally {
      await http.close();
    }
    // Some people have no page: the web source then finds nothing.
    const withoutPage = web.manifest.perPerson.filter((p) => !p.candidates.some((c) => c.source === "web"));
    expect(withoutPage.length).toBeGreaterThan(0);
    for (const { wikidataId } of withoutPage)
      expect((await fetch(`${web.url}/web/people/${wikidataId}`)).status).toBe(404);
  });

  test("are what an independent HTML and srcset parser finds too", async () => {
    const people = new Map(web.manifest.people.map((p) => [p.wikidataId, p]));
    const scraped = await mapLimit(web.manifest.perPerson, 6, async ({ wikidataId }) =>
      scrapePerson(web.url, wikidataId, people.get(wikidataId)?.name ?? "", SAMPLE_TMDB_KEY),
    );
    web.manifest.perPerson.forEach(({ candidates }, i) => {
      expect(scraped[i]).toEqual(candidates.map(({ source, url }) => ({ source, url })));
    });
  });
});

describe("behaviours", () => {
  test("flaky: 503, 503, then 200 (per path, per server)", async () => {
    const { url } = byCase("503-503-200");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(url);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  test("redirects: a good chain of 2, a chain of 7, redirects to private addresses", async () => {
    const hops = async (start: string) => {
      const locations: string[] = [];
      let url = start;
      for (;;) {
        const res = await fetch(url, { redirect: "manual" });
        await res.arrayBuffer();
        const location = res.headers.get("location");
        if (res.status < 300 || res.status >= 400 || location === null) return { locations, status: res.status };
        url = new URL(location, url).href;
        locations.push(url);
        if (!url.startsWith(web.url) || locations.length > 10) return { locations, status: res.status };
      }
    };
    const good = await hops(byCase("redirect-chain-2-ok").url);
    expect(good.locations).toHaveLength(2);
    expect(good.status).toBe(200);
    expect((await hops(byCase("redirect-chain-5-ok").url)).locations).toHaveLength(5);
    expect((await hops(byCase("redirect-chain-7").url)).locations.length).toBeGreaterThan(LIMITS.maxRedirects);
    const privateTargets = all().filter((c) => c.case === "redirect-to-private");
    const finals = await Promise.all(privateTargets.map(async (c) => (await hops(c.url)).locations.at(-1) ?? ""));
    expect(finals).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
        "http://169.254.169.254/latest/meta-data/",
        expect.stringMatching(/^http:\/\/10\.1\.2\.3\//),
        expect.stringMatching(/^http:\/\/\[::1\]:\d+\//),
        "file:///etc/passwd",
        expect.stringMatching(/^http:\/\/192\.168\.0\.1\//),
      ]),
    );
    expect(finals.filter((url) => url.startsWith(`${web.url}/`))).toEqual([]);
  });

  test("slow: 300 ms is late but whole; the stalled ones do not finish within the 2 s deadline", async () => {
    const whole = async () => {
      const started = Date.now();
      const res = await fetch(byCase("slow-300ms").url);
      await res.arrayBuffer();
      return { status: res.status, late: Date.now() - started >= 290 };
    };
    const within = async (ms: number, url: string) => {
      try {
        await (await fetch(url, { signal: AbortSignal.timeout(ms) })).arrayBuffer();
        return "finished";
      } catch {
        return "timed out";
      }
    };
    /** Headers arrive at once, the body never completes. */
    const headersOnly = async () => {
      const res = await fetch(byCase("body-stalls").url, { signal: AbortSignal.timeout(1500) });
      const body = await res.arrayBuffer().then(
        () => "complete",
        () => "stalled",
      );
      return { status: res.status, body };
    };
    const results = await Promise.all([
      whole(),
      within(2100, byCase("no-headers-in-time").url),
      within(2100, byCase("body-stalls").url),
      headersOnly(),
    ]);
    expect(results).toEqual([{ status: 200, late: true }, "timed out", "timed out", { status: 200, body: "stalled" }]);
  });

  test("too large: more than MAX_IMAGE_BYTES arrive, with and without Content-Length", async () => {
    for (const name of ["12-MiB-with-length", "11-MiB-chunked"]) {
      const res = await fetch(byCase(name).url);
      expect(res.headers.get("content-type")).toBe("image/jpeg");
      let bytes = 0;
      let first: Uint8Array | undefined;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        first ??= chunk;
        bytes += chunk.length;
      }
      expect(bytes).toBeGreaterThan(LIMITS.maxImageBytes);
      expect(formatOf(Buffer.from(first ?? []))).toBe("jpeg");
      expect(res.headers.get("content-length")).toBe(name.includes("with-length") ? String(bytes) : null);
    }
  });

  test("decompression bombs: a few bytes whose header declares more than MAX_IMAGE_PIXELS", async () => {
    const bombs = all().filter((c) => c.download === "decompression-bomb");
    expect(bombs.length).toBeGreaterThanOrEqual(3);
    for (const bomb of bombs) {
      const bytes = await download(bomb.url);
      expect(bytes.length).toBeLessThan(4096);
      const { width, height } = imageSize(bytes);
      expect(width * height).toBeGreaterThan(LIMITS.maxImagePixels);
    }
    expect(imageSize(await download(byCase("bomb-60000x60000-png").url))).toMatchObject({
      width: 60000,
      height: 60000,
      type: "png",
    });
  });

  test("errors: /missing is 404, /error is 500 with an HTML page every time, unknown paths 404", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${web.url}/error/anything/photo.jpg`);
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("Internal Server Error");
    }
    expect((await fetch(`${web.url}/missing/x.jpg`)).status).toBe(404);
    expect((await fetch(`${web.url}/nowhere`)).status).toBe(404);
  });
});

describe("the bytes", () => {
  let stored: Array<ExpectedCandidate & { wikidataId: string; bytes: Buffer }>;

  beforeAll(async () => {
    const candidates = all().filter((c) => c.download === "stored");
    const bytes = await mapLimit(candidates, 12, (c) => download(c.url));
    stored = candidates.map((c, i) => ({ ...c, bytes: bytes[i] as Buffer }));
  });

  test("are what the manifest says the clean stage will find", async () => {
    const problems: string[] = [];
    for (const c of stored) {
      const verdict = c.clean;
      const format = formatOf(c.bytes);
      const text = c.bytes.toString("latin1");
      const says = (ok: boolean, what: string) => {
        if (!ok) problems.push(`${c.url} (${c.case}, ${verdict}): ${what}`);
      };
      const decoded = format === "other" ? undefined : await decodeFully(c.bytes).catch(() => undefined);
      switch (verdict) {
        case "clean":
        case "near-duplicate":
          says(decoded !== undefined, "decodes");
          says(endsAtEndMarker(c.bytes), "ends at its end marker");
          if (decoded) {
            says(decoded.pages === 1, "one frame");
            says(Math.min(decoded.width, decoded.height) >= LIMITS.minImageSide, "big enough");
            says(
              Math.max(decoded.width, decoded.height) / Math.min(decoded.width, decoded.height) <=
                LIMITS.maxAspectRatio,
              "not too elongated",
            );
            says(decoded.lumaStdev >= LIMITS.minLumaStdev * 2, `varied (stdev ${decoded.lumaStdev.toFixed(1)})`);
          }
          says(
            !/<script|<\?php|<html|<svg|<iframe|javascript:|%PDF-/i.test(text) && !text.includes(ZIP),
            "no embedded payload",
          );
          break;
        case "undecodable":
          says(format !== "other" && decoded === undefined, "fails to decode fully");
          break;
        case "animated":
          says((decoded?.pages ?? 0) > 1, "several frames");
          break;
        case "too-small":
          says(
            decoded !== undefined && Math.min(decoded.width, decoded.height) < LIMITS.minImageSide,
            "a side under 64",
          );
          break;
        case "extreme-aspect-ratio":
          says(
            decoded !== undefined &&
              Math.max(decoded.width, decoded.height) / Math.min(decoded.width, decoded.height) > LIMITS.maxAspectRatio,
            "over 3:1",
          );
          break;
        case "near-uniform":
          says(
            decoded !== undefined && decoded.lumaStdev < LIMITS.minLumaStdev / 2,
            `flat (stdev ${decoded?.lumaStdev.toFixed(1)})`,
          );
          break;
        case "trailing-data":
          says(format !== "other" && !endsAtEndMarker(c.bytes), "bytes after the end marker");
          break;
        case "polyglot":
          says(decoded !== undefined && endsAtEndMarker(c.bytes), "an intact image");
          says(/<script|<\?php|%PDF-/.test(text) || text.includes(ZIP), "a payload inside");
          break;
        case "active-content":
          says(format === "other" && /<script[\s>]|\son[a-z]+\s*=/i.test(text), "markup with script");
          break;
        case "not-an-image":
          says(format === "other" && !/<script|\son[a-z]+\s*=|javascript:/i.test(text), "no image, no script");
          break;
        default:
          says(false, "a clean outcome");
      }
    }
    expect(problems).toEqual([]);
  });

  test("distinct clean pictures of a person are more than 10 bits apart; near-duplicates at most 10 from an earlier one", async () => {
    const hashes = await mapLimit(stored, 8, (c) =>
      c.clean === "clean" || c.clean === "near-duplicate"
        ? differenceHash(c.bytes, LIMITS.maxImagePixels)
        : Promise.resolve(""),
    );
    let closest = 64;
    let pairs = 0;
    for (const { wikidataId } of web.manifest.perPerson) {
      const clean: string[] = [];
      stored.forEach((c, i) => {
        if (c.wikidataId !== wikidataId) return;
        const hash = hashes[i] ?? "";
        if (c.clean === "clean") {
          for (const earlier of clean) {
            closest = Math.min(closest, hammingDistance(earlier, hash));
            pairs++;
          }
          clean.push(hash);
        } else if (c.clean === "near-duplicate") {
          expect(Math.min(...clean.map((earlier) => hammingDistance(earlier, hash)))).toBeLessThanOrEqual(
            LIMITS.nearDuplicateDistance,
          );
        }
      });
    }
    expect(pairs).toBeGreaterThan(100);
    // Well clear of the threshold, so a hash computed after re-encoding cannot flip a decision.
    expect(closest).toBeGreaterThan(LIMITS.nearDuplicateDistance + 3);
  });

  test("duplicates are byte-identical to an image stored earlier for the same person", async () => {
    const duplicates = all().filter((c) => c.download === "duplicate-image");
    expect(duplicates.length).toBeGreaterThanOrEqual(3);
    for (const duplicate of duplicates) {
      const bytes = await download(duplicate.url);
      const candidates = web.manifest.perPerson.find((p) => p.wikidataId === duplicate.wikidataId)?.candidates ?? [];
      const at = candidates.findIndex((c) => c.url === duplicate.url && c.download === "duplicate-image");
      const earlier = candidates.slice(0, at).filter((c) => c.download === "stored");
      const same = stored.filter(
        (s) => s.wikidataId === duplicate.wikidataId && earlier.some((e) => e.url === s.url) && s.bytes.equals(bytes),
      );
      expect(same.length).toBe(1);
    }
  });
});

function checkInvariants(m: Manifest): void {
  const e = m.expected;
  expect(e.people).toBe(m.people.length);
  expect(m.perPerson.map((p) => p.wikidataId)).toEqual(m.people.map((p) => p.wikidataId));
  expect(e.candidates).toBe(m.perPerson.reduce((n, p) => n + p.candidates.length, 0));
  expect(e.candidates).toBe(e.verified + sum(e.validateRejected));
  expect(e.verified).toBe(e.stored + sum(e.storeRejected));
  expect(e.stored).toBe(e.clean + sum(e.cleanRejected));
  expect(e.datasetRows).toBe(e.clean);
  expect(countOutcomes(m.people.length, m.perPerson)).toEqual(e);
  for (const { candidates } of m.perPerson) {
    for (const c of candidates) {
      expect(c.download !== undefined).toBe(c.expect === "verified");
      expect(c.clean !== undefined).toBe(c.download === "stored");
      expect(c.url).not.toMatch(/^\s*data:/i);
    }
    // Every person keeps at least one picture.
    expect(candidates.some((c) => c.clean === "clean")).toBe(true);
  }
}

function reasonCounts(m: Manifest): Record<string, number> {
  return { ...m.expected.validateRejected, ...m.expected.storeRejected, ...m.expected.cleanRejected };
}

describe("the manifest at scale 1", () => {
  test("has about fifty real, well-known people with their Wikidata ids", () => {
    expect(manifest.people).toHaveLength(50);
    for (const person of manifest.people) {
      expect(CelebritySchema.parse(person)).toEqual(person);
      expect(person.wikidataId).toMatch(WIKIDATA_ID);
    }
    expect(new Set(manifest.people.map((p) => p.wikidataId)).size).toBe(50);
    expect(new Set(manifest.people.map((p) => p.name)).size).toBe(50);
    const known = Object.fromEntries(manifest.people.map((p) => [p.wikidataId, p.name]));
    expect(known).toMatchObject({
      Q42: "Douglas Adams",
      Q937: "Albert Einstein",
      Q7186: "Marie Curie",
      Q76: "Barack Obama",
      Q2831: "Michael Jackson",
    });
  });

  test("totals follow from the per-candidate outcomes", () => {
    checkInvariants(manifest);
    expect(manifest.expected.candidates).toBeGreaterThan(200);
    expect(manifest.expected.clean).toBeGreaterThan(120);
  });

  test("every rejection reason of the contract happens, several times", () => {
    const counts = reasonCounts(manifest);
    for (const reason of [...REJECTIONS.validate, ...REJECTIONS.store, ...REJECTIONS.clean]) {
      expect({ reason, atLeastTwice: (counts[reason] ?? 0) >= 2 }).toEqual({ reason, atLeastTwice: true });
    }
  });

  test("all three sources contribute, and each in the scrape stage's order", () => {
    for (const { candidates } of manifest.perPerson) {
      const order = candidates.map((c) => ["wikidata", "tmdb", "web"].indexOf(c.source));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const sources = new Set(manifest.perPerson.flatMap((p) => p.candidates.map((c) => c.source)));
    expect([...sources].sort()).toEqual(["tmdb", "web", "wikidata"]);
  });

  test("already-seen is decided by the URL without its fragment, within one person", () => {
    for (const { candidates } of manifest.perPerson) {
      const seen = new Set<string>();
      for (const c of candidates) {
        let key: string | undefined;
        try {
          const url = new URL(c.url);
          url.hash = "";
          key = url.href;
        } catch {
          key = undefined;
        }
        if (key !== undefined && seen.has(key)) expect(c.expect).toBe("already-seen");
        else expect(c.expect).not.toBe("already-seen");
        if (key !== undefined) seen.add(key);
      }
    }
  });
});

describe("determinism and scale", () => {
  const fingerprint = (p: SamplePlan) =>
    [...p.resources].map(([path, r]) => `${path} ${r.kind} ${"blob" in r ? r.blob.sha256 : ""}`).sort();
  let again: SamplePlan;
  let twice: SamplePlan;

  // A second, uncached build of scale 1 and the second block of scale 2, side by side (both cores).
  beforeAll(async () => {
    [again, twice] = await Promise.all([generateSample({ seed: 1, scale: 1 }), buildSample({ seed: 1, scale: 2 })]);
  });

  test("the same seed and scale give the same people, bytes and manifest", async () => {
    const plan = await buildSample({ seed: 1, scale: 1 });
    expect(again).not.toBe(plan);
    expect(fingerprint(again)).toEqual(fingerprint(plan));
    expect(sampleManifest(again, { origin: web.url, otherPort: otherPortFor(web.port) })).toEqual(manifest);
    expect(sampleManifest(plan, { origin: web.url, otherPort: otherPortFor(web.port) })).toEqual(manifest);
  });

  test("scale 2 doubles the people with generated ones and the same mix of cases", () => {
    const m = sampleManifest(twice, { origin: web.url, otherPort: otherPortFor(web.port) });
    expect(m.people).toHaveLength(100);
    expect(m.people.slice(0, 50)).toEqual(manifest.people);
    expect(m.people.slice(50).map((p) => p.wikidataId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `Q${90_000_001 + i}`),
    );
    expect(new Set(m.people.map((p) => p.name.toLowerCase())).size).toBe(100);
    expect(m.perPerson.slice(0, 50)).toEqual(manifest.perPerson);
    checkInvariants(m);
    const one = reasonCounts(manifest);
    const two = reasonCounts(m);
    // The second block has the same cases (only the natural repeats and near-duplicates vary a little).
    for (const reason of Object.keys(one)) {
      expect({ reason, scales: (two[reason] ?? 0) >= 2 * (one[reason] ?? 0) - 6 }).toEqual({ reason, scales: true });
    }
    expect(m.expected.candidates).toBeGreaterThan(1.6 * manifest.expected.candidates);
  });
});
