import { createHash } from "node:crypto";
import { ImageCandidateSchema } from "#faces/contracts";
import { FetchFailure } from "#shared/net/fetch-failure";
import { createSafeFetcher, type SafeFetcher } from "#shared/net/safe-fetch";
import { DEFAULT_SOURCE_CONFIG, type SourceConfig } from "../../../../../lambdas/faces/scrape/sources/config";
import {
  candidateId,
  describeSourceError,
  findCandidates,
  hasTransientFailure,
  isTransient,
} from "../../../../../lambdas/faces/scrape/sources/index";
import { SourceError, type SourceHttp } from "../../../../../lambdas/faces/scrape/sources/types";
import { startServer, type TestServer } from "../../../shared/net/http-server";
import { fakeHttp } from "./fake-http";
import { tmdbImages42, tmdbInvalidKey, tmdbSearchAdams, wbgetclaimsQ42 } from "./fixtures";

const adams = { wikidataId: "Q42", name: "Douglas Adams", occupations: ["novelist", "screenwriter"] };
const now = () => new Date("2026-03-04T05:06:07.000Z");
const config: SourceConfig = { ...DEFAULT_SOURCE_CONFIG, tmdbApiKey: "token" };
const CLAIMS = "https://www.wikidata.org/w/api.php?action=wbgetclaims&entity=Q42&property=P18&format=json";
const SEARCH =
  "https://api.themoviedb.org/3/search/person?query=Douglas+Adams&include_adult=false&language=en-US&page=1";
const IMAGES = "https://api.themoviedb.org/3/person/42/images";
const PAGE = "https://en.wikipedia.org/wiki/Douglas_Adams";
const HTML = `<html><head><meta property="og:image" content="https://upload.wikimedia.org/a.jpg"></head>
  <body><img src="/static/logo.png"><img src="https://upload.wikimedia.org/a.jpg"></body></html>`;

const everything = () =>
  fakeHttp({ [CLAIMS]: wbgetclaimsQ42, [SEARCH]: tmdbSearchAdams, [IMAGES]: tmdbImages42, [PAGE]: HTML });

test("candidateId is sha256 of wikidataId, source, foundOn and url joined by newlines", () => {
  const expected = createHash("sha256").update("Q42\nweb\nhttps://p/\nhttps://i/a.jpg").digest("hex");
  expect(candidateId("Q42", "web", "https://p/", "https://i/a.jpg")).toBe(expected);
  expect(candidateId("Q42", "tmdb", "https://p/", "https://i/a.jpg")).not.toBe(expected);
});

test("all sources: candidates in source order then document order, each a valid contract message", async () => {
  const result = await findCandidates(adams, { config, http: everything(), now });
  expect(result.sources).toEqual([
    { source: "wikidata", found: 2 },
    { source: "tmdb", found: 2 },
    { source: "web", found: 2 },
  ]);
  expect(result.candidates.map((c) => [c.source, c.url])).toEqual([
    ["wikidata", "https://upload.wikimedia.org/wikipedia/commons/c/c0/Douglas_adams_portrait_cropped.jpg"],
    [
      "wikidata",
      expect.stringMatching(
        /^https:\/\/upload\.wikimedia\.org\/wikipedia\/commons\/.\/..\/Douglas_Adams_\(1952%E2%80%932001\)\.jpg$/,
      ),
    ],
    ["tmdb", "https://image.tmdb.org/t/p/original/mdeP2zhZ4eHxo9bHfJ8Gq6ZJ7Yq.jpg"],
    ["tmdb", "https://image.tmdb.org/t/p/original/rLqQ2kLe2n1c5d8X0Q8mY0Zz2gP.jpg"],
    ["web", "https://upload.wikimedia.org/a.jpg"],
    ["web", "https://en.wikipedia.org/static/logo.png"],
  ]);
  for (const candidate of result.candidates) {
    expect(ImageCandidateSchema.parse(candidate)).toEqual(candidate);
    expect(candidate).toMatchObject({ wikidataId: "Q42", name: "Douglas Adams", foundAt: "2026-03-04T05:06:07.000Z" });
    expect(candidate.candidateId).toBe(candidateId("Q42", candidate.source, candidate.foundOn, candidate.url));
  }
  expect(result.candidates.map((c) => c.foundOn)).toEqual([CLAIMS, CLAIMS, IMAGES, IMAGES, PAGE, PAGE]);
  expect(hasTransientFailure(result)).toBe(false);
});

test("the same discovery twice gives the same ids", async () => {
  const a = await findCandidates(adams, { config, http: everything(), now });
  const b = await findCandidates(adams, { config, http: everything(), now: () => new Date() });
  expect(b.candidates.map((c) => c.candidateId)).toEqual(a.candidates.map((c) => c.candidateId));
});

test("one source failing costs only its own results", async () => {
  const http = fakeHttp({
    [CLAIMS]: wbgetclaimsQ42,
    [SEARCH]: tmdbSearchAdams,
    [IMAGES]: tmdbImages42,
    [PAGE]: new FetchFailure("timeout", `${PAGE}: no complete response within 10000 ms`, { url: PAGE }),
  });
  const result = await findCandidates(adams, { config, http, now });
  expect(result.sources).toEqual([
    { source: "wikidata", found: 2 },
    { source: "tmdb", found: 2 },
    {
      source: "web",
      found: 0,
      error: { reason: "timeout", message: `${PAGE}: no complete response within 10000 ms`, transient: true },
    },
  ]);
  expect(result.candidates.map((c) => c.source)).toEqual(["wikidata", "wikidata", "tmdb", "tmdb"]);
  expect(hasTransientFailure(result)).toBe(true);
});

test("TMDB without a key is skipped, not failed", async () => {
  const http = everything();
  const result = await findCandidates(adams, { config: { ...config, tmdbApiKey: undefined }, http, now });
  expect(result.sources[1]).toEqual({ source: "tmdb", found: 0, skipped: "not configured: no TMDB API key" });
  expect(result.candidates.some((c) => c.source === "tmdb")).toBe(false);
  expect(http.calls.some((c) => c.url.includes("themoviedb"))).toBe(false);
});

test("the sources run at the same time", async () => {
  const started: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const inner = everything();
  const http: SourceHttp = {
    fetchJson: async (url, init) => {
      started.push(url);
      await gate;
      return inner.fetchJson(url, init);
    },
    fetchText: async (url, init) => {
      started.push(url);
      await gate;
      return inner.fetchText(url, init);
    },
  };
  const pending = findCandidates(adams, { config, http, now });
  await new Promise((resolve) => setImmediate(resolve));
  expect(started).toEqual(expect.arrayContaining([CLAIMS, SEARCH, PAGE]));
  release();
  expect((await pending).candidates).toHaveLength(6);
});

test("at most maxImagesPerSource per source, repeats not counted", async () => {
  const html = `<img src="/1.jpg"><img src="/1.jpg"><img src="/2.jpg"><img src="/3.jpg"><img src="/4.jpg">`;
  const http = fakeHttp({ [CLAIMS]: wbgetclaimsQ42, [SEARCH]: tmdbSearchAdams, [IMAGES]: tmdbImages42, [PAGE]: html });
  const result = await findCandidates(adams, { config: { ...config, maxImagesPerSource: 3 }, http, now });
  expect(result.candidates.filter((c) => c.source === "web").map((c) => c.url)).toEqual([
    "https://en.wikipedia.org/1.jpg",
    "https://en.wikipedia.org/2.jpg",
    "https://en.wikipedia.org/3.jpg",
  ]);
  expect(result.sources[2]).toEqual({ source: "web", found: 3 });
});

test("URLs longer than the contract allows are left out", async () => {
  const long = `https://example.com/${"a".repeat(4100)}.jpg`;
  const http = fakeHttp({
    [CLAIMS]: { claims: {} },
    [SEARCH]: { results: [] },
    [PAGE]: `<img src="${long}"><img src="/ok.jpg">`,
  });
  const result = await findCandidates(adams, { config, http, now });
  expect(result.candidates.map((c) => c.url)).toEqual(["https://en.wikipedia.org/ok.jpg"]);
});

describe("errors", () => {
  test("describeSourceError keeps the reason, the detail and the transience", () => {
    expect(
      describeSourceError(
        new FetchFailure("unsafe-redirect", "redirect refused", { url: "x", detail: "private-address: 10.0.0.1" }),
      ),
    ).toEqual({ reason: "unsafe-redirect", message: "redirect refused (private-address: 10.0.0.1)", transient: false });
    expect(describeSourceError(new SourceError("api-error", "Wikidata no-such-entity", false))).toEqual({
      reason: "api-error",
      message: "Wikidata no-such-entity",
      transient: false,
    });
    expect(describeSourceError(new TypeError("x is not a function"))).toEqual({
      reason: "unexpected",
      message: "x is not a function",
      transient: false,
    });
  });

  test("isTransient on thrown errors and on summaries", () => {
    expect(isTransient(new FetchFailure("http-error", "503", { url: "x", status: 503 }))).toBe(true);
    expect(isTransient(new FetchFailure("http-error", "404", { url: "x", status: 404 }))).toBe(false);
    expect(isTransient(new FetchFailure("network-error", "reset", { url: "x", cause: { code: "ECONNRESET" } }))).toBe(
      true,
    );
    expect(isTransient(new SourceError("http-error", "TMDB 429", true))).toBe(true);
    expect(isTransient({ reason: "timeout", message: "", transient: true })).toBe(true);
    expect(isTransient(new Error("bug"))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });

  test("a bug in one source is an unexpected, permanent error for that source only", async () => {
    const http = everything();
    const broken: SourceHttp = {
      fetchJson: http.fetchJson,
      fetchText: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'body')");
      },
    };
    const result = await findCandidates(adams, { config, http: broken, now });
    expect(result.sources[2]).toMatchObject({
      source: "web",
      found: 0,
      error: { reason: "unexpected", transient: false },
    });
    expect(result.candidates).toHaveLength(4);
  });
});

describe("over real HTTP with the safe fetcher", () => {
  let server: TestServer;
  let http: SafeFetcher;
  const seenAuth: Array<string | undefined> = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json;charset=utf-8" }).end(JSON.stringify(body));
      if (url.pathname === "/w/api.php" && url.searchParams.get("entity") === "Q42") return json(200, wbgetclaimsQ42);
      if (url.pathname.startsWith("/3/")) {
        seenAuth.push(req.headers.authorization);
        return json(401, tmdbInvalidKey);
      }
      if (url.pathname === "/wiki/Douglas_Adams")
        return res.writeHead(301, { location: "/wiki/Douglas_Adams_(author)" }).end();
      if (url.pathname === "/wiki/Douglas_Adams_(author)") {
        return res.writeHead(200, { "content-type": "text/html; charset=UTF-8" }).end(`<img src="portrait.jpg">`);
      }
      res.writeHead(404).end();
    });
    http = createSafeFetcher({ allowList: [server.hostPort], timeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 3 });
  });

  afterAll(async () => {
    await http.close();
    await server.close();
  });

  test("wikidata and web found, TMDB's 401 reported with its message", async () => {
    const base = `http://${server.hostPort}`;
    const result = await findCandidates(adams, {
      config: {
        ...DEFAULT_SOURCE_CONFIG,
        wikidataApiUrl: `${base}/w/api.php`,
        commonsFileBaseUrl: `${base}/commons`,
        tmdbApiUrl: `${base}/3`,
        tmdbImageBaseUrl: `${base}/t/p`,
        tmdbApiKey: "bad-token",
        webPageUrlTemplate: `${base}/wiki/{title}`,
      },
      http,
      now,
    });
    expect(result.sources).toEqual([
      { source: "wikidata", found: 2 },
      {
        source: "tmdb",
        found: 0,
        error: {
          reason: "http-error",
          message: "TMDB 401: Invalid API key: You must be granted a valid key. (status_code 7)",
          transient: false,
        },
      },
      { source: "web", found: 1 },
    ]);
    expect(seenAuth).toEqual(["Bearer bad-token"]); // a 401 is not retried
    expect(result.candidates[0]?.url).toBe(`${base}/commons/c/c0/Douglas_adams_portrait_cropped.jpg`);
    expect(result.candidates[2]).toMatchObject({
      url: `${base}/wiki/portrait.jpg`,
      foundOn: `${base}/wiki/Douglas_Adams_(author)`,
    });
  });
});
