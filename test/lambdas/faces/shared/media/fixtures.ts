/**
 * Images for the media tests, generated in memory: synthetic pictures rendered pixel by pixel and
 * files assembled byte by byte, so every case is reproducible and nothing is read from disk.
 */
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { pngChunk } from "#local/sample-web/imaging";
import { storedZip } from "#local/support/zip";

// The same byte-level builders the sample web serves its bad cases with.
export { pngChunk };

/**
 * Math's functions, bound once: under jest every global lookup inside a hot loop goes through the
 * test sandbox's global object and costs microseconds, enough to make pixel loops take seconds.
 */
const { imul, max, min, round, floor, abs } = Math;

/** A small deterministic pseudo-random generator (mulberry32), so "noise" is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

function render(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Raw {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y);
      const i = (y * width + x) * 3;
      data[i] = clamp(r);
      data[i + 1] = clamp(g);
      data[i + 2] = clamp(b);
    }
  }
  return { data, width, height, channels: 3 };
}

const clamp = (v: number) => max(0, min(255, round(v)));

/** A face-like picture: a skin-coloured oval on a gradient, dark eyes, a mouth, hair, and noise. */
export function faceLike(width = 400, height = 500, seed = 1): Raw {
  const rnd = random(seed);
  const cx = width / 2;
  const cy = height * 0.52;
  return render(width, height, (x, y) => {
    const noise = (rnd() - 0.5) * 24;
    const nx = (x - cx) / (width * 0.3);
    const ny = (y - cy) / (height * 0.33);
    let colour: [number, number, number] = [60 + (120 * y) / height, 90, 150 - (80 * x) / width];
    if (ny < -0.75 && nx * nx + ny * ny < 1.5) colour = [70, 45, 30]; // hair
    if (nx * nx + ny * ny < 1) colour = [225, 180, 150]; // face
    for (const ex of [-0.38, 0.38]) {
      const dx = nx - ex;
      const dy = ny + 0.2;
      if (dx * dx + dy * dy < 0.012) colour = [35, 30, 40]; // eyes
    }
    if (abs(nx) < 0.35 && abs(ny - 0.45) < 0.05) colour = [150, 60, 60]; // mouth
    return [colour[0] + noise, colour[1] + noise, colour[2] + noise];
  });
}

/** A picture unlike faceLike: diagonal bands and bright discs on a dark ground. */
export function bandsAndDiscs(width = 400, height = 500, seed = 2): Raw {
  const rnd = random(seed);
  return render(width, height, (x, y) => {
    const noise = (rnd() - 0.5) * 24;
    const band = floor((x + 2 * y) / 60) % 2 === 0 ? 200 : 40;
    const disc = (x - 300) ** 2 + (y - 120) ** 2 < 60 ** 2 || (x - 90) ** 2 + (y - 400) ** 2 < 70 ** 2;
    const v = disc ? 250 : band;
    return [v + noise, v * 0.8 + noise, 255 - v + noise];
  });
}

/** One colour, with ±`amplitude` of noise per channel (0 for a perfectly flat picture). */
export function flat(width: number, height: number, amplitude = 0, seed = 3): Raw {
  const rnd = random(seed);
  return render(width, height, () => {
    const n = round((rnd() * 2 - 1) * amplitude);
    return [120 + n, 140 + n, 160 + n];
  });
}

/** Random noise: busy enough to never be near-uniform, at any size. */
export function noise(width: number, height: number, seed = 4): Raw {
  const rnd = random(seed);
  return render(width, height, () => [rnd() * 255, rnd() * 255, rnd() * 255]);
}

export const fromRaw = (raw: Raw) =>
  sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
export const jpegOf = (raw: Raw, quality = 90) => fromRaw(raw).jpeg({ quality }).toBuffer();
export const pngOf = (raw: Raw) => fromRaw(raw).png().toBuffer();

/** The PNG with `chunk` inserted right after IHDR (signature 8 + IHDR 25 bytes). */
export function withChunkAfterIhdr(png: Buffer, chunk: Buffer): Buffer {
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

/**
 * A PNG whose IHDR declares `width`×`height` RGB pixels, followed by a tiny IDAT: a few dozen bytes
 * that would need width × height × 3 bytes of memory to decode.
 */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The JPEG with a COM segment holding `text` right after SOI. */
export function withJpegComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, "latin1");
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

/** The GIF with a comment extension holding `text` right after the header and global colour table. */
export function withGifComment(gif: Buffer, text: string): Buffer {
  const packed = gif[10] ?? 0;
  const at = 13 + (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0);
  const body = Buffer.from(text, "latin1");
  const extension = Buffer.concat([Buffer.from([0x21, 0xfe, body.length]), body, Buffer.from([0])]);
  return Buffer.concat([gif.subarray(0, at), extension, gif.subarray(at)]);
}

/** A minimal ZIP: one stored file "a.txt" (local header, data, central directory, end record). */
export const tinyZip = (): Buffer => storedZip([{ name: "a.txt", content: "hello" }]);

/** A `frames`-frame animated GIF, each frame a different noise picture. */
export function animatedGif(width = 96, height = 96, frames = 3): Promise<Buffer> {
  const pages = Buffer.concat(Array.from({ length: frames }, (_, i) => noise(width, height, 10 + i).data));
  return sharp(pages, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif()
    .toBuffer();
}
