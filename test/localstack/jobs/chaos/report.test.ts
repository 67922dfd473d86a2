import type { PassResult } from "#local/jobs/chaos/report";
import { formatReport } from "#local/jobs/chaos/report";

const pass = (name: "reference" | "chaos", images: number): PassResult => ({
  name,
  seconds: 40,
  produced: { transactions: 412, tweets: 397, celebrities: 5 },
  deliveries: [],
  stalls: [],
  entries: {},
  sizes: {
    MetadataTableName: { items: 56 },
    ImagesBucketName: { objects: images, rows: 0 },
    LakeBucketName: { objects: 3, rows: 19 },
  },
});

const report = (people: number) =>
  formatReport({
    seed: 7,
    records: 809 + people,
    people,
    reference: pass("reference", 43),
    chaos: pass("chaos", 44),
    faults: [],
    comparison: { groups: [], entries: 0, differences: 0 },
    skipped: [],
    totalSeconds: 100,
  }).split("\n");

describe("formatReport", () => {
  test("says how many people were seeded and what each table and bucket held in each pass", () => {
    const lines = report(5);
    expect(lines).toContain("  people      5 seeded onto the face pipeline");
    expect(lines).toContain(`    ${"MetadataTableName".padEnd(34)} 56 items / 56 items`);
    expect(lines).toContain(`    ${"ImagesBucketName".padEnd(34)} 43 objects / 44 objects`);
    expect(lines).toContain(
      `    ${"LakeBucketName".padEnd(34)} 3 objects (19 Parquet rows) / 3 objects (19 Parquet rows)`,
    );
  });

  test("with --people 0, says the face pipeline's data is compared empty", () => {
    expect(report(0)).toContain(
      "  people      0 seeded onto the face pipeline (--people 0: its tables and buckets are compared empty)",
    );
  });
});
