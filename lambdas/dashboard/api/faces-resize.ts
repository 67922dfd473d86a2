/**
 * The thumbnails' resizer, in JavaScript: jpeg-js decodes the clean JPEG (the clean stage writes only baseline
 * JPEGs), an area average scales it to the asked width, jpeg-js encodes it. Pure JavaScript because the dashboard
 * function's bundle has no native modules (sharp would need its layer there). A clean image is never enlarged:
 * one already narrow enough comes back as it is.
 */
import jpeg from "jpeg-js";

const THUMBNAIL_JPEG_QUALITY = 78;
/** Refuse to decode more than this (a clean image is far smaller; this bounds the function's memory). */
const MAX_DECODE_MEGAPIXELS = 40;
const MAX_DECODE_MEMORY_MB = 256;

export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Scales RGBA pixels down to `width` by averaging each output pixel's footprint (a box filter). */
export function scaleDown(image: Rgba, width: number): Rgba {
  const height = Math.max(1, Math.round((image.height * width) / image.width));
  const out = new Uint8Array(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      const sum = [0, 0, 0, 0];
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * image.width + xx) * 4;
          for (let c = 0; c < 4; c++) sum[c] = (sum[c] ?? 0) + (image.data[i + c] ?? 0);
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round((sum[c] ?? 0) / n);
    }
  }
  return { width, height, data: out };
}

/** A JPEG of `image` no wider than `width`. */
export async function resizeJpeg(image: Uint8Array, width: number): Promise<Buffer> {
  let decoded: Rgba;
  try {
    decoded = jpeg.decode(image, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_DECODE_MEGAPIXELS,
      maxMemoryUsageInMB: MAX_DECODE_MEMORY_MB,
    });
  } catch (error) {
    throw new Error("cannot decode the clean image as a JPEG", { cause: error });
  }
  if (decoded.width <= width) return Buffer.from(image);
  const scaled = scaleDown(decoded, width);
  return jpeg.encode({ ...scaled, data: Buffer.from(scaled.data.buffer) }, THUMBNAIL_JPEG_QUALITY).data;
}
