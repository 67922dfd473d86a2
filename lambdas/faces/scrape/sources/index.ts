/**
 * Finds image candidates for one person from every source at once. Sources are independent: one
 * failing (or not configured) costs only its own results, and the outcome says which ran, what each
 * found and why any failed, so the handler can publish what was found and decide whether the record
 * is worth retrying.
 */
import { createHash } from "node:crypto";
import type { Celebrity, ImageCandidate, SourceKind } from "#faces/contracts";
import { FetchFailure } from "#shared/net/fetch-failure";
import { tmdbSource } from "./tmdb";
import { type Found, type Source, type SourceDeps, SourceError } from "./types";
import { webSource } from "./web";
import { wikidataSource } from "./wikidata";

export { type SourceConfig, sourceConfigOf } from "./config";

/** In this order: the output is wikidata's candidates, then tmdb's, then web's. */
const SOURCES: ReadonlyArray<readonly [SourceKind, Source]> = [
  ["wikidata", wikidataSource],
  ["tmdb", tmdbSource],
  ["web", webSource],
];

/** The contract's limit on `url` and `foundOn`: longer ones cannot be published. */
const MAX_URL_LENGTH = 4096;

export interface SourceFailure {
  /** A FetchFailure reason (`http-error`, `timeout`, …), `invalid-response`, `api-error` or `unexpected`. */
  reason: string;
  message: string;
  /** Trying again later may work (timeouts, network errors, 429, 5xx). */
  transient: boolean;
}

export interface SourceSummary {
  source: SourceKind;
  found: number;
  error?: SourceFailure;
  /** Why the source did not run at all (not a failure). */
  skipped?: string;
}

export interface FindResult {
  candidates: ImageCandidate[];
  sources: SourceSummary[];
}

/** `sha256(wikidataId \n source \n foundOn \n url)` in hex: the same discovery always gets the same id. */
export function candidateId(wikidataId: string, source: SourceKind, foundOn: string, url: string): string {
  return createHash("sha256").update(`${wikidataId}\n${source}\n${foundOn}\n${url}`, "utf8").digest("hex");
}

export async function findCandidates(person: Celebrity, deps: SourceDeps): Promise<FindResult> {
  const outcomes = await Promise.all(
    SOURCES.map(async ([source, run]) => {
      try {
        return { source, outcome: await run(person, deps) };
      } catch (error) {
        return { source, error: describeSourceError(error) };
      }
    }),
  );

  const foundAt = deps.now().toISOString();
  const candidates: ImageCandidate[] = [];
  const sources: SourceSummary[] = [];
  for (const { source, outcome, error } of outcomes) {
    if (error) {
      sources.push({ source, found: 0, error });
      continue;
    }
    if (!outcome || "skipped" in outcome) {
      sources.push({ source, found: 0, skipped: outcome?.skipped ?? "did not run" });
      continue;
    }
    const kept = firstDistinct(outcome.found, deps.config.maxImagesPerSource);
    for (const { url, foundOn } of kept) {
      candidates.push({
        candidateId: candidateId(person.wikidataId, source, foundOn, url),
        wikidataId: person.wikidataId,
        name: person.name,
        source,
        url,
        foundOn,
        foundAt,
      });
    }
    sources.push({ source, found: kept.length });
  }
  return { candidates, sources };
}

/** Up to `max` finds, first occurrence of each URL kept, publishable lengths only. */
function firstDistinct(found: readonly Found[], max: number): Found[] {
  const seen = new Set<string>();
  const kept: Found[] = [];
  for (const item of found) {
    if (kept.length >= max) break;
    if (seen.has(item.url) || item.url.length > MAX_URL_LENGTH || item.foundOn.length > MAX_URL_LENGTH) continue;
    seen.add(item.url);
    kept.push(item);
  }
  return kept;
}

/** A thrown error as a summary entry; the error's own reason and transience when it has them. */
export function describeSourceError(error: unknown): SourceFailure {
  if (error instanceof FetchFailure) {
    const message = error.detail ? `${error.message} (${error.detail})` : error.message;
    return { reason: error.reason, message, transient: error.transient };
  }
  if (error instanceof SourceError) return { reason: error.reason, message: error.message, transient: error.transient };
  return { reason: "unexpected", message: error instanceof Error ? error.message : String(error), transient: false };
}

/**
 * Whether an error (thrown, or a summary's `error`) may go away on a later try. Unknown errors are
 * treated as permanent: retrying a bug only repeats it.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof FetchFailure || error instanceof SourceError) return error.transient;
  return typeof error === "object" && error !== null && (error as { transient?: unknown }).transient === true;
}

/** True when some source failed transiently: the record is worth retrying (ids are stable, so re-sends dedupe). */
export function hasTransientFailure(result: FindResult): boolean {
  return result.sources.some((s) => s.error?.transient === true);
}
