/**
 * The outcome the pipeline must reach for every candidate the sample web hands it, and the totals.
 *
 * Nothing here decides an outcome: every case declares the outcome it is built to produce where it
 * is built (cases/), the manifest collects those declarations in the order the scrape stage reports
 * the candidates, and the totals are counted from that list. No rule of the pipeline is replayed,
 * so a wrong rule in the pipeline cannot also make the expectation wrong.
 */
import { emittedCandidates, type SamplePlan, type UrlContext } from "./model";
import {
  type CleanRejection,
  type Outcome,
  REASONS,
  type SourceKind,
  type StoreRejection,
  type ValidateRejection,
} from "./outcome";
import type { SamplePerson } from "./people";

export interface ExpectedCandidate {
  source: SourceKind;
  url: string;
  /** What the validate stage decides. */
  expect: "verified" | ValidateRejection;
  /** What the store stage decides (verified candidates only). */
  download?: "stored" | StoreRejection;
  /** What the clean stage decides (stored images only). */
  clean?: "clean" | CleanRejection;
  /** Which case of the sample this candidate exercises (for humans reading a failure). */
  case: string;
}

export interface ExpectedCounts {
  people: number;
  /** Every candidate the scrape stage emits, repeats included, data: URIs excluded. */
  candidates: number;
  verified: number;
  validateRejected: Record<ValidateRejection, number>;
  stored: number;
  storeRejected: Record<StoreRejection, number>;
  clean: number;
  cleanRejected: Record<CleanRejection, number>;
  datasetRows: number;
}

/** A person as the pipeline's `celebrities` topic carries it. */
export type ManifestPerson = Pick<SamplePerson, "wikidataId" | "name" | "occupations">;

export interface Manifest {
  /** The sample web's origin the URLs below were made for. */
  origin: string;
  seed: number;
  scale: number;
  people: ManifestPerson[];
  expected: ExpectedCounts;
  perPerson: Array<{ wikidataId: string; candidates: ExpectedCandidate[] }>;
}

/** A declared outcome in the manifest's per-stage fields. */
function stageFields(outcome: Outcome): Pick<ExpectedCandidate, "expect" | "download" | "clean"> {
  if (outcome === "clean") return { expect: "verified", download: "stored", clean: "clean" };
  if ("validate" in outcome) return { expect: outcome.validate };
  if ("store" in outcome) return { expect: "verified", download: outcome.store };
  return { expect: "verified", download: "stored", clean: outcome.clean };
}

/** The manifest of a plan served at `ctx.origin`: its declarations, collected. */
export function sampleManifest(plan: SamplePlan, ctx: UrlContext): Manifest {
  const perPerson = plan.people.map((personPlan) => ({
    wikidataId: personPlan.person.wikidataId,
    candidates: emittedCandidates(personPlan, ctx).map(
      ({ source, url, case: caseName, outcome }): ExpectedCandidate => ({
        source,
        url,
        ...stageFields(outcome),
        case: caseName,
      }),
    ),
  }));
  const people = plan.people.map(({ person }) => ({
    wikidataId: person.wikidataId,
    name: person.name,
    occupations: [...person.occupations],
  }));
  return {
    origin: new URL(ctx.origin).origin,
    seed: plan.seed,
    scale: plan.scale,
    people,
    expected: countOutcomes(people.length, perPerson),
    perPerson,
  };
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** The totals, counted from the per-candidate outcomes. */
export function countOutcomes(people: number, perPerson: Manifest["perPerson"]): ExpectedCounts {
  const counts: ExpectedCounts = {
    people,
    candidates: 0,
    verified: 0,
    validateRejected: zeros(REASONS.validate),
    stored: 0,
    storeRejected: zeros(REASONS.store),
    clean: 0,
    cleanRejected: zeros(REASONS.clean),
    datasetRows: 0,
  };
  for (const { candidates } of perPerson) {
    for (const c of candidates) {
      counts.candidates++;
      if (c.expect !== "verified") {
        counts.validateRejected[c.expect]++;
        continue;
      }
      counts.verified++;
      if (c.download === undefined) throw new Error(`${c.url}: verified without a download outcome`);
      if (c.download !== "stored") {
        counts.storeRejected[c.download]++;
        continue;
      }
      counts.stored++;
      if (c.clean === undefined) throw new Error(`${c.url}: stored without a clean outcome`);
      if (c.clean !== "clean") {
        counts.cleanRejected[c.clean]++;
        continue;
      }
      counts.clean++;
    }
  }
  counts.datasetRows = counts.clean;
  return counts;
}
