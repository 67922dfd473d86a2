import { createHash } from "node:crypto";
import { DEFAULT_SOURCE_CONFIG } from "../../../../../lambdas/faces/scrape/sources/config";
import {
  commonsFileName,
  commonsFileUrl,
  mediawikiEncode,
  wikiTitle,
} from "../../../../../lambdas/faces/scrape/sources/mediawiki";
import { webPageUrl } from "../../../../../lambdas/faces/scrape/sources/web";

const COMMONS = DEFAULT_SOURCE_CONFIG.commonsFileBaseUrl;

describe("Commons file URLs", () => {
  test("the documented example: File:Douglas adams portrait cropped.jpg", () => {
    expect(commonsFileUrl(COMMONS, "Douglas adams portrait cropped.jpg")).toBe(
      "https://upload.wikimedia.org/wikipedia/commons/c/c0/Douglas_adams_portrait_cropped.jpg",
    );
  });

  test("another real one: File:Albert Einstein Head.jpg", () => {
    expect(commonsFileUrl(COMMONS, "Albert Einstein Head.jpg")).toBe(
      "https://upload.wikimedia.org/wikipedia/commons/d/d3/Albert_Einstein_Head.jpg",
    );
  });

  test("the name is canonicalized before hashing: first letter upper-case, underscores, no File: prefix", () => {
    expect(commonsFileName("douglas  adams portrait cropped.jpg")).toBe("Douglas_adams_portrait_cropped.jpg");
    expect(commonsFileName("File:Douglas_adams portrait cropped.jpg")).toBe("Douglas_adams_portrait_cropped.jpg");
    expect(commonsFileUrl(COMMONS, "douglas adams portrait cropped.jpg")).toBe(
      commonsFileUrl(COMMONS, "Douglas_adams_portrait_cropped.jpg"),
    );
    expect(commonsFileName("élan.png")).toBe("Élan.png");
  });

  test("non-ASCII names are hashed as UTF-8 and percent-encoded; MediaWiki's safe characters stay", () => {
    const name = "Beyoncé at The Lion King European Premiere 2019 (cropped), O'Brien;x@y$z.png";
    const canonical = "Beyoncé_at_The_Lion_King_European_Premiere_2019_(cropped),_O'Brien;x@y$z.png";
    const md5 = createHash("md5").update(Buffer.from(canonical, "utf8")).digest("hex");
    expect(commonsFileUrl(`${COMMONS}/`, name)).toBe(
      `${COMMONS}/${md5[0]}/${md5.slice(0, 2)}/Beyonc%C3%A9_at_The_Lion_King_European_Premiere_2019_(cropped),_O%27Brien;x@y$z.png`,
    );
  });

  test("the base URL is configurable", () => {
    expect(commonsFileUrl("http://127.0.0.1:4580/commons/", "Douglas adams portrait cropped.jpg")).toBe(
      "http://127.0.0.1:4580/commons/c/c0/Douglas_adams_portrait_cropped.jpg",
    );
  });
});

describe("MediaWiki URL encoding", () => {
  test.each([
    ["Sinéad O'Connor", "Sin%C3%A9ad_O%27Connor"],
    ["Earth, Wind & Fire", "Earth,_Wind_%26_Fire"],
    ["Prince (musician)", "Prince_(musician)"],
    ["AC/DC", "AC/DC"],
    ["Jay-Z", "Jay-Z"],
    ["周杰倫", "%E5%91%A8%E6%9D%B0%E5%80%AB"],
    ["What? Really #1", "What%3F_Really_%231"],
  ])("title %s → %s", (name, title) => {
    expect(wikiTitle(name)).toBe(title);
  });

  test("encodes like PHP rawurlencode, then restores ; @ $ ! * ( ) , / ~ :", () => {
    expect(mediawikiEncode("a b'c;d@e$f!g*h(i)j,k/l~m:n+o&p=q")).toBe("a%20b%27c;d@e$f!g*h(i)j,k/l~m:n%2Bo%26p%3Dq");
  });
});

describe("web page URL template", () => {
  const person = { wikidataId: "Q36153", name: "Beyoncé Knowles" };

  test("the default template makes a Wikipedia article URL", () => {
    expect(webPageUrl(DEFAULT_SOURCE_CONFIG.webPageUrlTemplate, person)).toBe(
      "https://en.wikipedia.org/wiki/Beyonc%C3%A9_Knowles",
    );
  });

  test("{name} is URI-component encoded, {wikidataId} as is, each placeholder as often as it appears", () => {
    expect(webPageUrl("http://127.0.0.1:4580/people/{wikidataId}?q={name}&again={wikidataId}", person)).toBe(
      "http://127.0.0.1:4580/people/Q36153?q=Beyonc%C3%A9%20Knowles&again=Q36153",
    );
    expect(webPageUrl("https://example.com/search?q={name}", { wikidataId: "Q1", name: "A&B O'Neil/x" })).toBe(
      "https://example.com/search?q=A%26B%20O'Neil%2Fx",
    );
  });

  test("unknown placeholders are left alone", () => {
    expect(webPageUrl("https://example.com/{lang}/{title}", person)).toBe(
      "https://example.com/{lang}/Beyonc%C3%A9_Knowles",
    );
  });
});
