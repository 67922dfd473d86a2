/**
 * The image-content domain of the store and clean stages: what downloaded bytes are, whether they
 * are a safe and useful training image, the clean re-encoded JPEG, and near-duplicate lookup.
 */
export { type Assessment, assessImage, FAIL_ON, JPEG_QUALITY, lumaStandardDeviation } from "./assess";
export { restrictDecoders } from "./decoders";
export { findNearDuplicate } from "./duplicates";
export { decodeText, detectMarkup, findActiveContent, type Markup, rootElement } from "./markup";
export { differenceHash, hammingDistance } from "./phash";
export { findEmbeddedSignature } from "./signatures";
export {
  CONTENT_TYPES,
  type DownloadVerdict,
  headerDimensions,
  inspectDownload,
  isRasterFormat,
  type RasterFormat,
  sniffFormat,
} from "./sniff";
export { describeTrailingData, MAX_ZERO_PADDING, type MetadataBlock, type Structure, walkStructure } from "./structure";
