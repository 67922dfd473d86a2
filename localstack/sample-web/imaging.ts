/**
 * The sample web's pictures: "face-like" drawings rasterised in plain JavaScript (background scene,
 * shoulders, face ellipse, hair, eyes, brows, nose, mouth, lighting and noise), encoded by sharp,
 * plus the byte-level surgery that makes the bad cases (segments, chunks and extensions inserted,
 * data appended, headers that lie about their size).
 */
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import type { Rng } from "./prng";

export type RasterKind = "jpeg" | "png" | "webp" | "gif";

export const CONTENT_TYPE: Record<RasterKind, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

export const EXTENSION: Record<RasterKind, string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };

/** Raw 8-bit RGB pixels. */
export interface Raster {
  width: number;
  height: number;
  data: Buffer;
}

type Rgb = readonly [number, number, number];

interface Shape {
  kind: "rect" | "ellipse";
  /** Centre and size as fractions of the image. */
  x: number;
  y: number;
  w: number;
  h: number;
  angle: number;
  color: Rgb;
}

export interface FaceParams {
  bgA: Rgb;
  bgB: Rgb;
  bgAngle: number;
  scene: Shape[];
  /** Face centre as fractions of width and height. */
  cx: number;
  cy: number;
  /** Face half-width as a fraction of the shorter side. */
  size: number;
  /** Face half-height / half-width. */
  elongation: number;
  tilt: number;
  /** Head turned left (-) or right (+): features shift sideways. */
  turn: number;
  skin: Rgb;
  hair: Rgb;
  hairStyle: 0 | 1 | 2 | 3;
  clothes: Rgb;
  iris: Rgb;
  lips: Rgb;
  mouthWidth: number;
  mouthOpen: number;
  glasses: boolean;
  eyesClosed: boolean;
  /** Strength and direction of a linear light falloff over the whole picture. */
  light: number;
  lightAngle: number;
  noise: number;
  noiseSeed: number;
}

const SKIN: Rgb[] = [
  [255, 219, 172],
  [241, 194, 125],
  [224, 172, 105],
  [198, 134, 66],
  [141, 85, 36],
  [92, 56, 30],
];
const HAIR: Rgb[] = [
  [20, 16, 14],
  [59, 38, 24],
  [110, 72, 40],
  [214, 180, 110],
  [165, 70, 30],
  [150, 150, 150],
  [235, 235, 230],
];

function jitter(rng: Rng, [r, g, b]: Rgb, amount: number): Rgb {
  const j = () => rng.range(-amount, amount);
  return [clamp(r + j()), clamp(g + j()), clamp(b + j())];
}

// Math under a module-level name for the pixel loops: a global lookup per pixel is slow wherever
// code runs in a vm context (as under jest).
const m = Math;
const INFINITY = Number.POSITIVE_INFINITY;

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
const anyColor = (rng: Rng): Rgb => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];

export function randomFace(rng: Rng): FaceParams {
  const scene: Shape[] = [];
  const shapes = rng.int(2, 5);
  for (let i = 0; i < shapes; i++) {
    scene.push({
      kind: rng.chance(0.5) ? "rect" : "ellipse",
      x: rng.next(),
      y: rng.range(0, 0.8),
      w: rng.range(0.15, 0.7),
      h: rng.range(0.15, 0.7),
      angle: rng.range(-0.6, 0.6),
      color: anyColor(rng),
    });
  }
  return {
    bgA: anyColor(rng),
    bgB: anyColor(rng),
    bgAngle: rng.range(0, Math.PI * 2),
    scene,
    cx: rng.range(0.36, 0.64),
    cy: rng.range(0.36, 0.5),
    size: rng.range(0.16, 0.23),
    elongation: rng.range(1.18, 1.42),
    tilt: rng.range(-0.3, 0.3),
    turn: rng.range(-0.35, 0.35),
    skin: jitter(rng, rng.pick(SKIN), 14),
    hair: jitter(rng, rng.pick(HAIR), 10),
    hairStyle: rng.int(0, 3) as FaceParams["hairStyle"],
    clothes: anyColor(rng),
    iris: jitter(
      rng,
      rng.pick<Rgb>([
        [70, 50, 30],
        [60, 110, 160],
        [80, 120, 70],
        [40, 30, 25],
      ]),
      15,
    ),
    lips: jitter(rng, [160, 60, 65], 25),
    mouthWidth: rng.range(0.22, 0.42),
    mouthOpen: rng.range(0, 1),
    glasses: rng.chance(0.25),
    eyesClosed: false,
    light: rng.range(-0.45, 0.45),
    lightAngle: rng.range(0, Math.PI * 2),
    noise: rng.range(3, 12),
    noiseSeed: rng.uint32() || 1,
  };
}

class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 3);
  }

  gradient(a: Rgb, b: Rgb, angle: number): void {
    const { width: w, height: h, data } = this;
    const cos = m.cos(angle);
    const sin = m.sin(angle);
    const half = (m.abs(cos) * w + m.abs(sin) * h) / 2 || 1;
    const [ar, ag, ab] = a;
    const dr = b[0] - ar;
    const dg = b[1] - ag;
    const db = b[2] - ab;
    const step = cos / (2 * half);
    let i = 0;
    for (let y = 0; y < h; y++) {
      let t = 0.5 + ((0 - w / 2) * cos + (y - h / 2) * sin) / (2 * half);
      for (let x = 0; x < w; x++, i += 3, t += step) {
        const k = m.min(1, m.max(0, t));
        data[i] = ar + dr * k;
        data[i + 1] = ag + dg * k;
        data[i + 2] = ab + db * k;
      }
    }
  }

  /**
   * A filled ellipse or rectangle centred at (cx, cy) with half-sizes (rx, ry), rotated by `angle`.
   * Each row is filled over the span where the pixel centres are inside, solved for directly.
   */
  fill(kind: "ellipse" | "rect", cx: number, cy: number, rx: number, ry: number, angle: number, color: Rgb): void {
    if (rx <= 0 || ry <= 0) return;
    const { width: w, height: h, data } = this;
    const cos = m.cos(angle);
    const sin = m.sin(angle);
    const ey = kind === "ellipse" ? m.hypot(rx * sin, ry * cos) : m.abs(rx * sin) + m.abs(ry * cos);
    const y0 = m.max(0, m.floor(cy - ey));
    const y1 = m.min(h - 1, m.ceil(cy + ey));
    const [r, g, b] = color;
    // Shape coordinates: u = dx·ux + dy·uy, v = dx·vx + dy·vy; inside when u² + v² ≤ 1 (ellipse) or |u|, |v| ≤ 1 (rect).
    const ux = cos / rx;
    const uy = sin / rx;
    const vx = -sin / ry;
    const vy = cos / ry;
    const qa = ux * ux + vx * vx;
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - cy;
      let lo: number;
      let hi: number;
      if (kind === "ellipse") {
        const qb = 2 * dy * (ux * uy + vx * vy);
        const qc = dy * dy * (uy * uy + vy * vy) - 1;
        const disc = qb * qb - 4 * qa * qc;
        if (disc < 0) continue;
        const root = m.sqrt(disc);
        lo = (-qb - root) / (2 * qa);
        hi = (-qb + root) / (2 * qa);
      } else {
        [lo, hi] = band(ux, dy * uy, -INFINITY, INFINITY);
        [lo, hi] = band(vx, dy * vy, lo, hi);
      }
      const x0 = m.max(0, m.ceil(cx - 0.5 + lo));
      const x1 = m.min(w - 1, m.floor(cx - 0.5 + hi));
      for (let i = (y * w + x0) * 3, end = (y * w + x1) * 3; i <= end; i += 3) {
        data[i] = r;
        data[i + 1] = g;
        data[i + 2] = b;
      }
    }
  }

  /** Lighting falloff and noise over every pixel. */
  finish(light: number, lightAngle: number, noise: number, seed: number): Buffer {
    const { width: w, height: h, data } = this;
    // Writes through a clamped view: rounding and clamping to 0–255 for free.
    const out = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    const gx = (light * m.cos(lightAngle)) / (m.max(w, h) / 2);
    const gy = (light * m.sin(lightAngle)) / (m.max(w, h) / 2);
    const scale = (2 * noise) / 4294967296;
    let s = seed >>> 0 || 1;
    let i = 0;
    for (let y = 0; y < h; y++) {
      let gain = 1 - (gx * w) / 2 + gy * (y - h / 2);
      for (let x = 0; x < w; x++, i += 3, gain += gx) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const n = ((s >>> 0) - 2147483648) * scale;
        out[i] = (out[i] as number) * gain + n;
        out[i + 1] = (out[i + 1] as number) * gain + n;
        out[i + 2] = (out[i + 2] as number) * gain + n;
      }
    }
    return data;
  }
}

/** The dx for which −1 ≤ a·dx + c ≤ 1, intersected with [lo, hi]. */
function band(a: number, c: number, lo: number, hi: number): [number, number] {
  if (m.abs(a) < 1e-12) return m.abs(c) <= 1 ? [lo, hi] : [1, 0];
  const p = (-1 - c) / a;
  const q = (1 - c) / a;
  return [m.max(lo, m.min(p, q)), m.min(hi, m.max(p, q))];
}

const shade = ([r, g, b]: Rgb, f: number): Rgb => [clamp(r * f), clamp(g * f), clamp(b * f)];

/** Rasterises a face drawing at the given size. */
export function renderFace(width: number, height: number, p: FaceParams): Raster {
  const c = new Canvas(width, height);
  c.gradient(p.bgA, p.bgB, p.bgAngle);
  for (const s of p.scene) {
    c.fill(s.kind, s.x * width, s.y * height, (s.w * width) / 2, (s.h * height) / 2, s.angle, s.color);
  }
  const short = Math.min(width, height);
  const rx = p.size * short;
  const ry = rx * p.elongation;
  const fx = Math.min(Math.max(p.cx * width, rx * 1.3), width - rx * 1.3);
  const fy = Math.min(Math.max(p.cy * height, ry * 1.05), height - ry * 1.05);
  const cos = Math.cos(p.tilt);
  const sin = Math.sin(p.tilt);
  /** A point in the face's own frame (x right, y down, origin at the face centre) on the canvas. */
  const at = (x: number, y: number): [number, number] => [fx + x * cos - y * sin, fy + x * sin + y * cos];
  const draw = (kind: "ellipse" | "rect", x: number, y: number, hx: number, hy: number, color: Rgb) => {
    const [px, py] = at(x, y);
    c.fill(kind, px, py, hx, hy, p.tilt, color);
  };

  // Shoulders and neck, then hair behind the head.
  c.fill("ellipse", fx + p.turn * rx * 0.4, fy + ry * 2.05, rx * 2.4, ry * 1.25, 0, p.clothes);
  draw("rect", 0, ry * 0.95, rx * 0.42, ry * 0.45, shade(p.skin, 0.86));
  if (p.hairStyle >= 2) draw("ellipse", 0, ry * 0.22, rx * 1.28, ry * 1.22, p.hair);
  // Ears and face.
  draw("ellipse", -rx * 0.98, 0, rx * 0.14, ry * 0.2, shade(p.skin, 0.92));
  draw("ellipse", rx * 0.98, 0, rx * 0.14, ry * 0.2, shade(p.skin, 0.92));
  draw("ellipse", 0, 0, rx, ry, p.skin);
  // Hair on top.
  if (p.hairStyle >= 1) draw("ellipse", 0, -ry * 0.66, rx * 1.04, ry * 0.44, p.hair);
  if (p.hairStyle === 3) draw("ellipse", 0, -ry * 1.12, rx * 0.36, ry * 0.24, p.hair);
  // Eyes, brows, glasses.
  const shift = p.turn * rx * 0.35;
  for (const side of [-1, 1]) {
    const ex = side * rx * 0.38 + shift;
    const ey = -ry * 0.08;
    if (p.glasses) {
      draw("ellipse", ex, ey, rx * 0.27, rx * 0.21, [25, 25, 30]);
      draw("ellipse", ex, ey, rx * 0.23, rx * 0.17, shade(p.skin, 1.06));
    }
    if (p.eyesClosed) {
      draw("ellipse", ex, ey, rx * 0.19, rx * 0.025, [40, 30, 30]);
    } else {
      draw("ellipse", ex, ey, rx * 0.19, rx * 0.11, [245, 245, 240]);
      draw("ellipse", ex + p.turn * rx * 0.06, ey, rx * 0.085, rx * 0.085, p.iris);
      draw("ellipse", ex + p.turn * rx * 0.06, ey, rx * 0.04, rx * 0.04, [10, 10, 10]);
    }
    draw("ellipse", ex, -ry * 0.25, rx * 0.22, rx * 0.045, shade(p.hair, 0.8));
  }
  // Nose and mouth.
  draw("ellipse", p.turn * rx * 0.3, ry * 0.18, rx * 0.09, ry * 0.14, shade(p.skin, 0.84));
  draw("ellipse", p.turn * rx * 0.22, ry * 0.5, rx * p.mouthWidth, rx * (0.04 + 0.1 * p.mouthOpen), p.lips);
  if (p.mouthOpen > 0.6)
    draw("ellipse", p.turn * rx * 0.22, ry * 0.5, rx * p.mouthWidth * 0.7, rx * 0.05, [60, 20, 25]);
  return { width, height, data: c.finish(p.light, p.lightAngle, p.noise, p.noiseSeed) };
}

/** A flat colour with a little noise, or a gentle horizontal ramp: useless, near-uniform pictures. */
export function renderFlat(
  width: number,
  height: number,
  color: Rgb,
  ramp: number,
  noise: number,
  seed: number,
): Raster {
  const c = new Canvas(width, height);
  c.gradient(shade(color, 1 - ramp / 255), shade(color, 1 + ramp / 255), 0);
  return { width, height, data: c.finish(0, 0, noise, seed) };
}

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

/** A ZIP archive holding the given files, stored (not compressed). */
export function zipArchive(files: ReadonlyArray<{ name: string; content: string }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const data = Buffer.from(file.content, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
