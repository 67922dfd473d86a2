/**
 * The structure walker for each raster format, and the appended-data check built on it.
 */
import type { RasterFormat } from "../sniff";
import { walkBmp } from "./bmp";
import { walkGif } from "./gif";
import { walkIsobmff } from "./isobmff";
import { walkJpeg } from "./jpeg";
import { walkPng } from "./png";
import { walkTiff } from "./tiff";
import type { Structure } from "./types";
import { walkWebp } from "./webp";

export type { MetadataBlock, Structure } from "./types";

const WALKERS: Record<RasterFormat, (bytes: Buffer) => Structure> = {
  jpeg: walkJpeg,
  png: walkPng,
  gif: walkGif,
  webp: walkWebp,
  avif: walkIsobmff,
  tiff: walkTiff,
  bmp: walkBmp,
};

/** Walks the file as `format` requires, to its end marker. */
export function walkStructure(bytes: Buffer, format: RasterFormat): Structure {
  return WALKERS[format](bytes);
}

/** Zero bytes some writers pad a file with; tolerated after the end, up to this many. */
const MAX_ZERO_PADDING = 16;

/**
 * What follows the image's end, described, or undefined when nothing does (or only a little zero
 * padding). A JPEG with a ZIP after it is both a picture and an archive (GIFAR and the like).
 */
export function describeTrailingData(bytes: Buffer, end: number, format: RasterFormat): string | undefined {
  const trailing = bytes.subarray(end);
  if (trailing.length === 0) return undefined;
  if (trailing.length <= MAX_ZERO_PADDING && trailing.every((b) => b === 0)) return undefined;
  const preview = JSON.stringify(trailing.subarray(0, 16).toString("latin1"));
  return `${trailing.length} bytes after the end of the ${format} image at offset ${end}, starting ${preview}`;
}
