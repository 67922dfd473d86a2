/**
 * Defence in depth for the process that decodes untrusted images: libvips can load far more than
 * the raster formats the pipeline accepts (SVG through librsvg, and whatever else the build has).
 * assessImage never hands markup to sharp, but blocking every other loader makes that hold even if
 * a caller slips. The setting is process-wide, so it is the clean handler's call, at cold start,
 * not a side effect of importing this module.
 */
import sharp from "sharp";

/** libvips buffer loaders of the raster formats sharp can decode (BMP has none in sharp's libvips). */
const RASTER_LOADERS = [
  "VipsForeignLoadJpegBuffer",
  "VipsForeignLoadPngBuffer",
  "VipsForeignLoadNsgifBuffer",
  "VipsForeignLoadWebpBuffer",
  "VipsForeignLoadHeifBuffer",
  "VipsForeignLoadTiffBuffer",
] as const;

/** Blocks every libvips loader, then allows the raster ones back. Idempotent. */
export function restrictDecoders(): void {
  sharp.block({ operation: ["VipsForeignLoad"] });
  sharp.unblock({ operation: [...RASTER_LOADERS] });
}
