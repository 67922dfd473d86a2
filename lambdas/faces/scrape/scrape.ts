/**
 * scrape: for one person, the image URLs the three sources know, as `image-candidates`. A source
 * that fails for good (a 404 page, no TMDB match) is noted on the profile; one that fails for now
 * (timeouts, 5xx, 429 after retries) fails the record, so Lambda retries it rather than lose them.
 */
import { type Celebrity, CelebritySchema, type ImageCandidate } from "#faces/contracts";
import type { ProfileItem } from "#faces/metadata";
import { parseMessage } from "#shared/message";
import type { RecordOutcome } from "#shared/outcome";
import type { FindResult } from "./sources/index";

export interface ScrapeDeps {
  readonly findCandidates: (person: Celebrity) => Promise<FindResult>;
  readonly putProfile: (profile: ProfileItem) => Promise<void>;
  readonly now: () => Date;
}

class TransientSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransientSourceError";
  }
}

export async function scrapeRecord(
  value: string,
  by: string,
  deps: ScrapeDeps,
): Promise<RecordOutcome<ImageCandidate[]>> {
  const person = parseMessage(CelebritySchema, value);
  const result = await deps.findCandidates(person);
  const transient = result.sources.filter((s) => s.error?.transient);
  if (transient.length > 0) {
    throw new TransientSourceError(
      `sources failed for now: ${transient.map((s) => `${s.source}: ${s.error?.message}`).join("; ")}`,
    );
  }
  const sources = Object.fromEntries(
    result.sources.map((s) => [
      s.source,
      {
        found: s.found,
        ...(s.error ? { error: `${s.error.reason}: ${s.error.message}` } : {}),
        ...(s.skipped ? { skipped: s.skipped } : {}),
      },
    ]),
  );
  await deps.putProfile({
    wikidataId: person.wikidataId,
    name: person.name,
    occupations: person.occupations,
    candidates: result.candidates.length,
    sources,
    scrapedAt: deps.now().toISOString(),
    scrapedBy: by,
  });
  return {
    outcome: "scraped",
    fields: { wikidataId: person.wikidataId, name: person.name, candidates: result.candidates.length, sources },
    emit: result.candidates.map((c) => ({ key: person.wikidataId, value: c })),
    value: result.candidates,
  };
}
