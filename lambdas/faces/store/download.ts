import type { StoreRejection } from "#faces/contracts";
import { FetchFailure } from "#shared/net/fetch-failure";
import type { SafeFetcher } from "#shared/net/safe-fetch";
import type { Download } from "./store";

const STORE_REASONS = new Set<string>(["unsafe-redirect", "too-many-redirects", "http-error", "timeout", "too-large"]);

/**
 * A download's outcome in the store stage's terms. The fetcher has already retried what was worth
 * retrying, so a failure here is final for this URL. An address check failing on the URL itself
 * means its host resolves elsewhere than when it was validated: the download was sent somewhere
 * unsafe, reported as `unsafe-redirect`. Other errors (bugs, S3) are thrown and fail the record.
 */
export async function downloadImage(http: Pick<SafeFetcher, "fetchBytes">, url: string): Promise<Download> {
  try {
    const result = await http.fetchBytes(url);
    return { ok: true, body: result.body, finalUrl: result.url, redirects: result.redirects.length };
  } catch (error) {
    if (!(error instanceof FetchFailure)) throw error;
    const detail = [error.message, error.detail].filter(Boolean).join(": ");
    if (STORE_REASONS.has(error.reason)) return { ok: false, reason: error.reason as StoreRejection, detail };
    if (error.reason === "network-error" || error.reason === "invalid-response") {
      return { ok: false, reason: "http-error", detail };
    }
    return { ok: false, reason: "unsafe-redirect", detail: `${error.reason} at download time: ${detail}` };
  }
}
