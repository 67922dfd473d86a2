/**
 * Near-duplicate lookup among the images already accepted for one person, by difference hash:
 * re-encodes, resizes and small edits of one picture land within a few bits of each other.
 */
import type { Limits } from "../contracts";
import { hammingDistance } from "./phash";

const PHASH = /^[0-9a-f]{16}$/;

/**
 * The existing image whose hash is closest to `phash`, if within `limits.nearDuplicateDistance`
 * bits; the earliest in `existing` wins a tie, so the answer is stable. A malformed hash is an
 * error, not a silent miss: it means a corrupt record.
 */
export function findNearDuplicate(
  phash: string,
  existing: ReadonlyArray<{ sha256: string; phash: string }>,
  limits: Limits,
): { sha256: string; distance: number } | undefined {
  assertHash(phash, "the new image");
  let best: { sha256: string; distance: number } | undefined;
  for (const candidate of existing) {
    assertHash(candidate.phash, `image ${candidate.sha256}`);
    const distance = hammingDistance(phash, candidate.phash);
    if (distance <= limits.nearDuplicateDistance && (best === undefined || distance < best.distance)) {
      best = { sha256: candidate.sha256, distance };
    }
  }
  return best;
}

function assertHash(hash: string, owner: string): void {
  if (!PHASH.test(hash)) throw new Error(`phash of ${owner} is ${JSON.stringify(hash)}, not 16 lowercase hex digits`);
}
