/**
 * The validate stage's one question about a candidate URL, asked before anything is fetched: is it
 * safe (syntax, scheme, credentials, then where its host resolves), and what is its normalized form?
 * Lives beside the checks it combines so the wiring of a stage holds no decisions of its own.
 */

import { checkHost, checkUrl, type LookupAll, systemLookup, type UrlPolicy } from "#shared/net/url-safety";
import type { ValidateRejection } from "../contracts";

/**
 * `normalized` (WHATWG serialization without the fragment) whenever the URL parses with a safe scheme
 * and no credentials, even if its host then fails: that is what "the same URL" means for dedupe.
 */
export type SafetyVerdict =
  | { ok: true; normalized: string }
  | { ok: false; reason: ValidateRejection; detail: string; normalized?: string };

export async function assessUrl(
  raw: string,
  policy: UrlPolicy,
  lookup: LookupAll = systemLookup,
): Promise<SafetyVerdict> {
  const url = checkUrl(raw);
  if (!url.ok) return url;
  const host = await checkHost(url.url, policy, lookup);
  return host.ok ? { ok: true, normalized: url.normalized } : { ...host, normalized: url.normalized };
}
