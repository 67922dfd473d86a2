/**
 * validate: is a candidate URL safe to fetch, and is it new for this person? Unsafe URLs are
 * rejected with their reason, a URL seen before for the person is dropped, and every decision is
 * recorded on the URL's metadata item. Only verified, first sightings go on to `images-verified`.
 */
import { type ImageCandidate, ImageCandidateSchema, type VerifiedImage, VerifiedImageSchema } from "#faces/contracts";
import type { Sighting, UrlItem } from "#faces/metadata";
import type { SafetyVerdict } from "#faces/net/assess-url";
import { parseMessage, sha256Hex } from "#shared/message";
import type { RecordOutcome } from "#shared/outcome";

export interface ValidateDeps {
  /** Scheme, credentials and address checks of one URL (resolving its host). */
  readonly checkSafety: (url: string) => Promise<SafetyVerdict>;
  readonly recordSighting: (item: Omit<UrlItem, "firstSeenBy" | "sightings">, by: string) => Promise<Sighting>;
  readonly now: () => Date;
}

export async function validateRecord(
  value: string,
  by: string,
  deps: ValidateDeps,
): Promise<RecordOutcome<VerifiedImage>> {
  const candidate: ImageCandidate = parseMessage(ImageCandidateSchema, value);
  const safety = await deps.checkSafety(candidate.url);
  const key = safety.normalized ?? candidate.url;
  const urlHash = sha256Hex(key);
  const sighting = await deps.recordSighting(
    {
      wikidataId: candidate.wikidataId,
      urlHash,
      url: key,
      source: candidate.source,
      foundOn: candidate.foundOn,
      candidateId: candidate.candidateId,
      validation: safety.ok ? "verified" : "rejected",
      ...(safety.ok ? {} : { reason: safety.reason, detail: safety.detail }),
      verifiedAt: deps.now().toISOString(),
    },
    by,
  );
  const fields = { wikidataId: candidate.wikidataId, source: candidate.source, url: candidate.url, urlHash };
  if (sighting.kind === "already-seen") {
    return {
      outcome: "rejected",
      reason: "already-seen",
      fields: { ...fields, firstSeenBy: sighting.item.firstSeenBy },
    };
  }
  // A redelivered record repeats what its first delivery decided (and wrote).
  const item = sighting.item;
  if (item.validation === "rejected") {
    return { outcome: "rejected", reason: item.reason, fields: { ...fields, detail: item.detail } };
  }
  const verified = VerifiedImageSchema.parse({ ...candidate, url: item.url, urlHash, verifiedAt: item.verifiedAt });
  return {
    outcome: sighting.kind === "redelivery" ? "verified-again" : "verified",
    fields,
    emit: [{ key: candidate.wikidataId, value: verified }],
    value: verified,
  };
}
