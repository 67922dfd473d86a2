/**
 * Checks a load against the file's own `balance` column, row by row and account by account.
 *
 * Row by row: for each account, in file order, the balance after a row is the balance before it plus the
 * row's amount when the pipeline applied the row, and unchanged when it refused it; that must be what the
 * file says. A row where they part is reported once, then the check follows the file from there, so one
 * disagreement is one line of the report, not every later row of the account.
 * Account by account: the balance the table holds must be the balance of the account's last row.
 */
import { displayCents, parseAmount, parseBalance } from "#bank/money";
import type { CsvRow } from "./csv";

export interface RowVerdict {
  /** Applied by the pipeline (this load or an earlier one), refused, or no outcome yet. */
  readonly applied: boolean | undefined;
  /** Why it was refused, for the report. */
  readonly reason?: string;
  /** Accounts the load did not open (not an account id) are not checked. */
  readonly checked: boolean;
}

export interface Mismatch {
  readonly line?: number;
  readonly account: string;
  readonly message: string;
}

export interface BalanceCheck {
  readonly rows: Mismatch[];
  readonly accounts: Mismatch[];
  readonly accountsChecked: number;
}

export function checkBalances(
  rows: readonly CsvRow[],
  verdict: (row: CsvRow) => RowVerdict,
  stored: ReadonlyMap<string, number>,
): BalanceCheck {
  const running = new Map<string, number>();
  const last = new Map<string, number>();
  const mismatches: Mismatch[] = [];
  for (const row of rows) {
    const v = verdict(row);
    if (!v.checked) continue;
    const before = running.get(row.account) ?? 0;
    const file = parseBalance(row.balance);
    const amount = parseAmount(row.value);
    let after = before;
    if (v.applied === undefined) {
      mismatches.push({ line: row.line, account: row.account, message: "no outcome yet: not applied in time" });
    } else if (v.applied && amount.ok) {
      after = before + (row.type.trim().toLowerCase() === "withdrawal" ? -amount.cents : amount.cents);
    }
    if (file === undefined) {
      mismatches.push({
        line: row.line,
        account: row.account,
        message: `the balance column "${row.balance}" is not an amount: not checked`,
      });
      running.set(row.account, after);
      continue;
    }
    if (v.applied !== undefined && after !== file) {
      const what = v.applied ? "applied" : `refused (${v.reason ?? "no reason"})`;
      mismatches.push({
        line: row.line,
        account: row.account,
        message: `the file says ${displayCents(file)} after this row; the pipeline ${what} it: ${displayCents(after)}`,
      });
    }
    running.set(row.account, file);
    last.set(row.account, file);
  }
  const accounts: Mismatch[] = [];
  for (const [account, want] of last) {
    const got = stored.get(account);
    if (got === undefined)
      accounts.push({ account, message: `not in the table; the file ends at ${displayCents(want)}` });
    else if (got !== want) {
      accounts.push({
        account,
        message: `the table holds ${displayCents(got)}; the file ends at ${displayCents(want)}`,
      });
    }
  }
  return { rows: mismatches, accounts, accountsChecked: last.size };
}
