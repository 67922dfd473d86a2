/**
 * What the sample web says each candidate must become, in the pipeline's own words: the reasons a
 * stage rejects an image, and an Outcome that every case declares where it is built.
 *
 * The sample does not borrow the vocabulary from the pipeline's code: the sample is the oracle
 * the pipeline is checked against, so it owns its words, and a unit test holds them equal to the
 * contract's (test/localstack/sample-web/declarations.test.ts).
 */

export const SOURCE_KINDS = ["wikidata", "tmdb", "web"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The rejection reasons of each stage, in the contract's order. */
export const REASONS = {
  validate: [
    "invalid-url",
    "unsafe-scheme",
    "credentials-in-url",
    "private-address",
    "unresolvable-host",
    "already-seen",
  ],
  store: [
    "unsafe-redirect",
    "too-many-redirects",
    "http-error",
    "timeout",
    "too-large",
    "decompression-bomb",
    "duplicate-image",
  ],
  clean: [
    "not-an-image",
    "active-content",
    "polyglot",
    "trailing-data",
    "undecodable",
    "animated",
    "too-small",
    "extreme-aspect-ratio",
    "near-uniform",
    "near-duplicate",
  ],
} as const;

export type ValidateRejection = (typeof REASONS.validate)[number];
export type StoreRejection = (typeof REASONS.store)[number];
export type CleanRejection = (typeof REASONS.clean)[number];

/**
 * Where a candidate ends: rejected by one stage for one reason (`{ store: "timeout" }`), or
 * `"clean"`: verified, stored, kept, and a row of the dataset.
 */
export type Outcome = "clean" | { validate: ValidateRejection } | { store: StoreRejection } | { clean: CleanRejection };

/**
 * A URL in a source that is no candidate at all: the scrape stage reports a URL once per source and
 * person, so a repeat within the same source (a srcset naming its src again) is not reported.
 */
export const NOT_A_CANDIDATE = "not-a-candidate";

/** What a URL in a source is declared to yield. */
export type Declared = Outcome | typeof NOT_A_CANDIDATE;
