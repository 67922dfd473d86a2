import { DEFAULT_SOURCE_CONFIG } from "../../../../../lambdas/faces/scrape/sources/config";
import { commonsFileUrl } from "../../../../../lambdas/faces/scrape/sources/mediawiki";
import { SourceError } from "../../../../../lambdas/faces/scrape/sources/types";
import {
  imageFileNames,
  wikidataClaimsUrl,
  wikidataSource,
} from "../../../../../lambdas/faces/scrape/sources/wikidata";
import { fakeHttp } from "./fake-http";
import { wbgetclaimsNoSuchEntity, wbgetclaimsQ42 } from "./fixtures";

const API = "https://www.wikidata.org/w/api.php";
const CLAIMS_Q42 = `${API}?action=wbgetclaims&entity=Q42&property=P18&format=json`;
const adams = { wikidataId: "Q42", name: "Douglas Adams", occupations: ["novelist"] };

describe("wbgetclaims", () => {
  test("the request", () => {
    expect(wikidataClaimsUrl(API, "Q42")).toBe(CLAIMS_Q42);
    expect(wikidataClaimsUrl("http://127.0.0.1:4580/w/api.php?origin=*", "Q1")).toBe(
      "http://127.0.0.1:4580/w/api.php?origin=*&action=wbgetclaims&entity=Q1&property=P18&format=json",
    );
  });

  test("value statements in order; deprecated, somevalue and novalue skipped", () => {
    expect(imageFileNames(wbgetclaimsQ42, CLAIMS_Q42)).toEqual([
      "Douglas adams portrait cropped.jpg",
      "Douglas Adams (1952–2001).jpg",
    ]);
  });

  test("no image claims, in either of the shapes PHP produces", () => {
    expect(imageFileNames({ claims: {} }, CLAIMS_Q42)).toEqual([]);
    expect(imageFileNames({ claims: [] }, CLAIMS_Q42)).toEqual([]);
  });

  test("an API error is an api-error with Wikidata's explanation", () => {
    let error: unknown;
    try {
      imageFileNames(wbgetclaimsNoSuchEntity, CLAIMS_Q42);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ reason: "api-error", transient: false });
    expect((error as Error).message).toContain("no-such-entity");
  });

  test("something else entirely is invalid-response", () => {
    expect(() => imageFileNames("<html>", CLAIMS_Q42)).toThrow(expect.objectContaining({ reason: "invalid-response" }));
    expect(() => imageFileNames({ claims: { P18: "nope" } }, CLAIMS_Q42)).toThrow(SourceError);
  });
});

describe("wikidataSource", () => {
  test("finds the Commons originals, found on the API URL", async () => {
    const http = fakeHttp({ [CLAIMS_Q42]: wbgetclaimsQ42 });
    const outcome = await wikidataSource(adams, { config: DEFAULT_SOURCE_CONFIG, http, now: () => new Date() });
    expect(outcome).toEqual({
      found: [
        {
          url: "https://upload.wikimedia.org/wikipedia/commons/c/c0/Douglas_adams_portrait_cropped.jpg",
          foundOn: CLAIMS_Q42,
        },
        {
          url: commonsFileUrl(DEFAULT_SOURCE_CONFIG.commonsFileBaseUrl, "Douglas Adams (1952–2001).jpg"),
          foundOn: CLAIMS_Q42,
        },
      ],
    });
    expect(http.calls.map((c) => c.url)).toEqual([CLAIMS_Q42]);
  });
});
