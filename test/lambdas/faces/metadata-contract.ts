/**
 * What the metadata table promises under Kafka's at-least-once delivery, written once as data and
 * run against every implementation: the DynamoDB one (`#faces/metadata`, on the deployed table, in
 * test/integration) and the in-memory fake the stage tests use (`MemoryMetadata`). If the fake
 * drifts from DynamoDB's conditional writes, the same case fails on one side only.
 */
import {
  type CleanVerdict,
  cleanHashes,
  getImage,
  type ImageItem,
  markCleaned,
  putImage,
  recordDownload,
  recordSighting,
  type Table,
  type UrlItem,
} from "#faces/metadata";

type Bound<F> = F extends (table: Table, ...args: infer A) => infer R ? (...args: A) => R : never;

/** The metadata operations with their table bound, as the stages' dependencies receive them. */
export interface Metadata {
  readonly recordSighting: Bound<typeof recordSighting>;
  readonly recordDownload: Bound<typeof recordDownload>;
  readonly putImage: Bound<typeof putImage>;
  readonly getImage: Bound<typeof getImage>;
  readonly markCleaned: Bound<typeof markCleaned>;
  readonly cleanHashes: Bound<typeof cleanHashes>;
}

export function dynamoMetadata(table: Table): Metadata {
  return {
    recordSighting: (...args) => recordSighting(table, ...args),
    recordDownload: (...args) => recordDownload(table, ...args),
    putImage: (...args) => putImage(table, ...args),
    getImage: (...args) => getImage(table, ...args),
    markCleaned: (...args) => markCleaned(table, ...args),
    cleanHashes: (...args) => cleanHashes(table, ...args),
  };
}

export interface MetadataFixture {
  readonly metadata: Metadata;
  /** Removes what the suite wrote for these people. */
  readonly cleanup?: (wikidataIds: readonly string[]) => Promise<void>;
}

const URL_1 = "1".repeat(64);
const URL_2 = "2".repeat(64);
const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const SHA_C = "c".repeat(64);
const CLEAN_A: CleanVerdict = {
  status: "clean",
  phash: "00000000000000ff",
  cleanKey: `clean/${SHA_A}.jpg`,
  cleanWidth: 400,
  cleanHeight: 500,
  cleanBytes: 31_000,
};
const CLEAN_B: CleanVerdict = { ...CLEAN_A, phash: "0f0f0f0f0f0f0f0f", cleanKey: `clean/${SHA_B}.jpg` };
const TOO_SMALL: CleanVerdict = { status: "rejected", reason: "too-small", detail: "32x32", phash: "ffffffffffffffff" };

type Step =
  | {
      readonly op: "recordSighting";
      readonly url: string;
      readonly by: string;
      readonly expect: {
        kind: "first" | "redelivery" | "already-seen";
        firstSeenBy: string;
        sightings: string[];
        download?: string;
      };
    }
  | {
      readonly op: "recordDownload";
      readonly url: string;
      readonly outcome: Parameters<Metadata["recordDownload"]>[2];
      readonly expect: "written" | "fails";
    }
  | {
      readonly op: "putImage";
      readonly sha: string;
      readonly by: string;
      readonly expect: { kind: "first" | "redelivery" | "duplicate"; storedBy: string; status: string };
    }
  | { readonly op: "getImage"; readonly sha: string; readonly expect: Partial<ImageItem> | "absent" }
  | {
      readonly op: "markCleaned";
      readonly sha: string;
      readonly verdict: CleanVerdict;
      readonly by: string;
      readonly expect: { written: boolean; status: string; cleanedBy: string } | "fails";
    }
  | { readonly op: "cleanHashes"; readonly expect: Array<{ sha256: string; phash: string }> };

/** Each case runs on a person of its own, so cases never see each other's items. */
const METADATA_CASES: ReadonlyArray<{ readonly name: string; readonly steps: readonly Step[] }> = [
  {
    name: "the first sighting of a URL wins; another record carrying it is told it was already seen",
    steps: [
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-0-1",
        expect: { kind: "first", firstSeenBy: "t-0-1", sightings: ["t-0-1"] },
      },
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-1-7",
        expect: { kind: "already-seen", firstSeenBy: "t-0-1", sightings: ["t-0-1", "t-1-7"] },
      },
    ],
  },
  {
    name: "a redelivered sighting is recognised as a repeat and adds no sighting",
    steps: [
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-0-1",
        expect: { kind: "first", firstSeenBy: "t-0-1", sightings: ["t-0-1"] },
      },
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-0-1",
        expect: { kind: "redelivery", firstSeenBy: "t-0-1", sightings: ["t-0-1"] },
      },
    ],
  },
  {
    name: "one person's URLs are independent of each other",
    steps: [
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-0-1",
        expect: { kind: "first", firstSeenBy: "t-0-1", sightings: ["t-0-1"] },
      },
      {
        op: "recordSighting",
        url: URL_2,
        by: "t-0-2",
        expect: { kind: "first", firstSeenBy: "t-0-2", sightings: ["t-0-2"] },
      },
    ],
  },
  {
    name: "a download outcome lands on a URL already sighted, and only on one",
    steps: [
      {
        op: "recordDownload",
        url: URL_2,
        outcome: { download: "rejected", reason: "timeout", detail: "10 s" },
        expect: "fails",
      },
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-0-1",
        expect: { kind: "first", firstSeenBy: "t-0-1", sightings: ["t-0-1"] },
      },
      { op: "recordDownload", url: URL_1, outcome: { download: "stored", sha256: SHA_A }, expect: "written" },
      {
        op: "recordSighting",
        url: URL_1,
        by: "t-0-1",
        expect: { kind: "redelivery", firstSeenBy: "t-0-1", sightings: ["t-0-1"], download: "stored" },
      },
    ],
  },
  {
    name: "the first image with given bytes wins; its redelivery is a repeat, the same bytes from another record a duplicate",
    steps: [
      { op: "getImage", sha: SHA_A, expect: "absent" },
      { op: "putImage", sha: SHA_A, by: "s-0-1", expect: { kind: "first", storedBy: "s-0-1", status: "stored" } },
      { op: "putImage", sha: SHA_A, by: "s-0-1", expect: { kind: "redelivery", storedBy: "s-0-1", status: "stored" } },
      { op: "putImage", sha: SHA_A, by: "s-2-9", expect: { kind: "duplicate", storedBy: "s-0-1", status: "stored" } },
      { op: "getImage", sha: SHA_A, expect: { sha256: SHA_A, storedBy: "s-0-1", status: "stored" } },
    ],
  },
  {
    name: "the clean verdict is written once, remembers who wrote it, and its writer may repeat it",
    steps: [
      { op: "putImage", sha: SHA_A, by: "s-0-1", expect: { kind: "first", storedBy: "s-0-1", status: "stored" } },
      {
        op: "markCleaned",
        sha: SHA_A,
        verdict: CLEAN_A,
        by: "c-0-1",
        expect: { written: true, status: "clean", cleanedBy: "c-0-1" },
      },
      {
        op: "markCleaned",
        sha: SHA_A,
        verdict: CLEAN_A,
        by: "c-0-1",
        expect: { written: true, status: "clean", cleanedBy: "c-0-1" },
      },
      {
        op: "markCleaned",
        sha: SHA_A,
        verdict: TOO_SMALL,
        by: "c-3-4",
        expect: { written: false, status: "clean", cleanedBy: "c-0-1" },
      },
      { op: "getImage", sha: SHA_A, expect: { status: "clean", cleanedBy: "c-0-1", phash: CLEAN_A.phash } },
    ],
  },
  {
    name: "an image without metadata cannot be judged",
    steps: [{ op: "markCleaned", sha: SHA_C, verdict: CLEAN_A, by: "c-0-1", expect: "fails" }],
  },
  {
    name: "the clean hashes are those of the person's clean images only",
    steps: [
      { op: "cleanHashes", expect: [] },
      { op: "putImage", sha: SHA_A, by: "s-0-1", expect: { kind: "first", storedBy: "s-0-1", status: "stored" } },
      { op: "putImage", sha: SHA_B, by: "s-0-2", expect: { kind: "first", storedBy: "s-0-2", status: "stored" } },
      { op: "putImage", sha: SHA_C, by: "s-0-3", expect: { kind: "first", storedBy: "s-0-3", status: "stored" } },
      {
        op: "markCleaned",
        sha: SHA_B,
        verdict: CLEAN_B,
        by: "c-0-2",
        expect: { written: true, status: "clean", cleanedBy: "c-0-2" },
      },
      {
        op: "markCleaned",
        sha: SHA_C,
        verdict: TOO_SMALL,
        by: "c-0-3",
        expect: { written: true, status: "rejected", cleanedBy: "c-0-3" },
      },
      {
        op: "markCleaned",
        sha: SHA_A,
        verdict: CLEAN_A,
        by: "c-0-1",
        expect: { written: true, status: "clean", cleanedBy: "c-0-1" },
      },
      {
        op: "cleanHashes",
        expect: [
          { sha256: SHA_A, phash: "00000000000000ff" },
          { sha256: SHA_B, phash: "0f0f0f0f0f0f0f0f" },
        ],
      },
    ],
  },
];

function sighted(url: string): Omit<UrlItem, "firstSeenBy" | "sightings"> & { wikidataId: string } {
  return {
    wikidataId: "",
    urlHash: url,
    url: `https://images.example/${url.slice(0, 8)}.jpg`,
    source: "web",
    foundOn: "https://people.example/",
    candidateId: url,
    validation: "verified",
    verifiedAt: "2026-01-02T03:04:05.000Z",
  };
}

function image(sha: string, by: string): Omit<ImageItem, "status"> {
  return {
    wikidataId: "",
    sha256: sha,
    s3Key: `images/${sha}`,
    url: `https://images.example/${sha.slice(0, 8)}.jpg`,
    urlHash: URL_1,
    source: "web",
    format: "jpeg",
    contentType: "image/jpeg",
    bytes: 52_000,
    width: 400,
    height: 500,
    storedAt: "2026-01-02T03:04:06.000Z",
    storedBy: by,
  };
}

async function run(metadata: Metadata, person: string, step: Step): Promise<void> {
  switch (step.op) {
    case "recordSighting": {
      const { kind, item } = await metadata.recordSighting({ ...sighted(step.url), wikidataId: person }, step.by);
      expect({
        kind,
        firstSeenBy: item.firstSeenBy,
        sightings: [...(item.sightings ?? [])].sort(),
        ...(item.download === undefined ? {} : { download: item.download }),
      }).toEqual(step.expect);
      return;
    }
    case "recordDownload": {
      const written = metadata.recordDownload(person, step.url, step.outcome);
      if (step.expect === "fails") await expect(written).rejects.toThrow();
      else await written;
      return;
    }
    case "putImage": {
      const { kind, item } = await metadata.putImage({ ...image(step.sha, step.by), wikidataId: person });
      expect({ kind, storedBy: item.storedBy, status: item.status }).toEqual(step.expect);
      return;
    }
    case "getImage": {
      const item = await metadata.getImage(person, step.sha);
      if (step.expect === "absent") expect(item).toBeUndefined();
      else expect(item).toMatchObject({ ...step.expect, wikidataId: person });
      return;
    }
    case "markCleaned": {
      const at = "2026-01-02T03:04:07.000Z";
      const marked = metadata.markCleaned(person, step.sha, step.verdict, at, step.by);
      if (step.expect === "fails") {
        await expect(marked).rejects.toThrow();
        return;
      }
      const { written, item } = await marked;
      expect({ written, status: item.status, cleanedBy: item.cleanedBy }).toEqual(step.expect);
      return;
    }
    case "cleanHashes": {
      const hashes = await metadata.cleanHashes(person);
      // Order is not part of the contract (DynamoDB returns sort-key order, the fake insertion order).
      expect([...hashes].sort((a, b) => a.sha256.localeCompare(b.sha256))).toEqual(step.expect);
      return;
    }
  }
}

/** Runs every case of the contract against the metadata that `setup` provides. */
export function describeMetadataContract(name: string, setup: () => Promise<MetadataFixture>): void {
  describe(`metadata contract: ${name}`, () => {
    let fixture: MetadataFixture;
    const people: string[] = [];
    // A Wikidata-shaped id no other run uses: a 12-digit number from the clock and chance.
    const newPerson = (): string => {
      const id = `Q${Date.now() % 1e9}${Math.floor(Math.random() * 1e3)
        .toString()
        .padStart(3, "0")}`;
      people.push(id);
      return id;
    };

    beforeAll(async () => {
      fixture = await setup();
    });
    afterAll(async () => {
      await fixture?.cleanup?.(people);
    });

    test.each(METADATA_CASES.map((c) => [c.name, c.steps] as const))("%s", async (_name, steps) => {
      const person = newPerson();
      for (const step of steps) await run(fixture.metadata, person, step);
    });
  });
}
