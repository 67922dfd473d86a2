/**
 * The pipeline's thresholds as the sample web assumes them when it builds a case on one side of a
 * rule (a download too large, a header declaring too many pixels, a chain of too many redirects).
 * The sample keeps its own copy on purpose, so that a rule changed in the pipeline fails a test
 * (test/localstack/sample-web/declarations.test.ts holds these equal to the product's) instead of
 * moving the expectation along with it.
 */
export const ASSUMED_LIMITS = {
  /** MAX_IMAGE_BYTES. */
  maxImageBytes: 10 * 1024 * 1024,
  /** MAX_IMAGE_PIXELS. */
  maxImagePixels: 40_000_000,
  /** MAX_REDIRECTS. */
  maxRedirects: 5,
  /** MIN_IMAGE_SIDE. */
  minImageSide: 64,
  /** MAX_ASPECT_RATIO. */
  maxAspectRatio: 3,
  /** NEAR_DUPLICATE_DISTANCE: at most this many differing difference-hash bits is a near-duplicate. */
  nearDuplicateDistance: 10,
  /** DOWNLOAD_TIMEOUT_MS as the local deploy sets it for the sample web (not the product's default). */
  downloadTimeoutMs: 4000,
} as const;
