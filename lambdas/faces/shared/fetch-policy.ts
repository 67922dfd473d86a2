/** The fetcher every fetching stage builds from its settings: the allow list, the fetch limits and its politeness. */

import { createSafeFetcher, type SafeFetcher } from "#shared/net/safe-fetch";
import type { UrlPolicy } from "#shared/net/url-safety";
import type { Limits } from "./contracts";

export function stageFetcher(
  policy: UrlPolicy,
  limits: Pick<
    Limits,
    "downloadTimeoutMs" | "maxImageBytes" | "maxRedirects" | "hostRequestsPerSecond" | "hostConcurrency"
  >,
  options: { readonly retryTimeouts?: boolean } = {},
): SafeFetcher {
  return createSafeFetcher({
    allowList: policy.allowList,
    timeoutMs: limits.downloadTimeoutMs,
    maxBytes: limits.maxImageBytes,
    maxRedirects: limits.maxRedirects,
    perHostRequestsPerSecond: limits.hostRequestsPerSecond,
    perHostConcurrency: limits.hostConcurrency,
    ...options,
  });
}
