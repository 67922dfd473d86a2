/**
 * The sample web declares what each of its cases must yield, without borrowing a line of the
 * pipeline's code. This checks those declarations against the product, in the right direction (the
 * test imports the pipeline, the sample does not): the sample's words and thresholds are the
 * contract's, its picture fingerprint is the pipeline's difference hash, and the pipeline's own
 * stage functions, run in this process over the sample web, reach exactly the declared outcome of
 * every candidate.
 */
import { LIMITS, REJECTIONS, SOURCE_KINDS } from "#faces/contracts";
import { differenceHash, hammingDistance } from "#faces/media/phash";
import { sourceSetup } from "#lib/sources";
import { bitsApart, fingerprint } from "#local/sample-web/fingerprint";
import type { ExpectedCandidate } from "#local/sample-web/manifest";
import { REASONS, SOURCE_KINDS as SAMPLE_SOURCE_KINDS } from "#local/sample-web/outcome";
import { ASSUMED_LIMITS } from "#local/sample-web/thresholds";
import { sampleWebForThisFile } from "./fixture";
import { runProductStages } from "./product-stages";
import { download, mapLimit } from "./support";

jest.setTimeout(120_000);

const sample = sampleWebForThisFile();

/** A manifest entry as `clean` or `stage/reason`, the way the end-to-end test reads it. */
const declared = (c: ExpectedCandidate): string =>
  c.expect !== "verified"
    ? `validate/${c.expect}`
    : c.download !== "stored"
      ? `store/${c.download}`
      : c.clean === "clean"
        ? "clean"
        : `clean/${c.clean}`;

describe("the sample's own words and numbers", () => {
  test("are the contract's: sources and rejection reasons of every stage, in order", () => {
    expect(SAMPLE_SOURCE_KINDS).toEqual(SOURCE_KINDS);
    expect(REASONS).toEqual(REJECTIONS);
  });

  test("are the pipeline's thresholds, and the local deploy's download deadline", () => {
    const { downloadTimeoutMs, ...limits } = ASSUMED_LIMITS;
    expect(limits).toEqual({
      maxImageBytes: LIMITS.maxImageBytes,
      maxImagePixels: LIMITS.maxImagePixels,
      maxRedirects: LIMITS.maxRedirects,
      minImageSide: LIMITS.minImageSide,
      maxAspectRatio: LIMITS.maxAspectRatio,
      nearDuplicateDistance: LIMITS.nearDuplicateDistance,
    });
    expect(downloadTimeoutMs).toBe(sourceSetup({ sources: "sample", sampleWebUrl: sample.web.url }).downloadTimeoutMs);
  });

  test("the picture fingerprint is the pipeline's difference hash, bit for bit", async () => {
    const stored = sample.web.manifest.perPerson
      .flatMap((p) => p.candidates.filter((c) => c.clean === "clean"))
      .slice(0, 60);
    const bytes = await mapLimit(stored, 8, (c) => download(c.url));
    const ours = await Promise.all(bytes.map((b) => fingerprint(b, LIMITS.maxImagePixels)));
    const theirs = await Promise.all(bytes.map((b) => differenceHash(b, LIMITS.maxImagePixels)));
    expect(ours).toEqual(theirs);
    for (let i = 1; i < ours.length; i++) {
      const [a, b] = [ours[i - 1] ?? "", ours[i] ?? ""];
      expect(bitsApart(a, b)).toBe(hammingDistance(a, b));
    }
  });
});

describe("the pipeline's stages, run in process over the sample web", () => {
  test("reach exactly the outcome every case declares, candidate by candidate", async () => {
    const reached = await runProductStages(sample.web.manifest, sample.web.url);
    const mismatches: string[] = [];
    sample.web.manifest.perPerson.forEach(({ wikidataId, candidates }, p) => {
      candidates.forEach((c, i) => {
        const got = reached[p]?.[i];
        if (got !== declared(c))
          mismatches.push(`${wikidataId} ${c.case} ${c.url}: declared ${declared(c)}, got ${got}`);
      });
    });
    expect(mismatches).toEqual([]);
    expect(reached.flat()).toHaveLength(sample.web.manifest.expected.candidates);
  });
});
