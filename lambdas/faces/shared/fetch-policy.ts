/** The URL policy and fetcher settings every fetching stage shares, from its environment. */
import { type Limits, limitsFrom } from "./contracts";
import { createSafeFetcher, type SafeFetcher } from "./net/safe-fetch";
import type { UrlPolicy } from "./net/url-safety";

/** `URL_ALLOW_LIST`: comma-separated `host:port` entries that may be on private addresses (the sample web). */
export function urlPolicyFrom(env: NodeJS.ProcessEnv = process.env): UrlPolicy {
  const allowList = (env.URL_ALLOW_LIST ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return { allowList };
}

export function stageFetcher(
  env: NodeJS.ProcessEnv = process.env,
  limits: Limits = limitsFrom(env),
  overrides: { timeoutMs?: number; maxBytes?: number } = {},
): SafeFetcher {
  return createSafeFetcher({
    allowList: urlPolicyFrom(env).allowList,
    timeoutMs: overrides.timeoutMs ?? limits.downloadTimeoutMs,
    maxBytes: overrides.maxBytes ?? limits.maxImageBytes,
    maxRedirects: limits.maxRedirects,
  });
}
