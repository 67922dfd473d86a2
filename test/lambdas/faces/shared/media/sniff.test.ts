import sharp from "sharp";
import { LIMITS, type Limits } from "#faces/contracts";
import { detectMarkup, findActiveContent, inspectDownload, rootElement } from "#faces/media/index";
import { faceLike, fromRaw, pngChunk, pngHeaderOnly, tinyZip, withChunkAfterIhdr } from "./fixtures";

const limits: Limits = { ...LIMITS };
const picture = fromRaw(faceLike(120, 80));

describe("inspectDownload: rasters by magic bytes, with header dimensions", () => {
  test.each([
    ["jpeg", "image/jpeg"],
    ["png", "image/png"],
    ["gif", "image/gif"],
    ["webp", "image/webp"],
    ["avif", "image/avif"],
    ["tiff", "image/tiff"],
  ] as const)("%s → %s, 120×80", async (format, contentType) => {
    const bytes = await picture.clone().toFormat(format).toBuffer();
    await expect(inspectDownload(bytes, limits)).resolves.toEqual({
      ok: true,
      format,
      contentType,
      width: 120,
      height: 80,
    });
  });

  test("an animated PNG (acTL chunk) is still a PNG", async () => {
    const acTL = Buffer.alloc(8);
    acTL.writeUInt32BE(2, 0);
    const apng = withChunkAfterIhdr(await picture.clone().png().toBuffer(), pngChunk("acTL", acTL));
    await expect(inspectDownload(apng, limits)).resolves.toMatchObject({
      ok: true,
      format: "png",
      contentType: "image/png",
    });
  });

  test("dimensions come from the header only: a cut-off JPEG still reports them", async () => {
    const jpeg = await picture.clone().jpeg().toBuffer();
    await expect(inspectDownload(jpeg.subarray(0, jpeg.length - 100), limits)).resolves.toEqual({
      ok: true,
      format: "jpeg",
      contentType: "image/jpeg",
      width: 120,
      height: 80,
    });
  });

  test("an unreadable header gives no dimensions, and no error", async () => {
    const jpeg = await picture.clone().jpeg().toBuffer();
    await expect(inspectDownload(jpeg.subarray(0, 40), limits)).resolves.toEqual({
      ok: true,
      format: "jpeg",
      contentType: "image/jpeg",
    });
  });

  test("a 60000×60000 PNG header on a tiny file is a decompression bomb", async () => {
    const bomb = pngHeaderOnly(60_000, 60_000);
    expect(bomb.length).toBeLessThan(200);
    await expect(inspectDownload(bomb, limits)).resolves.toEqual({
      ok: false,
      reason: "decompression-bomb",
      detail: "png header declares 60000×60000 = 3600000000 pixels, over the limit of 40000000",
    });
  });

  test("the pixel limit is the one passed in", async () => {
    const bytes = await picture.clone().png().toBuffer();
    await expect(inspectDownload(bytes, { ...limits, maxImagePixels: 120 * 80 - 1 })).resolves.toMatchObject({
      ok: false,
      reason: "decompression-bomb",
    });
  });
});

describe("inspectDownload: everything else is stored as application/octet-stream", () => {
  const octet = (format: string) => ({ ok: true, format, contentType: "application/octet-stream" });
  const text = (s: string) => Buffer.from(s, "utf8");

  test.each([
    ["a bare svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'],
    [
      "svg after an XML prolog, comments and a DOCTYPE with an internal subset",
      '<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd" [ <!ENTITY a "b>"> ]>\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>',
    ],
    ["svg after a UTF-8 BOM and whitespace", '\uFEFF \n <svg xmlns="http://www.w3.org/2000/svg"></svg>'],
  ])("%s → svg", async (_, svg) => {
    await expect(inspectDownload(text(svg), limits)).resolves.toEqual(octet("svg"));
  });

  test("UTF-16 SVG, with and without a byte-order mark → svg", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(svg, "utf16le")]);
    const be = Buffer.from(svg, "utf16le").swap16();
    await expect(inspectDownload(le, limits)).resolves.toEqual(octet("svg"));
    await expect(inspectDownload(be, limits)).resolves.toEqual(octet("svg"));
  });

  test.each([
    [
      "an HTML error page",
      "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>",
    ],
    ["upper case after whitespace", "\r\n  <HTML><BODY>Forbidden</BODY></HTML>"],
    ["a bare script", "<script>location='https://example.com'</script>"],
    ["a fragment starting with a paragraph", "<p>Moved</p>"],
    ["a comment, then head", "<!-- cache miss --><head><meta charset=utf-8></head>"],
    ["xhtml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>'],
  ])("%s → html", async (_, html) => {
    await expect(inspectDownload(text(html), limits)).resolves.toEqual(octet("html"));
  });

  test.each([
    ["plain text", text("this is not an image, whatever its name says")],
    ["JSON", text('{"error":"not found"}')],
    ["a ZIP archive", tinyZip()],
    ["a PDF", text("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")],
    ["empty", Buffer.alloc(0)],
    ["random bytes", Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 73) % 256))],
  ])("%s → unknown", async (_, bytes) => {
    await expect(inspectDownload(bytes, limits)).resolves.toEqual(octet("unknown"));
  });

  test("sharp itself would render SVG: the reason markup is refused before sharp sees it", async () => {
    const svg = text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    await expect(sharp(svg).metadata()).resolves.toMatchObject({ format: "svg" });
  });
});

describe("markup helpers", () => {
  test("rootElement skips prolog, comments and doctype, and strips a namespace prefix", () => {
    expect(rootElement('<?xml version="1.0"?><!-- c --><!DOCTYPE x [<!ELEMENT a ANY>]><svg:SVG/>')).toBe("svg");
    expect(rootElement("hello <svg>")).toBeUndefined();
    expect(rootElement("<!-- never closed")).toBeUndefined();
  });

  test("detectMarkup ignores markup that is neither SVG nor HTML", () => {
    expect(detectMarkup(Buffer.from('<?xml version="1.0"?><rss version="2.0"></rss>'))).toBeUndefined();
  });

  test.each([
    ["<svg><script>alert(1)</script></svg>", /script element/],
    ["<svg/onload=alert(1)>", /event-handler/],
    ['<svg><image href="x" onerror = "alert(1)"/></svg>', /event-handler/],
    ['<svg><a href="java&#x09;script:alert(1)">x</a></svg>', /javascript: URL/],
    ['<svg><a href="JAVA\nSCRIPT:alert(1)">x</a></svg>', /javascript: URL/],
    ['<svg><set attributeName="onmouseover" to="alert(1)"/></svg>', /animation/],
    ["<svg><foreignObject><div>x</div></foreignObject></svg>", /embeds/],
    ['<html><iframe src="https://example.com"></iframe></html>', /embeds/],
  ])("findActiveContent(%j)", (markup, what) => {
    expect(findActiveContent(Buffer.from(markup))).toMatch(what);
  });

  test("findActiveContent finds nothing in a plain drawing", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="tomato"/></svg>';
    expect(findActiveContent(Buffer.from(svg))).toBeUndefined();
  });
});
