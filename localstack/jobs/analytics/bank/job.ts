/** What `npm start` does for the bank pipeline: load the bundled sample, follow it, and summarise. */
import { displayCents } from "#bank/money";
import type { LocalConfig } from "../../../config";
import type { Log } from "../../../support/log";
import { bankTarget, type LoadResult, loadTransactions } from "./load";
import { formatBadRows, formatCheck, formatCounts } from "./report";
import { type BankSample, bankSample } from "./sample";

/** Where the load disagrees with what the sample declares: balances to the cent, and each row's outcome. */
export function compareWithSample(sample: BankSample, result: LoadResult): string[] {
  const problems: string[] = [];
  for (const [account, want] of Object.entries(sample.balances)) {
    const got = result.balances.get(account);
    if (got !== want) {
      problems.push(
        `${account}: balance ${got === undefined ? "missing" : displayCents(got)}, declared ${displayCents(want)}`,
      );
    }
  }
  for (const extra of [...result.balances.keys()].filter((a) => !(a in sample.balances))) {
    problems.push(`${extra}: opened, but the sample declares no such account`);
  }
  const notSent = new Set(result.problems.map((p) => p.line));
  for (const line of notSent) {
    if (sample.badRows[line] !== "unreadable-row")
      problems.push(`line ${line}: not sent, declared ${sample.badRows[line] ?? "good"}`);
  }
  for (const r of result.rows) {
    const want = sample.badRows[r.row.line] ?? "applied";
    const got = r.outcome === undefined ? "no outcome" : r.outcome.outcome === "applied" ? "applied" : r.outcome.reason;
    if (got !== want) problems.push(`line ${r.row.line}: ${got}, declared ${want}`);
  }
  for (const [line, reason] of Object.entries(sample.badRows)) {
    if (reason === "unreadable-row" && !notSent.has(Number(line)))
      problems.push(`line ${line}: sent, declared unreadable`);
  }
  return problems;
}

/** Runs the bank sample through the deployed pipeline; resolves to its summary, ready to print. */
export async function runBankJob(
  cfg: LocalConfig,
  outputs: Record<string, string>,
  options: { log: Log; interactive: boolean },
): Promise<string> {
  const sample = bankSample();
  const target = bankTarget(outputs);
  const result = await loadTransactions(
    cfg,
    target,
    {
      text: sample.csv,
      origin: `the bundled sample (${sample.rows} rows, ${Object.keys(sample.balances).length} accounts)`,
    },
    options,
  );
  const declared = compareWithSample(sample, result);
  const declaredBad = Object.keys(sample.badRows).length;
  return [
    "",
    `bank pipeline: ${result.origin} in ${result.seconds.toFixed(1)} s`,
    ...formatCounts(result),
    "bad rows (first 10; `sluice load transactions --from FILE.csv` lists them all):",
    ...formatBadRows(result, 10),
    ...formatCheck(result),
    declared.length === 0
      ? `sample: every balance to the cent and all ${declaredBad} bad rows' reasons are as the sample declares`
      : `sample: ${declared.length} differences from what the sample declares:\n${declared.map((d) => `  ${d}`).join("\n")}`,
  ].join("\n");
}
