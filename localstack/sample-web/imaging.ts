/**
 * The sample web's pictures as files: drawings (drawing.ts) encoded by sharp with fixed settings
 * (the same pixels always give the same bytes), resized, cropped and animated, plus the byte-level
 * surgery that makes the bad cases (segments, chunks and extensions inserted, data appended,
 * headers that lie about their size).
 */
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import type { Raster, Rgb } from "./drawing";

export type RasterKind = "jpeg" | "png" | "webp" | "gif";

export const CONTENT_TYPE: Record<RasterKind, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

export const EXTENSION: Record<RasterKind, string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };

export interface EncodeOptions {
  quality?: number;
}

/** Encodes raw pixels; every setting is fixed, so the same pixels always give the same bytes. */
export async function encode(raster: Raster, kind: RasterKind, options: EncodeOptions = {}): Promise<Buffer> {
  const image = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } });
  switch (kind) {
    case "jpeg":
      return image.jpeg({ quality: options.quality ?? 88, mozjpeg: false, chromaSubsampling: "4:2:0" }).toBuffer();
    case "png":
      return image.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
    case "webp":
      return image.webp({ quality: options.quality ?? 82, effort: 0 }).toBuffer();
    case "gif":
      return image.gif({ effort: 1, dither: 0 }).toBuffer();
  }
}

/** Frames stacked vertically become an animated GIF or WebP. */
export async function encodeAnimation(frames: Raster[], kind: "gif" | "webp", delayMs: number): Promise<Buffer> {
  const first = frames[0];
  if (first === undefined) throw new Error("an animation needs frames");
  const data = Buffer.concat(frames.map((f) => f.data));
  const raw = {
    width: first.width,
    height: first.height * frames.length,
    channels: 3 as const,
    pageHeight: first.height,
  };
  const image = sharp(data, { raw });
  const delay = frames.map(() => delayMs);
  return kind === "gif"
    ? image.gif({ loop: 0, delay, effort: 1, dither: 0 }).toBuffer()
    : image.webp({ loop: 0, delay, quality: 80, effort: 2 }).toBuffer();
}

export async function resizeRaster(raster: Raster, width: number, height: number): Promise<Raster> {
  const data = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
  return { width, height, data };
}

export async function cropRaster(
  raster: Raster,
  left: number,
  top: number,
  width: number,
  height: number,
): Promise<Raster> {
  const data = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
    .extract({ left, top, width, height })
    .raw()
    .toBuffer();
  return { width, height, data };
}

/** A 1×1 image of one colour. */
export async function onePixel(kind: RasterKind, color: Rgb): Promise<Buffer> {
  return encode({ width: 1, height: 1, data: Buffer.from(color) }, kind);
}

// ---------------------------------------------------------------------------------------------
// Byte-level construction

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Inserts a chunk right after IHDR (signature 8 bytes + IHDR chunk 25 bytes). */
export function insertPngChunk(png: Buffer, chunk: Buffer): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") {
    throw new Error("not a PNG with IHDR first");
  }
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

/** A `tEXt` chunk: keyword, NUL, Latin-1 text. */
export function pngText(keyword: string, text: string): Buffer {
  return pngChunk(
    "tEXt",
    Buffer.concat([Buffer.from(keyword, "latin1"), Buffer.from([0]), Buffer.from(text, "latin1")]),
  );
}

/** A PNG whose IHDR declares `width`×`height` RGB pixels, followed by a token IDAT: a few hundred bytes. */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A JPEG marker segment (marker is the byte after 0xFF). */
export function jpegSegment(marker: number, payload: Buffer): Buffer {
  if (payload.length > 65533) throw new Error("JPEG segment payload too long");
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Inserts segments right after SOI. */
export function insertJpegSegments(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

const JFIF = jpegSegment(
  0xe0,
  Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
);

/** SOF0 declaring `width`×`height`, three components. */
function sof0(width: number, height: number): Buffer {
  const body = Buffer.alloc(15);
  body[0] = 8;
  body.writeUInt16BE(height, 1);
  body.writeUInt16BE(width, 3);
  body[5] = 3;
  body.set([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 6);
  return jpegSegment(0xc0, body);
}

function dqt(): Buffer {
  const table = Buffer.alloc(65, 16);
  table[0] = 0;
  return jpegSegment(0xdb, table);
}

/** A tiny JPEG whose frame header declares `width`×`height`. */
export function jpegDeclaring(width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8]), JFIF, dqt(), sof0(width, height), Buffer.from([0xff, 0xd9])]);
}

/** The first bytes of a plausible JPEG (headers for `width`×`height`, then a scan): what a huge download starts with. */
export function jpegHead(width: number, height: number): Buffer {
  const sos = jpegSegment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), JFIF, dqt(), sof0(width, height), sos]);
}

/** A GIF whose screen and only image declare `width`×`height` (at most 65535 each). */
export function gifDeclaring(width: number, height: number): Buffer {
  const head = Buffer.alloc(13);
  head.write("GIF89a", 0, "latin1");
  head.writeUInt16LE(width, 6);
  head.writeUInt16LE(height, 8);
  head[10] = 0x80; // global colour table of 2 entries
  const table = Buffer.from([0, 0, 0, 255, 255, 255]);
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(width, 5);
  descriptor.writeUInt16LE(height, 7);
  const data = Buffer.from([0x02, 0x02, 0x4c, 0x01, 0x00]);
  return Buffer.concat([head, table, descriptor, data, Buffer.from([0x3b])]);
}

/** A GIF comment extension. */
export function gifComment(text: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  const blocks: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let i = 0; i < bytes.length; i += 255) {
    const part = bytes.subarray(i, i + 255);
    blocks.push(Buffer.from([part.length]), part);
  }
  blocks.push(Buffer.from([0]));
  return Buffer.concat(blocks);
}

/** Inserts an extension block after the header, logical screen descriptor and global colour table. */
export function insertGifBlock(gif: Buffer, block: Buffer): Buffer {
  if (gif.toString("latin1", 0, 3) !== "GIF") throw new Error("not a GIF");
  const flags = gif[10] ?? 0;
  const table = flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0;
  const at = 13 + table;
  return Buffer.concat([gif.subarray(0, at), block, gif.subarray(at)]);
}
