/**
 * For `npm run bench -- --part analytics`: transactions applied per second, through Kafka and the
 * deployed transactions stage, on fresh accounts (a new seed and account prefix per call, so nothing is a
 * duplicate of an earlier run and the sample's own accounts are left alone).
 */
import type { LocalConfig } from "../../../config";
import type { Log } from "../../../support/log";
import { bankTarget, loadTransactions } from "./load";
import { loadCounts } from "./report";
import { bankSample } from "./sample";

export interface TransactionsBench {
  readonly rows: number;
  readonly applied: number;
  readonly rejected: number;
  readonly seconds: number;
  /** Applied transactions per second, from the first record sent to the last outcome read back. */
  readonly appliedPerSecond: number;
  /** Every balance matched what the generated file says. */
  readonly balancesMatch: boolean;
}

/** Loads about 65 × `accounts` generated transactions and times them until every outcome is recorded. */
export async function benchTransactions(
  cfg: LocalConfig,
  outputs: Record<string, string>,
  options: { readonly accounts?: number; readonly log: Log },
): Promise<TransactionsBench> {
  const run = Date.now().toString(36).toUpperCase();
  const sample = bankSample({ seed: run, prefix: `BENCH${run}`, accounts: options.accounts ?? 50 });
  const result = await loadTransactions(
    cfg,
    bankTarget(outputs),
    { text: sample.csv, origin: `bench ${run}` },
    { log: options.log, interactive: false },
  );
  const counts = loadCounts(result);
  return {
    rows: sample.rows,
    applied: counts.applied,
    rejected: Object.values(counts.rejected).reduce((a, b) => a + b, 0),
    seconds: result.seconds,
    appliedPerSecond: counts.applied / Math.max(result.seconds, 0.001),
    balancesMatch: result.check.rows.length === 0 && result.check.accounts.length === 0,
  };
}
