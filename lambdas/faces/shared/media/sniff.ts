/**
 * What a download is, told from its bytes alone (never its file name or the server's Content-Type),
 * and whether its header already gives it away as a decompression bomb. Used by the store stage,
 * which must not decode images: dimensions come from the header only.
 */
import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";
import type { Limits, SniffedFormat, StoreRejection } from "../contracts";
import { RASTER_FORMATS } from "../contracts";
import { detectMarkup } from "./markup";

export type RasterFormat = (typeof RASTER_FORMATS)[number];

type DownloadVerdict =
  | { ok: true; format: SniffedFormat; contentType: string; width?: number; height?: number }
  | { ok: false; reason: Extract<StoreRejection, "decompression-bomb">; detail: string };

/** The type stored objects get: an image type for rasters, never one a browser would execute for the rest. */
const CONTENT_TYPES: Record<SniffedFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  tiff: "image/tiff",
  bmp: "image/bmp",
  svg: "application/octet-stream",
  html: "application/octet-stream",
  unknown: "application/octet-stream",
};

/** file-type's extensions for the raster formats the contract knows (an animated PNG is still a PNG). */
const RASTER_BY_EXTENSION: Readonly<Record<string, RasterFormat>> = {
  jpg: "jpeg",
  png: "png",
  apng: "png",
  gif: "gif",
  webp: "webp",
  avif: "avif",
  tif: "tiff",
  bmp: "bmp",
};

export function isRasterFormat(format: SniffedFormat): format is RasterFormat {
  return (RASTER_FORMATS as readonly string[]).includes(format);
}

/** The format by magic bytes: a raster format file-type recognises, else SVG or HTML markup, else unknown. */
async function sniffFormat(bytes: Buffer): Promise<SniffedFormat> {
  const detected = await fileTypeFromBuffer(bytes);
  const raster = detected === undefined ? undefined : RASTER_BY_EXTENSION[detected.ext];
  if (raster !== undefined) return raster;
  return detectMarkup(bytes) ?? "unknown";
}

/**
 * Width and height as the header declares them, without decoding; undefined when the header cannot
 * be read (a truncated file: the clean stage rejects it as undecodable).
 */
function headerDimensions(bytes: Buffer): { width: number; height: number } | undefined {
  try {
    const { width, height } = imageSize(bytes);
    if (Number.isSafeInteger(width) && Number.isSafeInteger(height) && width > 0 && height > 0) {
      return { width, height };
    }
  } catch {
    // Unreadable header: reported as no dimensions, by design.
  }
  return undefined;
}

/**
 * The store stage's verdict on downloaded bytes: format and the content type to store them under,
 * plus header dimensions for rasters; `decompression-bomb` when the header declares more than
 * `limits.maxImagePixels` pixels (a few hundred bytes can declare gigabytes of pixels).
 */
export async function inspectDownload(bytes: Buffer, limits: Limits): Promise<DownloadVerdict> {
  const format = await sniffFormat(bytes);
  const contentType = CONTENT_TYPES[format];
  if (!isRasterFormat(format)) return { ok: true, format, contentType };
  const size = headerDimensions(bytes);
  if (size === undefined) return { ok: true, format, contentType };
  const pixels = size.width * size.height;
  if (pixels > limits.maxImagePixels) {
    return {
      ok: false,
      reason: "decompression-bomb",
      detail: `${format} header declares ${size.width}×${size.height} = ${pixels} pixels, over the limit of ${limits.maxImagePixels}`,
    };
  }
  return { ok: true, format, contentType, width: size.width, height: size.height };
}
