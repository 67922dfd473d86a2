/** What a load did, in numbers and lines a person reads: counts, bad rows by line, and the balance check. */
import { displayCents } from "#bank/money";
import { type LoadResult, plural } from "./load";

export interface LoadCounts {
  readonly recordsIn: number;
  readonly applied: number;
  readonly rejected: Record<string, number>;
  /** Rows whose outcome an earlier load of the same file had already recorded. */
  readonly earlier: number;
  readonly pending: number;
  readonly accounts: number;
  readonly totalCents: number;
}

export function loadCounts(result: LoadResult): LoadCounts {
  const rejected: Record<string, number> = {};
  let applied = 0;
  let earlier = 0;
  let pending = 0;
  for (const r of result.rows) {
    if (r.outcome === undefined) pending++;
    else if (r.earlier) earlier++;
    else if (r.outcome.outcome === "applied") applied++;
    else rejected[r.outcome.reason ?? "?"] = (rejected[r.outcome.reason ?? "?"] ?? 0) + 1;
  }
  return {
    recordsIn: result.records.opens + result.records.transactions,
    applied,
    rejected,
    earlier,
    pending,
    accounts: result.balances.size,
    totalCents: [...result.balances.values()].reduce((a, b) => a + b, 0),
  };
}

export const byCount = (counts: Record<string, number>): string => {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? "none" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
};

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** The load's counts, one line each. */
export function formatCounts(result: LoadResult, counts: LoadCounts = loadCounts(result)): string[] {
  const rate = counts.applied / Math.max(result.seconds, 0.001);
  return [
    `  records in   ${counts.recordsIn} (${plural(result.records.opens, "account open")}, ${plural(result.records.transactions, "transaction")}; ${plural(result.problems.length, "row")} not sent)`,
    `  applied      ${counts.applied}`,
    `  rejected     ${total(counts.rejected)}: ${byCount(counts.rejected)}`,
    ...(counts.earlier > 0
      ? [`  earlier      ${counts.earlier} rows already recorded by an earlier load of this file`]
      : []),
    ...(counts.pending > 0 ? [`  pending      ${counts.pending} rows without an outcome`] : []),
    `  accounts     ${counts.accounts}, total balance ${displayCents(counts.totalCents)}`,
    `  elapsed      ${result.seconds.toFixed(1)} s (sent in ${result.publishSeconds.toFixed(1)} s), ${rate.toFixed(1)} transactions/s applied`,
  ];
}

/** Every bad row: the ones not sent, and the ones the pipeline refused, by line. */
export function formatBadRows(result: LoadResult, limit = Number.POSITIVE_INFINITY): string[] {
  const lines = [
    ...result.problems.map((p) => ({ line: p.line, text: `not sent: ${p.problem}` })),
    ...result.rows
      .filter((r) => r.outcome?.outcome === "rejected")
      .map((r) => ({
        line: r.row.line,
        text: `${r.row.account || '""'}: ${r.outcome?.reason}${r.outcome?.detail ? ` (${r.outcome.detail})` : ""}`,
      })),
  ].sort((a, b) => a.line - b.line);
  const shown = lines.slice(0, limit).map((l) => `  line ${String(l.line).padEnd(5)} ${l.text}`);
  return lines.length > shown.length ? [...shown, `  … and ${lines.length - shown.length} more`] : shown;
}

/** The balance check against the file's own column. */
export function formatCheck(result: LoadResult): string[] {
  const { check } = result;
  if (check.rows.length === 0 && check.accounts.length === 0) {
    return [
      `balances: every account matches the file, row by row (${result.rows.length} rows) and account by account (${check.accountsChecked} accounts)`,
    ];
  }
  return [
    `balances: ${plural(check.rows.length, "row")} and ${plural(check.accounts.length, "account")} disagree with the file`,
    ...check.rows.map((m) => `  line ${m.line} ${m.account}: ${m.message}`),
    ...check.accounts.map((m) => `  account ${m.account}: ${m.message}`),
  ];
}
