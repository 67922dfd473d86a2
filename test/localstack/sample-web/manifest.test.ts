/**
 * The manifest's own consistency (totals follow from the per-candidate outcomes, every reason
 * happens, sources in order, already-seen by the URL without its fragment), and determinism in
 * seed and scale.
 */
import { CelebritySchema, REJECTIONS, WIKIDATA_ID } from "#faces/contracts";
import { countOutcomes, type Manifest, sampleManifest } from "#local/sample-web/manifest";
import { otherPortFor, type SamplePlan } from "#local/sample-web/model";
import { generateSample } from "#local/sample-web/plan";
import { buildSample } from "#local/sample-web/server";
import { sampleWebForThisFile } from "./fixture";

jest.setTimeout(90_000);

const sample = sampleWebForThisFile();
let manifest: Manifest;
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

beforeAll(() => {
  manifest = sample.web.manifest;
});

function checkInvariants(m: Manifest): void {
  const e = m.expected;
  expect(e.people).toBe(m.people.length);
  expect(m.perPerson.map((p) => p.wikidataId)).toEqual(m.people.map((p) => p.wikidataId));
  expect(e.candidates).toBe(m.perPerson.reduce((n, p) => n + p.candidates.length, 0));
  expect(e.candidates).toBe(e.verified + sum(e.validateRejected));
  expect(e.verified).toBe(e.stored + sum(e.storeRejected));
  expect(e.stored).toBe(e.clean + sum(e.cleanRejected));
  expect(e.datasetRows).toBe(e.clean);
  expect(countOutcomes(m.people.length, m.perPerson)).toEqual(e);
  for (const { candidates } of m.perPerson) {
    for (const c of candidates) {
      expect(c.download !== undefined).toBe(c.expect === "verified");
      expect(c.clean !== undefined).toBe(c.download === "stored");
      expect(c.url).not.toMatch(/^\s*data:/i);
    }
    // Every person keeps at least one picture.
    expect(candidates.some((c) => c.clean === "clean")).toBe(true);
  }
}

function reasonCounts(m: Manifest): Record<string, number> {
  return { ...m.expected.validateRejected, ...m.expected.storeRejected, ...m.expected.cleanRejected };
}

describe("the manifest at scale 1", () => {
  test("has about fifty real, well-known people with their Wikidata ids", () => {
    expect(manifest.people).toHaveLength(50);
    for (const person of manifest.people) {
      expect(CelebritySchema.parse(person)).toEqual(person);
      expect(person.wikidataId).toMatch(WIKIDATA_ID);
    }
    expect(new Set(manifest.people.map((p) => p.wikidataId)).size).toBe(50);
    expect(new Set(manifest.people.map((p) => p.name)).size).toBe(50);
    const known = Object.fromEntries(manifest.people.map((p) => [p.wikidataId, p.name]));
    expect(known).toMatchObject({
      Q42: "Douglas Adams",
      Q937: "Albert Einstein",
      Q7186: "Marie Curie",
      Q76: "Barack Obama",
      Q2831: "Michael Jackson",
    });
  });

  test("totals follow from the per-candidate outcomes", () => {
    checkInvariants(manifest);
    expect(manifest.expected.candidates).toBeGreaterThan(200);
    expect(manifest.expected.clean).toBeGreaterThan(120);
  });

  test("every rejection reason of the contract happens, several times", () => {
    const counts = reasonCounts(manifest);
    for (const reason of [...REJECTIONS.validate, ...REJECTIONS.store, ...REJECTIONS.clean]) {
      expect({ reason, atLeastTwice: (counts[reason] ?? 0) >= 2 }).toEqual({ reason, atLeastTwice: true });
    }
  });

  test("all three sources contribute, and each in the scrape stage's order", () => {
    for (const { candidates } of manifest.perPerson) {
      const order = candidates.map((c) => ["wikidata", "tmdb", "web"].indexOf(c.source));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const sources = new Set(manifest.perPerson.flatMap((p) => p.candidates.map((c) => c.source)));
    expect([...sources].sort()).toEqual(["tmdb", "web", "wikidata"]);
  });

  test("already-seen is decided by the URL without its fragment, within one person", () => {
    for (const { candidates } of manifest.perPerson) {
      const seen = new Set<string>();
      for (const c of candidates) {
        let key: string | undefined;
        try {
          const url = new URL(c.url);
          url.hash = "";
          key = url.href;
        } catch {
          key = undefined;
        }
        if (key !== undefined && seen.has(key)) expect(c.expect).toBe("already-seen");
        else expect(c.expect).not.toBe("already-seen");
        if (key !== undefined) seen.add(key);
      }
    }
  });
});

describe("determinism and scale", () => {
  const fingerprint = (p: SamplePlan) =>
    [...p.resources].map(([path, r]) => `${path} ${r.kind} ${"blob" in r ? r.blob.sha256 : ""}`).sort();
  let again: SamplePlan;
  let twice: SamplePlan;

  // A second, uncached build of scale 1 and the second block of scale 2, side by side (both cores).
  beforeAll(async () => {
    [again, twice] = await Promise.all([generateSample({ seed: 1, scale: 1 }), buildSample({ seed: 1, scale: 2 })]);
  });

  test("the same seed and scale give the same people, bytes and manifest", async () => {
    const plan = await buildSample({ seed: 1, scale: 1 });
    expect(again).not.toBe(plan);
    expect(fingerprint(again)).toEqual(fingerprint(plan));
    expect(sampleManifest(again, { origin: sample.web.url, otherPort: otherPortFor(sample.web.port) })).toEqual(
      manifest,
    );
    expect(sampleManifest(plan, { origin: sample.web.url, otherPort: otherPortFor(sample.web.port) })).toEqual(
      manifest,
    );
  });

  test("scale 2 doubles the people with generated ones and the same mix of cases", () => {
    const m = sampleManifest(twice, { origin: sample.web.url, otherPort: otherPortFor(sample.web.port) });
    expect(m.people).toHaveLength(100);
    expect(m.people.slice(0, 50)).toEqual(manifest.people);
    expect(m.people.slice(50).map((p) => p.wikidataId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `Q${90_000_001 + i}`),
    );
    expect(new Set(m.people.map((p) => p.name.toLowerCase())).size).toBe(100);
    expect(m.perPerson.slice(0, 50)).toEqual(manifest.perPerson);
    checkInvariants(m);
    const one = reasonCounts(manifest);
    const two = reasonCounts(m);
    // The second block has the same cases (only the natural repeats and near-duplicates vary a little).
    for (const reason of Object.keys(one)) {
      expect({ reason, scales: (two[reason] ?? 0) >= 2 * (one[reason] ?? 0) - 6 }).toEqual({ reason, scales: true });
    }
    expect(m.expected.candidates).toBeGreaterThan(1.6 * manifest.expected.candidates);
  });
});
