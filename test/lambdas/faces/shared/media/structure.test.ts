import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { LIMITS, type Limits } from "#faces/contracts";
import { assessImage, describeTrailingData, type RasterFormat, walkStructure } from "#faces/media/index";
import { faceLike, fromRaw, noise, pngChunk, tinyZip, withChunkAfterIhdr } from "./fixtures";

const limits: Limits = { ...LIMITS };
const small = noise(80, 72);

/** A bottom-up 24-bit BMP, which sharp cannot write. */
function bmp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixels = Buffer.alloc(rowBytes * height, 0x7f);
  const header = Buffer.alloc(54);
  header.write("BM", 0, "latin1");
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

describe("walkStructure finds the real end of well-formed files", () => {
  const cases: Array<[string, RasterFormat, () => Promise<Buffer>]> = [
    ["baseline JPEG", "jpeg", () => fromRaw(small).jpeg().toBuffer()],
    ["progressive JPEG", "jpeg", () => fromRaw(small).jpeg({ progressive: true }).toBuffer()],
    [
      "JPEG with EXIF (which holds its own thumbnail-style markers)",
      "jpeg",
      () =>
        fromRaw(small)
          .jpeg()
          .withExif({ IFD0: { ImageDescription: "x" } })
          .withIccProfile("srgb")
          .toBuffer(),
    ],
    ["PNG", "png", () => fromRaw(small).png().toBuffer()],
    ["palette PNG", "png", () => fromRaw(small).png({ palette: true }).toBuffer()],
    ["GIF", "gif", () => fromRaw(small).gif().toBuffer()],
    ["lossy WebP", "webp", () => fromRaw(small).webp().toBuffer()],
    [
      "lossless WebP with EXIF",
      "webp",
      () =>
        fromRaw(small)
          .webp({ lossless: true })
          .withExif({ IFD0: { Artist: "x" } })
          .toBuffer(),
    ],
    ["AVIF", "avif", () => fromRaw(small).avif({ effort: 0 }).toBuffer()],
    ["TIFF", "tiff", () => fromRaw(small).tiff().toBuffer()],
    ["LZW TIFF", "tiff", () => fromRaw(small).tiff({ compression: "lzw" }).toBuffer()],
    [
      "tiled JPEG-compressed TIFF",
      "tiff",
      () => fromRaw(small).tiff({ compression: "jpeg", tile: true, tileWidth: 16, tileHeight: 16 }).toBuffer(),
    ],
    ["big-endian TIFF", "tiff", async () => tiffBigEndian()],
    ["BMP", "bmp", async () => bmp(70, 66)],
  ];

  test.each(cases)("%s", async (_, format, make) => {
    const bytes = await make();
    expect(walkStructure(bytes, format)).toMatchObject({ status: "complete", end: bytes.length, frames: 1 });
  });

  test.each(cases)("%s with a ZIP appended: trailing data", async (_, format, make) => {
    const bytes = await make();
    const structure = walkStructure(Buffer.concat([bytes, tinyZip()]), format);
    expect(structure).toMatchObject({ status: "complete", end: bytes.length });
  });

  test("describeTrailingData tolerates a little zero padding only", () => {
    const bytes = Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(16)]);
    expect(describeTrailingData(bytes, 10, "png")).toBeUndefined();
    expect(describeTrailingData(Buffer.concat([bytes, Buffer.alloc(1)]), 10, "png")).toMatch(/^17 bytes after/);
    expect(describeTrailingData(Buffer.concat([Buffer.alloc(10, 1), Buffer.from([0, 1])]), 10, "png")).toMatch(
      /^2 bytes after/,
    );
  });
});

describe("JPEG entropy-coded data", () => {
  // SOI, SOS (one component), scan bytes with a stuffed FF00, a restart marker and fill bytes, EOI.
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  const scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0xff, 0xff];
  const jpeg = Buffer.from([0xff, 0xd8, ...sos, ...scan, 0xff, 0xd9]);

  test("stuffed bytes, RSTn and fill bytes do not end the scan; EOI does", () => {
    expect(walkStructure(jpeg, "jpeg")).toMatchObject({ status: "complete", end: jpeg.length });
  });

  test("a scan that runs out is truncated, not complete", () => {
    expect(walkStructure(jpeg.subarray(0, jpeg.length - 2), "jpeg")).toMatchObject({ status: "truncated" });
  });

  test("garbage where a marker belongs is malformed", () => {
    const bad = Buffer.from([0xff, 0xd8, 0x00, 0x11]);
    expect(walkStructure(bad, "jpeg")).toMatchObject({ status: "malformed" });
  });
});

describe("PNG chunks", () => {
  test("a chunk with a wrong CRC is malformed, so the file is undecodable", async () => {
    const png = await fromRaw(faceLike(100, 100)).png().toBuffer();
    const chunk = pngChunk("tEXt", Buffer.from("Comment\0hello"));
    chunk[chunk.length - 1] = (chunk[chunk.length - 1] ?? 0) ^ 0xff;
    const bad = withChunkAfterIhdr(png, chunk);
    expect(walkStructure(bad, "png")).toMatchObject({
      status: "malformed",
      detail: expect.stringContaining("CRC mismatch"),
    });
    await expect(assessImage(bad, "png", limits)).resolves.toMatchObject({ verdict: "reject", reason: "undecodable" });
  });

  test("compressed text that inflates past the cap cannot be inspected, so it counts as a polyglot", async () => {
    const png = await fromRaw(faceLike(100, 100)).png().toBuffer();
    const huge = deflateSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    const bad = withChunkAfterIhdr(png, pngChunk("zTXt", Buffer.concat([Buffer.from("Comment\0\0"), huge])));
    await expect(assessImage(bad, "png", limits)).resolves.toMatchObject({
      verdict: "reject",
      reason: "polyglot",
      detail: expect.stringContaining("cannot be inspected"),
    });
  });

  test("the inflation budget is for the whole file, not per chunk", async () => {
    const png = await fromRaw(faceLike(100, 100)).png().toBuffer();
    const chunk = pngChunk("zTXt", Buffer.concat([Buffer.from("c\0\0"), deflateSync(Buffer.alloc(1536 * 1024, 0x20))]));
    const two = withChunkAfterIhdr(withChunkAfterIhdr(png, chunk), chunk);
    const three = withChunkAfterIhdr(two, chunk);
    await expect(assessImage(two, "png", limits)).resolves.toMatchObject({ verdict: "accept" });
    await expect(assessImage(three, "png", limits)).resolves.toMatchObject({
      verdict: "reject",
      reason: "polyglot",
      detail: expect.stringContaining("inflates past the 4194304-byte budget for the file"),
    });
  });

  test("compressed text that does not inflate cannot be inspected either", async () => {
    const png = await fromRaw(faceLike(100, 100)).png().toBuffer();
    const chunk = pngChunk("zTXt", Buffer.from("Comment\0\0not zlib at all"));
    await expect(assessImage(withChunkAfterIhdr(png, chunk), "png", limits)).resolves.toMatchObject({
      verdict: "reject",
      reason: "polyglot",
      detail: expect.stringContaining("does not inflate"),
    });
  });

  test("an iTXt chunk's compressed text is inflated and searched", async () => {
    const png = await fromRaw(faceLike(100, 100)).png().toBuffer();
    const itxt = Buffer.concat([
      Buffer.from("XML:com.adobe.xmp\0\x01\x00en\0\0"),
      deflateSync(Buffer.from("<svg onload=x>")),
    ]);
    await expect(assessImage(withChunkAfterIhdr(png, pngChunk("iTXt", itxt)), "png", limits)).resolves.toMatchObject({
      verdict: "reject",
      reason: "polyglot",
      detail: expect.stringContaining("iTXt chunk at offset 33 (inflated)"),
    });
  });
});

describe("other formats", () => {
  test("a BMP is well-formed but undecodable: sharp's libvips has no BMP loader", async () => {
    await expect(assessImage(bmp(70, 66), "bmp", limits)).resolves.toMatchObject({
      verdict: "reject",
      reason: "undecodable",
    });
  });

  test("a multi-page TIFF has as many frames as pages, and is rejected as animated", async () => {
    const pages = Buffer.concat([noise(80, 80, 1).data, noise(80, 80, 2).data]);
    const tiff = await sharp(pages, { raw: { width: 80, height: 160, channels: 3, pageHeight: 80 } })
      .tiff()
      .toBuffer();
    expect(walkStructure(tiff, "tiff")).toMatchObject({ status: "complete", end: tiff.length, frames: 2 });
    await expect(assessImage(tiff, "tiff", limits)).resolves.toMatchObject({ verdict: "reject", reason: "animated" });
  });

  test("a TIFF with HTML in its ImageDescription is a polyglot", async () => {
    const tiff = tiffBigEndian("<html><script>alert(1)</script></html>");
    expect(walkStructure(tiff, "tiff")).toMatchObject({ status: "complete", end: tiff.length });
    await expect(assessImage(tiff, "tiff", limits)).resolves.toEqual({
      verdict: "reject",
      reason: "polyglot",
      detail: '"<script" in the TIFF tag 270 value at offset 186',
    });
  });
});

/** A minimal big-endian ("MM") 8×8 greyscale TIFF, uncompressed, one strip, optionally described. */
function tiffBigEndian(description?: string): Buffer {
  const text = description === undefined ? undefined : Buffer.from(`${description}\0`, "latin1");
  const entries: Array<[number, number, number, number]> = [
    [256, 3, 1, 8], // ImageWidth
    [257, 3, 1, 8], // ImageLength
    [258, 3, 1, 8], // BitsPerSample
    [259, 3, 1, 1], // Compression: none
    [262, 3, 1, 1], // PhotometricInterpretation: BlackIsZero
    [273, 4, 1, 0], // StripOffsets: right after the IFD
    [278, 3, 1, 8], // RowsPerStrip
    [279, 4, 1, 64], // StripByteCounts
  ];
  if (text !== undefined) entries.splice(5, 0, [270, 2, text.length, 0]); // ImageDescription, after the pixels
  const pixelsAt = 8 + 2 + 12 * entries.length + 4;
  const strip = entries.find(([tag]) => tag === 273);
  if (strip) strip[3] = pixelsAt;
  const descriptionEntry = entries.find(([tag]) => tag === 270);
  if (descriptionEntry) descriptionEntry[3] = pixelsAt + 64;
  const ifd = Buffer.alloc(2 + 12 * entries.length + 4);
  ifd.writeUInt16BE(entries.length, 0);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 2 + 12 * i;
    ifd.writeUInt16BE(tag, at);
    ifd.writeUInt16BE(type, at + 2);
    ifd.writeUInt32BE(count, at + 4);
    if (type === 3) ifd.writeUInt16BE(value, at + 8);
    else ifd.writeUInt32BE(value, at + 8);
  });
  const header = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]);
  const pixels = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256));
  return Buffer.concat([header, ifd, pixels, text ?? Buffer.alloc(0)]);
}

describe("AVIF image sequences", () => {
  const box = (type: string, ...children: Buffer[]) => {
    const payload = Buffer.concat(children);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + payload.length);
    header.write(type, 4, "latin1");
    return Buffer.concat([header, payload]);
  };

  test("the frame count is the sample count of the moov track", () => {
    const stsz = Buffer.alloc(12);
    stsz.writeUInt32BE(24, 8); // version/flags 0, sample_size 0, sample_count 24
    const avif = Buffer.concat([
      box("ftyp", Buffer.from("avis\0\0\0\0avifavis")),
      box("meta"),
      box("moov", box("trak", box("mdia", box("minf", box("stbl", box("stsz", stsz)))))),
      box("mdat", Buffer.alloc(10)),
    ]);
    expect(walkStructure(avif, "avif")).toMatchObject({ status: "complete", end: avif.length, frames: 24 });
  });
});
