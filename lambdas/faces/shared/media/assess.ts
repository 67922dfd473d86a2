/**
 * The clean stage's decision on one stored file: reject it with a reason, or accept it as a
 * metadata-free, deterministically re-encoded JPEG with its difference hash.
 *
 * Checks run in this order and the first hit wins. The malicious reasons come first, and the
 * structural ones run before anything is decoded, so hostile bytes reach libvips only after the
 * container has been walked and found to be exactly one well-formed image:
 *   1. markup or unknown bytes: `active-content` (SVG/HTML that can run script) or `not-an-image`;
 *   2. `trailing-data`: bytes after the image's real end (found by walking its structure);
 *   3. `polyglot`: markup, script or another format's header inside the image's metadata;
 *   4. `undecodable`: the structure ends early or is broken, the header declares more than
 *      `maxImagePixels` (refused before any pixel is allocated), or libvips reports an error or
 *      warning while decoding every pixel;
 *   5. `animated`: more than one frame or page;
 *   6. `too-small`: a side under `minImageSide`;
 *   7. `extreme-aspect-ratio`: long side / short side over `maxAspectRatio`;
 *   8. `near-uniform`: greyscale standard deviation under `minLumaStdev`.
 * `near-duplicate` needs the person's other images; see findNearDuplicate.
 */
import sharp from "sharp";
import type { CleanRejection, Limits, SniffedFormat } from "../contracts";
import { findActiveContent } from "./markup";
import { differenceHash } from "./phash";
import { findEmbeddedSignature } from "./signatures";
import { isRasterFormat } from "./sniff";
import { describeTrailingData, walkStructure } from "./structure";

export type Assessment =
  | { verdict: "accept"; jpeg: Buffer; width: number; height: number; phash: string }
  | { verdict: "reject"; reason: CleanRejection; detail: string };

/**
 * libvips aborts on any decoder warning, not only on truncation ("truncated" would already catch a
 * cut-off JPEG or PNG): sharp's advice for untrusted input, and a picture with corrupt data is no
 * training image.
 */
export const FAIL_ON = "warning" as const;
/** JPEG quality of the re-encoded image. */
const JPEG_QUALITY = 90;
/** Transparent pixels are composed onto white, the usual page background, before anything is measured. */
const BACKGROUND = "#ffffff";

const reject = (reason: CleanRejection, detail: string): Assessment => ({ verdict: "reject", reason, detail });

export async function assessImage(bytes: Buffer, format: SniffedFormat, limits: Limits): Promise<Assessment> {
  // 1. Markup never reaches a decoder.
  if (format === "svg" || format === "html") {
    const active = findActiveContent(bytes);
    if (active !== undefined) return reject("active-content", `${format} document with ${active}`);
    return reject("not-an-image", `${format} document, not a raster image`);
  }
  if (!isRasterFormat(format)) return reject("not-an-image", "the bytes are in no known image format");

  // 2. Appended data, only once the real end has been found.
  const structure = walkStructure(bytes, format);
  if (structure.status === "complete") {
    const trailing = describeTrailingData(bytes, structure.end, format);
    if (trailing !== undefined) return reject("trailing-data", trailing);
  }

  // 3. Payloads inside the metadata (of as much of the file as could be walked).
  const embedded = findEmbeddedSignature(structure.metadata);
  if (embedded !== undefined) return reject("polyglot", embedded);

  // 4. A full decode, within the pixel limit.
  if (structure.status !== "complete") return reject("undecodable", structure.detail);
  const decoded = await decode(bytes, limits);
  if ("failure" in decoded) return reject("undecodable", `${format}: ${decoded.failure}`);
  const { pixels, width, height, channels, pages } = decoded;

  // 5–8. Useless for training.
  const frames = Math.max(pages, structure.frames);
  if (frames > 1) return reject("animated", `${format} with ${frames} frames`);
  if (Math.min(width, height) < limits.minImageSide) {
    return reject("too-small", `${width}×${height}, each side must be at least ${limits.minImageSide}`);
  }
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (aspect > limits.maxAspectRatio) {
    return reject(
      "extreme-aspect-ratio",
      `${width}×${height} is ${aspect.toFixed(2)}:1, over ${limits.maxAspectRatio}:1`,
    );
  }
  const stdev = lumaStandardDeviation(pixels, channels);
  if (stdev < limits.minLumaStdev) {
    return reject("near-uniform", `greyscale standard deviation ${stdev.toFixed(2)}, under ${limits.minLumaStdev}`);
  }

  const jpeg = await encodeJpeg(pixels, width, height, channels);
  return { verdict: "accept", jpeg, width, height, phash: await differenceHash(jpeg, limits.maxImagePixels) };
}

type Decoded =
  | { pixels: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4; pages: number }
  | { failure: string };

/**
 * Every pixel of the first frame, upright (EXIF orientation applied), alpha flattened, in 8-bit
 * sRGB (embedded colour profiles applied). `limitInputPixels` makes libvips refuse a header that
 * declares too many pixels before it allocates them.
 */
async function decode(bytes: Buffer, limits: Limits): Promise<Decoded> {
  const options = { failOn: FAIL_ON, limitInputPixels: Math.floor(limits.maxImagePixels), animated: false };
  try {
    const { pages = 1 } = await sharp(bytes, options).metadata();
    const { data, info } = await sharp(bytes, options)
      .autoOrient()
      .flatten({ background: BACKGROUND })
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { pixels: data, width: info.width, height: info.height, channels: info.channels, pages };
  } catch (cause) {
    return { failure: cause instanceof Error ? cause.message : String(cause) };
  }
}

/**
 * Population standard deviation of Rec. 601 luma (0–255). Computed here rather than with libvips,
 * so the measure is exactly the documented one.
 */
function lumaStandardDeviation(pixels: Buffer, channels: number): number {
  const count = Math.floor(pixels.length / channels);
  if (count === 0) return 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < count * channels; i += channels) {
    const luma =
      channels >= 3
        ? 0.299 * (pixels[i] ?? 0) + 0.587 * (pixels[i + 1] ?? 0) + 0.114 * (pixels[i + 2] ?? 0)
        : (pixels[i] ?? 0);
    sum += luma;
    sumOfSquares += luma * luma;
  }
  const mean = sum / count;
  return Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean));
}

/**
 * Baseline JPEG from the decoded pixels. Nothing of the input's metadata can survive (the encoder
 * only sees pixels), and the same pixels always give the same bytes: libjpeg-turbo's default
 * integer DCT, fixed quality and chroma subsampling. mozjpeg would be deterministic too, but slower.
 */
async function encodeJpeg(pixels: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4): Promise<Buffer> {
  try {
    return await sharp(pixels, { raw: { width, height, channels } })
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: false, chromaSubsampling: "4:2:0", progressive: false })
      .toBuffer();
  } catch (cause) {
    throw new Error(`re-encoding a decoded ${width}×${height} image as JPEG failed`, { cause });
  }
}
