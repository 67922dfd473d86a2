/**
 * The image-content domain of the store and clean stages: what downloaded bytes are, whether they
 * are a safe and useful training image, the clean re-encoded JPEG, and near-duplicate lookup.
 */
export { type Assessment, assessImage, FAIL_ON } from "./assess";
export { restrictDecoders } from "./decoders";
export { findNearDuplicate } from "./duplicates";
export { detectMarkup, findActiveContent, rootElement } from "./markup";
export { hammingDistance } from "./phash";
export { inspectDownload, type RasterFormat } from "./sniff";
export { describeTrailingData, walkStructure } from "./structure";
