import { DEFAULT_SOURCE_CONFIG } from "../../../../../lambdas/faces/scrape/sources/config";
import { extractImageUrls, webSource } from "../../../../../lambdas/faces/scrape/sources/web";
import { fakeHttp } from "./fake-http";
import { wikipediaArticle } from "./fixtures";

const PAGE = "https://en.wikipedia.org/wiki/Douglas_Adams";
const page = (body: string) => `<!doctype html><html><head></head><body>${body}</body></html>`;

describe("extractImageUrls", () => {
  test("a Wikipedia article: og:image, infobox image and its srcset, logo; repeats dropped", () => {
    const thumb = "https://upload.wikimedia.org/wikipedia/commons/thumb/c/c0/Douglas_adams_portrait_cropped.jpg";
    expect(extractImageUrls(wikipediaArticle, PAGE)).toEqual([
      "https://upload.wikimedia.org/wikipedia/commons/c/c0/Douglas_adams_portrait_cropped.jpg",
      `${thumb}/800px-Douglas_adams_portrait_cropped.jpg`,
      "https://en.wikipedia.org/static/images/icons/wikipedia.png",
      `${thumb}/250px-Douglas_adams_portrait_cropped.jpg`,
      `${thumb}/330px-Douglas_adams_portrait_cropped.jpg`,
      `${thumb}/440px-Douglas_adams_portrait_cropped.jpg`,
      "https://en.wikipedia.org/wiki/Special:CentralAutoLogin/start?type=1x1&usesul3=1",
    ]);
  });

  test.each([
    ["relative", "img/a.jpg", "https://example.com/people/img/a.jpg"],
    ["root-relative", "/a.jpg", "https://example.com/a.jpg"],
    ["parent", "../up.jpg", "https://example.com/up.jpg"],
    ["protocol-relative", "//cdn.example.net/a.jpg", "https://cdn.example.net/a.jpg"],
    ["query only", "?size=large", "https://example.com/people/q42?size=large"],
    ["surrounding whitespace", "  \n a.jpg\t", "https://example.com/people/a.jpg"],
    ["entities decoded", "a.jpg?w=1&amp;h=2", "https://example.com/people/a.jpg?w=1&h=2"],
    ["spaces encoded", "my photo.jpg", "https://example.com/people/my%20photo.jpg"],
  ])("%s", (_label, src, expected) => {
    expect(extractImageUrls(page(`<img src="${src}">`), "https://example.com/people/q42")).toEqual([expected]);
  });

  test("<base href> is the base, itself resolved against the page; only the first counts", () => {
    const html = `<html><head><base href="/static/v2/"><base href="https://wrong.example/"></head>
      <body><img src="a.jpg"><img src="//cdn.example.net/b.jpg"><img src="https://abs.example/c.jpg"></body></html>`;
    expect(extractImageUrls(html, "http://example.com/people/q42")).toEqual([
      "http://example.com/static/v2/a.jpg",
      "http://cdn.example.net/b.jpg",
      "https://abs.example/c.jpg",
    ]);
  });

  test("an absolute <base href> on another host", () => {
    const html = `<head><base href="https://cdn.example.net/assets/"></head><img src="x.png" srcset="y.png 2x">`;
    expect(extractImageUrls(html, "https://example.com/p")).toEqual([
      "https://cdn.example.net/assets/x.png",
      "https://cdn.example.net/assets/y.png",
    ]);
  });

  test("an unusable <base href> falls back to the page URL", () => {
    expect(extractImageUrls(`<base href="http://[oops"><img src="a.jpg">`, "https://example.com/p/")).toEqual([
      "https://example.com/p/a.jpg",
    ]);
    expect(extractImageUrls(`<base href="javascript:alert(1)"><img src="a.jpg">`, "https://example.com/p/")).toEqual([
      "https://example.com/p/a.jpg",
    ]);
  });

  test("srcset: every candidate, with densities or widths, commas inside URLs kept", () => {
    const html = page(`
      <img src="a-1x.jpg" srcset="a-1x.jpg 1x, a-2x.jpg 2x,a-3x.jpg 3x">
      <img srcset="w-320.jpg 320w, w-640.jpg 640w,
                   w-1280.jpg 1280w" sizes="(max-width: 600px) 320px, 1280px">
      <img srcset="https://img.example/fit=crop,w=300/p.jpg 300w, https://img.example/fit=crop,w=600/p.jpg 600w">
      <img srcset="/thumb/image,1.jpg 1.5x, /thumb/image,2.jpg 2x">
      <img srcset="only.jpg">`);
    expect(extractImageUrls(html, "https://example.com/")).toEqual([
      "https://example.com/a-1x.jpg",
      "https://example.com/a-2x.jpg",
      "https://example.com/a-3x.jpg",
      "https://example.com/w-320.jpg",
      "https://example.com/w-640.jpg",
      "https://example.com/w-1280.jpg",
      "https://img.example/fit=crop,w=300/p.jpg",
      "https://img.example/fit=crop,w=600/p.jpg",
      "https://example.com/thumb/image,1.jpg",
      "https://example.com/thumb/image,2.jpg",
      "https://example.com/only.jpg",
    ]);
  });

  test("<picture><source srcset> counts; <video><source> does not", () => {
    const html = page(`
      <picture>
        <source type="image/avif" srcset="p.avif 1x, p@2x.avif 2x">
        <source type="image/webp" srcset="p.webp">
        <img src="p.jpg" alt="">
      </picture>
      <video><source src="clip.mp4" type="video/mp4"><source srcset="poster.jpg"></video>`);
    expect(extractImageUrls(html, "https://example.com/")).toEqual([
      "https://example.com/p.avif",
      "https://example.com/p@2x.avif",
      "https://example.com/p.webp",
      "https://example.com/p.jpg",
    ]);
  });

  test("Open Graph and Twitter card images, by property= or name=, any case", () => {
    const html = `<html><head>
      <meta property="og:image" content="/og.jpg">
      <meta property="og:image:url" content="/og-url.jpg">
      <meta property="og:image:secure_url" content="https://example.com/og-secure.jpg">
      <meta name="twitter:image" content="/tw.jpg">
      <meta name="Twitter:Image:Src" content="/tw-src.jpg">
      <meta property="og:image:alt" content="not an image URL">
      <meta name="description" content="/not-an-image.jpg">
      <meta property="og:image" content="">
      </head><body></body></html>`;
    expect(extractImageUrls(html, "https://example.com/a/b")).toEqual([
      "https://example.com/og.jpg",
      "https://example.com/og-url.jpg",
      "https://example.com/og-secure.jpg",
      "https://example.com/tw.jpg",
      "https://example.com/tw-src.jpg",
    ]);
  });

  test("data: and blob: are dropped; other schemes and credentials are kept for validate to reject", () => {
    const html = page(`
      <img src="data:image/png;base64,iVBORw0KGgo=">
      <img src="DATA:image/gif;base64,R0lGOD">
      <img src="blob:https://example.com/6e1b0b9c-1c4a-4b8e-9d4b-9b3f0c1e2d3a">
      <img srcset="data:image/png;base64,AAAA 1x, real.jpg 2x">
      <img src="javascript:alert(document.cookie)">
      <img src="ftp://files.example.com/a.jpg">
      <img src="file:///etc/passwd">
      <img src="https://user:secret@example.com/private.jpg">
      <img src="http://169.254.169.254/latest/meta-data/">`);
    expect(extractImageUrls(html, "https://example.com/")).toEqual([
      "https://example.com/real.jpg",
      "javascript:alert(document.cookie)",
      "ftp://files.example.com/a.jpg",
      "file:///etc/passwd",
      "https://user:secret@example.com/private.jpg",
      "http://169.254.169.254/latest/meta-data/",
    ]);
  });

  test("a value that is not a URL at all is kept raw", () => {
    const html = page(`<img src="http://exa mple.com/a.jpg"><img src="https://[::1/x.jpg"><img src="http://">`);
    expect(extractImageUrls(html, "https://example.com/")).toEqual([
      "http://exa mple.com/a.jpg",
      "https://[::1/x.jpg",
      "http://",
    ]);
  });

  test("empty and missing src are skipped; duplicates keep the first position", () => {
    const html = page(
      `<img><img src=""><img src="  "><img src="b.jpg"><img src="a.jpg"><img srcset="b.jpg 2x, c.jpg 3x">`,
    );
    expect(extractImageUrls(html, "https://example.com/")).toEqual([
      "https://example.com/b.jpg",
      "https://example.com/a.jpg",
      "https://example.com/c.jpg",
    ]);
  });

  test("malformed HTML still yields what a browser would find", () => {
    expect(
      extractImageUrls(`<div><p><img src=a.jpg alt=x><IMG SRC='b.jpg'><img src="c.jpg"`, "https://e.com/"),
    ).toEqual(["https://e.com/a.jpg", "https://e.com/b.jpg"]);
  });
});

describe("webSource", () => {
  test("fetches the page from the template and resolves against its final URL", async () => {
    const requested = "https://en.wikipedia.org/wiki/Douglas_adams";
    const http = fakeHttp({
      [requested]: { redirectTo: PAGE, body: page(`<img src="a.jpg">`) },
    });
    const outcome = await webSource(
      { wikidataId: "Q42", name: "Douglas adams", occupations: [] },
      { config: DEFAULT_SOURCE_CONFIG, http, now: () => new Date() },
    );
    expect(outcome).toEqual({ found: [{ url: "https://en.wikipedia.org/wiki/a.jpg", foundOn: PAGE }] });
    expect(http.calls.map((c) => c.url)).toEqual([requested]);
  });
});
