/**
 * Settings more than one face stage reads: the metadata table, the URL allow list of the stages that
 * check or fetch URLs, and the overridable decision thresholds. Declared once here so every stage's
 * settings module composes the same names, and the stack spells them only through those modules.
 */
import { type EnvironmentOf, envList, envPositiveNumber, envString } from "#shared/settings";
import { LIMITS, type Limits } from "./contracts";

/** The single-table metadata store (`metadata.ts`). */
export const METADATA_SETTINGS = { METADATA_TABLE: envString };

/** Comma-separated `host:port` entries that may be on private addresses (the sample web); see `UrlPolicy`. */
export const URL_POLICY_SETTINGS = { URL_ALLOW_LIST: envList };

/** How the stages that fetch are bounded; the names of `LIMITS`' fetch thresholds. */
export const FETCH_LIMIT_SETTINGS = {
  MAX_IMAGE_BYTES: envPositiveNumber.default(LIMITS.maxImageBytes),
  DOWNLOAD_TIMEOUT_MS: envPositiveNumber.default(LIMITS.downloadTimeoutMs),
  MAX_REDIRECTS: envPositiveNumber.default(LIMITS.maxRedirects),
  HOST_REQUESTS_PER_SECOND: envPositiveNumber.default(LIMITS.hostRequestsPerSecond),
  HOST_CONCURRENCY: envPositiveNumber.default(LIMITS.hostConcurrency),
};

/** Every threshold of `LIMITS`, each overridable by the variable named here. */
export const LIMIT_SETTINGS = {
  ...FETCH_LIMIT_SETTINGS,
  MAX_IMAGE_PIXELS: envPositiveNumber.default(LIMITS.maxImagePixels),
  MIN_IMAGE_SIDE: envPositiveNumber.default(LIMITS.minImageSide),
  MAX_ASPECT_RATIO: envPositiveNumber.default(LIMITS.maxAspectRatio),
  MIN_LUMA_STDEV: envPositiveNumber.default(LIMITS.minLumaStdev),
  NEAR_DUPLICATE_DISTANCE: envPositiveNumber.default(LIMITS.nearDuplicateDistance),
};

type Parsed<Shape> = { readonly [K in keyof Shape]: number };

export function limitsOf(s: Parsed<typeof LIMIT_SETTINGS>): Limits {
  return {
    maxImageBytes: s.MAX_IMAGE_BYTES,
    maxImagePixels: s.MAX_IMAGE_PIXELS,
    downloadTimeoutMs: s.DOWNLOAD_TIMEOUT_MS,
    maxRedirects: s.MAX_REDIRECTS,
    hostRequestsPerSecond: s.HOST_REQUESTS_PER_SECOND,
    hostConcurrency: s.HOST_CONCURRENCY,
    minImageSide: s.MIN_IMAGE_SIDE,
    maxAspectRatio: s.MAX_ASPECT_RATIO,
    minLumaStdev: s.MIN_LUMA_STDEV,
    nearDuplicateDistance: s.NEAR_DUPLICATE_DISTANCE,
  };
}

/** What the stack tells a stage that checks or fetches URLs. */
export interface FetchEnvironmentProps {
  /** `host:port` entries that may resolve to private addresses. */
  readonly urlAllowList: readonly string[];
  /** @default LIMITS.downloadTimeoutMs */
  readonly downloadTimeoutMs?: number;
  /** @default LIMITS.hostRequestsPerSecond and LIMITS.hostConcurrency */
  readonly politeness?: Politeness;
}

/** How hard one sandbox may use one host. */
export interface Politeness {
  readonly hostRequestsPerSecond: number;
  readonly hostConcurrency: number;
}

export function fetchEnvironment(
  props: FetchEnvironmentProps,
): EnvironmentOf<typeof URL_POLICY_SETTINGS & typeof FETCH_LIMIT_SETTINGS> {
  return {
    URL_ALLOW_LIST: props.urlAllowList.join(","),
    ...(props.downloadTimeoutMs === undefined ? {} : { DOWNLOAD_TIMEOUT_MS: String(props.downloadTimeoutMs) }),
    ...(props.politeness === undefined
      ? {}
      : {
          HOST_REQUESTS_PER_SECOND: String(props.politeness.hostRequestsPerSecond),
          HOST_CONCURRENCY: String(props.politeness.hostConcurrency),
        }),
  };
}
