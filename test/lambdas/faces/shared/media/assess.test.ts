import sharp from "sharp";
import { LIMITS, type Limits } from "#faces/contracts";
import { type Assessment, assessImage, FAIL_ON, inspectDownload } from "#faces/media/index";
import {
  animatedGif,
  faceLike,
  flat,
  fromRaw,
  jpegOf,
  noise,
  pngChunk,
  pngHeaderOnly,
  pngOf,
  tinyZip,
  withChunkAfterIhdr,
  withGifComment,
  withJpegComment,
} from "./fixtures";

const limits: Limits = { ...LIMITS };

/** Sniffs the bytes as the store stage does, then assesses them as the clean stage does. */
async function assess(bytes: Buffer): Promise<Assessment> {
  const download = await inspectDownload(bytes, limits);
  if (!download.ok) throw new Error(`store would have rejected this: ${download.detail}`);
  return assessImage(bytes, download.format, limits);
}

const rejected = (reason: string) => expect.objectContaining({ verdict: "reject", reason });

const face = faceLike();
let faceJpeg: Buffer;
let facePng: Buffer;
beforeAll(async () => {
  faceJpeg = await jpegOf(face);
  facePng = await pngOf(face);
});

describe("1. markup and unknown bytes", () => {
  const text = (s: string) => Buffer.from(s);

  test("text bytes that would be served as something.jpg → not-an-image", async () => {
    await expect(assess(text("Lorem ipsum dolor sit amet, definitely a JPEG"))).resolves.toEqual({
      verdict: "reject",
      reason: "not-an-image",
      detail: "the bytes are in no known image format",
    });
  });

  test("an HTML error page → not-an-image", async () => {
    const page = "<!DOCTYPE html><html><head><title>404</title></head><body><h1>Not Found</h1></body></html>";
    await expect(assess(text(page))).resolves.toEqual(rejected("not-an-image"));
  });

  test("HTML with a script → active-content", async () => {
    const page = "<!doctype html><html><body><script>document.location='https://evil.example'</script></body></html>";
    await expect(assess(text(page))).resolves.toEqual({
      verdict: "reject",
      reason: "active-content",
      detail: 'html document with a script element ("<script>")',
    });
  });

  test("SVG with a <script> element → active-content", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script type="text/javascript">alert(1)</script></svg>';
    await expect(assess(text(svg))).resolves.toEqual(rejected("active-content"));
  });

  test("SVG with an onload= attribute → active-content", async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><rect width="9" height="9"/></svg>';
    await expect(assess(text(svg))).resolves.toEqual({
      verdict: "reject",
      reason: "active-content",
      detail: 'svg document with an event-handler attribute ("onload=")',
    });
  });

  test("a plain SVG drawing → not-an-image", async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500"><circle cx="200" cy="250" r="100"/></svg>';
    await expect(assess(text(svg))).resolves.toEqual({
      verdict: "reject",
      reason: "not-an-image",
      detail: "svg document, not a raster image",
    });
  });
});

describe("2. trailing-data: bytes after the structure's real end", () => {
  test("JPEG with a ZIP appended (the GIFAR/JAR trick) → trailing-data", async () => {
    const result = await assess(Buffer.concat([faceJpeg, tinyZip()]));
    expect(result).toEqual(rejected("trailing-data"));
    expect(result).toMatchObject({
      detail: expect.stringContaining(`after the end of the jpeg image at offset ${faceJpeg.length}`),
    });
  });

  test("PNG with a PHP script appended → trailing-data", async () => {
    const result = await assess(Buffer.concat([facePng, Buffer.from("<?php system($_GET['c']); ?>")]));
    expect(result).toEqual({
      verdict: "reject",
      reason: "trailing-data",
      detail: `28 bytes after the end of the png image at offset ${facePng.length}, starting "<?php system($_G"`,
    });
  });

  test("GIF with a ZIP appended → trailing-data", async () => {
    const gif = await fromRaw(noise(100, 100)).gif().toBuffer();
    await expect(assess(Buffer.concat([gif, tinyZip()]))).resolves.toEqual(rejected("trailing-data"));
  });

  test("WebP with bytes after the RIFF size → trailing-data", async () => {
    const webp = await fromRaw(face).webp().toBuffer();
    await expect(assess(Buffer.concat([webp, Buffer.from("PK\x03\x04 and more")]))).resolves.toEqual(
      rejected("trailing-data"),
    );
  });

  test("up to 16 zero bytes of padding are tolerated, 17 are not", async () => {
    await expect(assess(Buffer.concat([faceJpeg, Buffer.alloc(16)]))).resolves.toMatchObject({ verdict: "accept" });
    await expect(assess(Buffer.concat([faceJpeg, Buffer.alloc(17)]))).resolves.toEqual(rejected("trailing-data"));
  });

  test("an FF D9 inside a comment does not end the JPEG early", async () => {
    const jpeg = withJpegComment(faceJpeg, "looks like an end: \xff\xd9 but is not");
    await expect(assess(jpeg)).resolves.toMatchObject({ verdict: "accept" });
  });
});

describe("3. polyglot: signatures inside the image's metadata", () => {
  test("JPEG with a COM segment holding <script> → polyglot", async () => {
    await expect(assess(withJpegComment(faceJpeg, "<script>alert(1)</script>"))).resolves.toEqual({
      verdict: "reject",
      reason: "polyglot",
      detail: '"<script" in the JPEG COM segment at offset 2',
    });
  });

  test("PNG with a tEXt chunk holding <html> → polyglot", async () => {
    const png = withChunkAfterIhdr(facePng, pngChunk("tEXt", Buffer.from("Comment\0<html><body>hi</body></html>")));
    await expect(assess(png)).resolves.toEqual({
      verdict: "reject",
      reason: "polyglot",
      detail: '"<html" in the PNG tEXt chunk at offset 33',
    });
  });

  test("PNG with a compressed zTXt chunk holding PHP → polyglot (text is inflated before the search)", async () => {
    const { deflateSync } = await import("node:zlib");
    const chunk = pngChunk(
      "zTXt",
      Buffer.concat([Buffer.from("Comment\0\0"), deflateSync(Buffer.from("<?php eval($_POST[1]); ?>"))]),
    );
    await expect(assess(withChunkAfterIhdr(facePng, chunk))).resolves.toEqual({
      verdict: "reject",
      reason: "polyglot",
      detail: '"<?php" in the PNG zTXt chunk at offset 33 (inflated)',
    });
  });

  test("GIF with a comment extension holding a ZIP header → polyglot", async () => {
    const gif = await fromRaw(noise(100, 100)).gif().toBuffer();
    await expect(assess(withGifComment(gif, "PK\x03\x04 hidden"))).resolves.toEqual(rejected("polyglot"));
  });

  test("a harmless comment is fine", async () => {
    await expect(assess(withJpegComment(faceJpeg, "Photo: A. Person, CC BY-SA 4.0"))).resolves.toMatchObject({
      verdict: "accept",
    });
  });
});

describe("4. undecodable", () => {
  test("a truncated JPEG → undecodable, not trailing-data", async () => {
    const result = await assess(faceJpeg.subarray(0, Math.floor(faceJpeg.length * 0.6)));
    expect(result).toEqual(rejected("undecodable"));
    expect(result).toMatchObject({ detail: expect.stringMatching(/^JPEG ends inside the scan data/) });
  });

  test("a JPEG missing only its EOI marker → undecodable", async () => {
    await expect(assess(faceJpeg.subarray(0, faceJpeg.length - 2))).resolves.toEqual(rejected("undecodable"));
  });

  test("a truncated PNG → undecodable, not trailing-data", async () => {
    await expect(assess(facePng.subarray(0, Math.floor(facePng.length * 0.6)))).resolves.toEqual(
      rejected("undecodable"),
    );
    await expect(assess(facePng.subarray(0, facePng.length - 12))).resolves.toEqual({
      verdict: "reject",
      reason: "undecodable",
      detail: `PNG ends inside a chunk header at offset ${facePng.length - 12} (no IEND)`,
    });
  });

  test("sharp on its own catches truncation at the failOn level used", async () => {
    for (const whole of [faceJpeg, facePng]) {
      const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
      await expect(sharp(cut, { failOn: FAIL_ON }).raw().toBuffer()).rejects.toThrow(/premature end|read error/);
      await expect(sharp(cut, { failOn: "none" }).raw().toBuffer()).resolves.toBeInstanceOf(Buffer);
    }
  });

  test("a 60000×60000 PNG header is refused from its header, without allocating the pixels", async () => {
    const started = performance.now();
    const before = process.memoryUsage().rss;
    await expect(assessImage(pngHeaderOnly(60_000, 60_000), "png", limits)).resolves.toEqual({
      verdict: "reject",
      reason: "undecodable",
      detail: "png: Input image exceeds pixel limit",
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024); // the pixels would be 10.8 GB
  });

  test("a structurally sound PNG whose pixel data is garbage → undecodable", async () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100, 0);
    ihdr.writeUInt32BE(100, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const png = Buffer.concat([
      facePng.subarray(0, 8),
      pngChunk("IHDR", ihdr),
      pngChunk("IDAT", Buffer.from("definitely not zlib data")),
      pngChunk("IEND", Buffer.alloc(0)),
    ]);
    await expect(assessImage(png, "png", limits)).resolves.toEqual(rejected("undecodable"));
  });

  test("bytes that are not the format they are said to be never reach sharp", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500"/>');
    await expect(assessImage(svg, "png", limits)).resolves.toEqual({
      verdict: "reject",
      reason: "undecodable",
      detail: "PNG structure is broken: no PNG signature at the start",
    });
  });
});

describe("5–8. useless images", () => {
  test("an animated GIF → animated", async () => {
    await expect(assess(await animatedGif(64, 64))).resolves.toEqual({
      verdict: "reject",
      reason: "animated",
      detail: "gif with 3 frames",
    });
  });

  test("an animated WebP → animated", async () => {
    const webp = await sharp(await animatedGif(), { animated: true })
      .webp()
      .toBuffer();
    await expect(assess(webp)).resolves.toEqual(rejected("animated"));
  });

  test("an animated PNG (acTL declares 2 frames; sharp decodes only the first) → animated", async () => {
    const acTL = Buffer.alloc(8);
    acTL.writeUInt32BE(2, 0);
    await expect(assess(withChunkAfterIhdr(facePng, pngChunk("acTL", acTL)))).resolves.toEqual({
      verdict: "reject",
      reason: "animated",
      detail: "png with 2 frames",
    });
  });

  test("a 1×1 PNG → too-small", async () => {
    await expect(assess(await pngOf(flat(1, 1)))).resolves.toEqual({
      verdict: "reject",
      reason: "too-small",
      detail: "1×1, each side must be at least 64",
    });
  });

  test("1000×100 → extreme-aspect-ratio", async () => {
    await expect(assess(await pngOf(noise(1000, 100)))).resolves.toEqual({
      verdict: "reject",
      reason: "extreme-aspect-ratio",
      detail: "1000×100 is 10.00:1, over 3:1",
    });
  });

  test("a flat colour → near-uniform", async () => {
    await expect(assess(await pngOf(flat(300, 300)))).resolves.toEqual({
      verdict: "reject",
      reason: "near-uniform",
      detail: "greyscale standard deviation 0.00, under 6",
    });
  });

  test("a flat colour with a little noise → near-uniform", async () => {
    await expect(assess(await pngOf(flat(300, 300, 3)))).resolves.toEqual(rejected("near-uniform"));
  });
});

describe("accept: a clean, re-encoded JPEG", () => {
  test("a face-like 400×500 JPEG is accepted as a JPEG of the same size with a hash", async () => {
    const result = await assess(faceJpeg);
    expect(result).toEqual({
      verdict: "accept",
      jpeg: expect.any(Buffer),
      width: 400,
      height: 500,
      phash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    if (result.verdict !== "accept") return;
    await expect(sharp(result.jpeg).metadata()).resolves.toMatchObject({ format: "jpeg", width: 400, height: 500 });
  });

  test("EXIF, ICC and XMP are gone, and EXIF orientation is applied to the pixels", async () => {
    const withMetadata = await fromRaw(face)
      .jpeg()
      .withExif({ IFD0: { Copyright: "Someone", ImageDescription: "a person" } })
      .withMetadata({ orientation: 6 })
      .withIccProfile("p3")
      .toBuffer();
    const input = await sharp(withMetadata).metadata();
    expect(input).toMatchObject({ orientation: 6, exif: expect.any(Buffer), icc: expect.any(Buffer) });

    const result = await assess(withMetadata);
    expect(result).toMatchObject({ verdict: "accept", width: 500, height: 400 }); // rotated upright
    if (result.verdict !== "accept") return;
    const output = await sharp(result.jpeg).metadata();
    expect(output.exif).toBeUndefined();
    expect(output.icc).toBeUndefined();
    expect(output.xmp).toBeUndefined();
    expect(output.orientation).toBeUndefined();
  });

  test("re-encoding is deterministic: the same input gives byte-identical output", async () => {
    const [a, b] = await Promise.all([assess(faceJpeg), assess(Buffer.from(faceJpeg))]);
    expect(a.verdict).toBe("accept");
    if (a.verdict !== "accept" || b.verdict !== "accept") return;
    expect(b.jpeg.equals(a.jpeg)).toBe(true);
    expect(b.phash).toBe(a.phash);
  });

  test.each(["png", "webp", "gif", "tiff", "avif"] as const)("a good %s is accepted too", async (format) => {
    const fast = { png: {}, tiff: {}, webp: { effort: 0 }, gif: { effort: 1 }, avif: { effort: 0 } }[format];
    const bytes = await fromRaw(face).toFormat(format, fast).toBuffer();
    await expect(assess(bytes)).resolves.toMatchObject({ verdict: "accept", width: 400, height: 500 });
  });

  test("a transparent PNG is flattened onto white", async () => {
    const rgba = await fromRaw(face).ensureAlpha(0.5).png().toBuffer();
    const result = await assess(rgba);
    expect(result).toMatchObject({ verdict: "accept" });
    if (result.verdict !== "accept") return;
    await expect(sharp(result.jpeg).metadata()).resolves.toMatchObject({ channels: 3, hasAlpha: false });
  });
});
