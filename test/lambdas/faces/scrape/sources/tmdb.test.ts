import { FetchFailure } from "#shared/net/fetch-failure";
import { DEFAULT_SOURCE_CONFIG, type SourceConfig } from "../../../../../lambdas/faces/scrape/sources/config";
import { foldName, pickPerson, tmdbSearchUrl, tmdbSource } from "../../../../../lambdas/faces/scrape/sources/tmdb";
import { SourceError } from "../../../../../lambdas/faces/scrape/sources/types";
import { fakeHttp } from "./fake-http";
import { tmdbImages42, tmdbInvalidKey, tmdbNotFound, tmdbSearchAdams } from "./fixtures";

const config: SourceConfig = { ...DEFAULT_SOURCE_CONFIG, tmdbApiKey: "eyJhbGciOiJIUzI1NiJ9.test-token" };
const SEARCH =
  "https://api.themoviedb.org/3/search/person?query=Douglas+Adams&include_adult=false&language=en-US&page=1";
const IMAGES = "https://api.themoviedb.org/3/person/42/images";
const adams = { wikidataId: "Q42", name: "Douglas Adams", occupations: [] };
const now = () => new Date("2026-01-01T00:00:00Z");

test("the search request", () => {
  expect(tmdbSearchUrl(config.tmdbApiUrl, "Douglas Adams")).toBe(SEARCH);
  expect(tmdbSearchUrl("http://127.0.0.1:4580/tmdb/3/", "Beyoncé & Co")).toBe(
    "http://127.0.0.1:4580/tmdb/3/search/person?query=Beyonc%C3%A9+%26+Co&include_adult=false&language=en-US&page=1",
  );
});

describe("pickPerson", () => {
  const hit = (id: number, name: string, popularity: number, original_name = name) => ({
    id,
    name,
    original_name,
    popularity,
  });

  test("the first hit whose name matches, ignoring case, accents and spacing, beats a more popular one", () => {
    expect(
      pickPerson("Beyoncé", [hit(1, "Beyonce Tribute", 50), hit(2, "BEYONCE", 10), hit(3, "beyoncé", 5)])?.id,
    ).toBe(2);
    expect(pickPerson("Zoë  Kravitz", [hit(1, "Zoe Kravitz", 5)])?.id).toBe(1);
  });

  test("the original name counts too", () => {
    expect(pickPerson("Jay Chou", [hit(7, "Other", 30), hit(8, "周杰倫", 2, "Jay Chou")])?.id).toBe(8);
  });

  test("no match: the most popular; no hits: nobody", () => {
    expect(pickPerson("Someone", [hit(1, "A", 2), hit(2, "B", 9), hit(3, "C", 4)])?.id).toBe(2);
    expect(pickPerson("Someone", [])).toBeUndefined();
  });

  test("foldName", () => {
    expect(foldName("  Ðávid   ÑOÑO ")).toBe("ðavid nono");
  });
});

describe("tmdbSource", () => {
  test("search, pick, list profile images as originals, with the token as a Bearer header", async () => {
    const http = fakeHttp({ [SEARCH]: tmdbSearchAdams, [IMAGES]: tmdbImages42 });
    const outcome = await tmdbSource(adams, { config, http, now });
    expect(outcome).toEqual({
      found: [
        { url: "https://image.tmdb.org/t/p/original/mdeP2zhZ4eHxo9bHfJ8Gq6ZJ7Yq.jpg", foundOn: IMAGES },
        { url: "https://image.tmdb.org/t/p/original/rLqQ2kLe2n1c5d8X0Q8mY0Zz2gP.jpg", foundOn: IMAGES },
      ],
    });
    expect(http.calls.map((c) => c.url)).toEqual([SEARCH, IMAGES]);
    for (const call of http.calls) expect(call.init?.headers).toEqual({ authorization: `Bearer ${config.tmdbApiKey}` });
  });

  test("without an API key it is skipped and asks nothing", async () => {
    const http = fakeHttp({});
    const outcome = await tmdbSource(adams, { config: { ...config, tmdbApiKey: undefined }, http, now });
    expect(outcome).toEqual({ skipped: "not configured: no TMDB API key" });
    expect(http.calls).toHaveLength(0);
  });

  test("nobody found: nothing found, no error", async () => {
    const http = fakeHttp({ [SEARCH]: { page: 1, results: [], total_pages: 1, total_results: 0 } });
    expect(await tmdbSource(adams, { config, http, now })).toEqual({ found: [] });
  });

  test.each([
    [401, tmdbInvalidKey, "TMDB 401: Invalid API key: You must be granted a valid key. (status_code 7)", false],
    [404, tmdbNotFound, "TMDB 404: The resource you requested could not be found. (status_code 34)", false],
    [
      429,
      { status_code: 25, status_message: "Your request count (41) is over the allowed limit of 40." },
      "TMDB 429: Your request count (41) is over the allowed limit of 40. (status_code 25)",
      true,
    ],
  ])("HTTP %i is an http-error carrying TMDB's message", async (status, body, message, transient) => {
    const failure = new FetchFailure("http-error", `HTTP ${status} from ${SEARCH}`, {
      url: SEARCH,
      status,
      responseBody: JSON.stringify(body),
    });
    const http = fakeHttp({ [SEARCH]: failure });
    const error = await tmdbSource(adams, { config, http, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ reason: "http-error", message, transient });
    expect((error as Error).cause).toBe(failure);
  });

  test("an error without TMDB's body is passed on as it is", async () => {
    const failure = new FetchFailure("timeout", "too slow", { url: SEARCH });
    const error = await tmdbSource(adams, { config, http: fakeHttp({ [SEARCH]: failure }), now }).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(failure);
  });

  test("a response of the wrong shape is invalid-response", async () => {
    const http = fakeHttp({ [SEARCH]: { results: [{ id: "forty-two" }] } });
    await expect(tmdbSource(adams, { config, http, now })).rejects.toMatchObject({ reason: "invalid-response" });
  });
});
