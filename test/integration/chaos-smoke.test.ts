/**
 * The chaos job in small (npm run chaos is the full run): about 500 analytics records through the deployed bank and
 * tweet pipelines and the sample web's first 5 people through the face pipeline, twice, fault-free then while the
 * Lambda service is SIGKILLed three times, a busy worker is killed and the broker is killed and started again, at
 * seeded moments (the seed is printed; replay with SLUICE_CHAOS_SEED=<seed>). The two end states must be the same,
 * and the report must count the faults planned.
 *
 * The job wipes the tables and buckets it compares: only those of the analytics and face pipelines (scope; not the
 * hourly pipeline's), snapshotted before and put back after, so the other test files find the data npm start-like
 * seeding left there.
 */
import { formatComparison } from "#local/jobs/chaos/compare";
import { runChaos } from "#local/jobs/chaos/job";
import { faceTopicsOf } from "#local/jobs/faces/job";
import { awsClients, stackOutputs } from "#local/support/aws";
import { seedFrom } from "#local/support/random";
import { cfg } from "./helpers";
import { restoreBucket, snapshotBucket } from "./support/bucket-snapshot";
import { restoreTables, snapshotTables } from "./support/table-snapshot";

const TABLES = [
  "BankTableName",
  "TweetHashtagsTableName",
  "TweetTrackerTableName",
  "TweetUsersTableName",
  "MetadataTableName",
];
/** The failures bucket may rightly be empty in both passes; the others hold the face pipeline's images and rows. */
const BUCKETS = ["FailuresBucketName", "ImagesBucketName", "LakeBucketName"];
const PEOPLE = 5;

const began = Date.now();
const note = (message: string): void => {
  process.stderr.write(`[chaos-smoke +${((Date.now() - began) / 1000).toFixed(1)} s] ${message}\n`);
};

test(
  "the analytics and face pipelines end the same under service SIGKILLs, a worker kill and a broker outage",
  async () => {
    const outputs = await stackOutputs(cfg, cfg.stackPrefix);
    const tables = TABLES.map((k) => outputs[k] ?? "");
    const buckets = BUCKETS.map((k) => outputs[k] ?? "");
    expect([...tables, ...buckets].filter((name) => name === "")).toEqual([]);
    const { documents: db, s3 } = awsClients(cfg);
    const tablesBefore = await snapshotTables(db, tables);
    const bucketsBefore = [];
    for (const bucket of buckets) bucketsBefore.push(await snapshotBucket(s3, bucket));
    try {
      const seed = seedFrom("SLUICE_CHAOS_SEED");
      note(`seed ${seed} — replay with SLUICE_CHAOS_SEED=${seed}`);
      const report = await runChaos(cfg, {
        seed,
        records: 500,
        people: PEOPLE,
        kinds: ["service", "worker", "broker"],
        counts: { service: 3, worker: 1, broker: 1, localstack: 0 },
        scope: [...TABLES, ...BUCKETS],
        timeoutMs: 5 * 60_000,
        log: note,
      });
      note(formatComparison(report.comparison).join("\n"));

      // What was compared: the five tables, the images and the dataset rows (the failures bucket may rightly be empty).
      expect(report.people).toBe(PEOPLE);
      expect(report.comparison.groups.map((g) => g.group).sort()).toEqual([...TABLES, ...BUCKETS].sort());
      for (const group of [...TABLES, "ImagesBucketName", "LakeBucketName"]) {
        expect(report.comparison.groups.find((g) => g.group === group)?.entries.reference).toBeGreaterThan(0);
      }
      // Nothing missing, extra or changed.
      expect(report.comparison.groups.filter((g) => g.missing.length + g.extra.length + g.changed.length > 0)).toEqual(
        [],
      );
      // The faults planned are the faults reported: three service SIGKILLs and the broker outage injected; the worker
      // kill injected unless no worker was busy when it was due (then reported as skipped).
      expect(report.faults.map((f) => f.kind).sort()).toEqual(["broker", "service", "service", "service", "worker"]);
      expect(report.faults.filter((f) => f.kind !== "worker" && f.skipped !== undefined)).toEqual([]);
      // Every record produced in the chaos pass was handed to the bank or hashtags function.
      const handed = (fn: string) => report.chaos.deliveries.find((d) => d.functionName === fn)?.records;
      expect(handed(outputs.TransactionsFunctionName ?? "")).toBe(
        report.chaos.produced[outputs.TransactionsTopic ?? ""],
      );
      expect(handed(outputs.TweetHashtagsFunctionName ?? "")).toBe(report.chaos.produced[outputs.TweetsTopic ?? ""]);
      expect(report.chaos.produced[faceTopicsOf(outputs)[0] ?? ""]).toBe(PEOPLE);
      expect(handed(outputs.ScrapeFunctionName ?? "")).toBe(PEOPLE);
    } finally {
      await restoreTables(db, tables, tablesBefore);
      for (const [i, bucket] of buckets.entries()) await restoreBucket(s3, bucket, bucketsBefore[i] ?? new Map());
    }
  },
  12 * 60_000,
);
