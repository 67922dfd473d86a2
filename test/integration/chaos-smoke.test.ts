/**
 * The chaos job in small (npm run chaos is the full run): about 800 analytics records through the deployed bank and
 * tweet pipelines twice, fault-free then while the Lambda service is SIGKILLed three times, a busy worker is killed
 * and the broker is killed and started again, at seeded moments (the seed is printed; replay with
 * SLUICE_CHAOS_SEED=<seed>). The two end states must be the same, and the report must count the faults planned.
 *
 * The job wipes the tables and the bucket it compares: only the analytics pipelines' (scope), snapshotted before and
 * put back after, so the other test files find the data npm start-like seeding left there.
 */
import { formatComparison } from "#local/jobs/chaos/compare";
import { runChaos } from "#local/jobs/chaos/job";
import { awsClients, stackOutputs } from "#local/support/aws";
import { seedFrom } from "#local/support/random";
import { cfg } from "./helpers";
import { restoreBucket, snapshotBucket } from "./support/bucket-snapshot";
import { restoreTables, snapshotTables } from "./support/table-snapshot";

const TABLES = ["BankTableName", "TweetHashtagsTableName", "TweetTrackerTableName", "TweetUsersTableName"];
const BUCKET = "FailuresBucketName";

const began = Date.now();
const note = (message: string): void => {
  process.stderr.write(`[chaos-smoke +${((Date.now() - began) / 1000).toFixed(1)} s] ${message}\n`);
};

test(
  "the analytics pipelines end the same under service SIGKILLs, a worker kill and a broker outage",
  async () => {
    const outputs = await stackOutputs(cfg, cfg.stackPrefix);
    const tables = TABLES.map((k) => outputs[k] ?? "");
    const bucket = outputs[BUCKET] ?? "";
    expect([...tables, bucket].filter((name) => name === "")).toEqual([]);
    const { documents: db, s3 } = awsClients(cfg);
    const tablesBefore = await snapshotTables(db, tables);
    const bucketBefore = await snapshotBucket(s3, bucket);
    try {
      const seed = seedFrom("SLUICE_CHAOS_SEED");
      note(`seed ${seed} — replay with SLUICE_CHAOS_SEED=${seed}`);
      const report = await runChaos(cfg, {
        seed,
        records: 800,
        kinds: ["service", "worker", "broker"],
        counts: { service: 3, worker: 1, broker: 1, localstack: 0 },
        scope: [...TABLES, BUCKET],
        timeoutMs: 5 * 60_000,
        log: note,
      });
      note(formatComparison(report.comparison).join("\n"));

      // What was compared: the four tables (the failures bucket may rightly be empty in both passes).
      expect(report.comparison.groups.map((g) => g.group).sort()).toEqual([...TABLES, BUCKET].sort());
      for (const table of TABLES) {
        expect(report.comparison.groups.find((g) => g.group === table)?.entries.reference).toBeGreaterThan(0);
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
    } finally {
      await restoreTables(db, tables, tablesBefore);
      await restoreBucket(s3, bucket, bucketBefore);
    }
  },
  12 * 60_000,
);
