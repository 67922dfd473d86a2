/** The fetcher every fetching stage builds from its settings: the allow list and the fetch limits. */
import type { Limits } from "./contracts";
import { createSafeFetcher, type SafeFetcher } from "./net/safe-fetch";
import type { UrlPolicy } from "./net/url-safety";

export function stageFetcher(
  policy: UrlPolicy,
  limits: Pick<Limits, "downloadTimeoutMs" | "maxImageBytes" | "maxRedirects">,
): SafeFetcher {
  return createSafeFetcher({
    allowList: policy.allowList,
    timeoutMs: limits.downloadTimeoutMs,
    maxBytes: limits.maxImageBytes,
    maxRedirects: limits.maxRedirects,
  });
}
