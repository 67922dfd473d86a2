import { join } from "node:path";
import { checkBalances, type RowVerdict } from "#local/jobs/analytics/bank/check";
import { readTransactionsCsv } from "#local/jobs/analytics/bank/csv";

/** The fixture's rows and, declared here by line, what the pipeline did with each. */
const FIXTURE_OUTCOMES: Record<number, RowVerdict> = {
  2: { applied: true, checked: true },
  3: { applied: true, checked: true },
  4: { applied: true, checked: true },
  5: { applied: false, reason: "insufficient-funds", checked: true },
  6: { applied: false, reason: "malformed-amount", checked: true },
  8: { applied: false, reason: "unknown-account", checked: false },
  10: { applied: true, checked: true },
};

async function fixture() {
  return (await readTransactionsCsv(join(__dirname, "fixture.csv"))).rows;
}

describe("checkBalances", () => {
  test("the fixture's balances agree with what was applied, row by row and account by account", async () => {
    const rows = await fixture();
    const check = checkBalances(
      rows,
      (r) => FIXTURE_OUTCOMES[r.line] ?? { applied: undefined, checked: true },
      new Map([
        ["ACC-1", 79_50],
        ["ACC-2", 1234_00],
      ]),
    );
    expect(check).toEqual({ rows: [], accounts: [], accountsChecked: 2 });
  });

  test("a row applied that the file says was refused is reported at its line, once", async () => {
    const rows = await fixture();
    const check = checkBalances(
      rows,
      (r) => (r.line === 5 ? { applied: true, checked: true } : (FIXTURE_OUTCOMES[r.line] as RowVerdict)),
      new Map([
        ["ACC-1", 79_50],
        ["ACC-2", 1234_00],
      ]),
    );
    expect(check.rows).toEqual([
      { line: 5, account: "ACC-1", message: "the file says 79.50 after this row; the pipeline applied it: -420.50" },
    ]);
  });

  test("a refused row the file counts, a missing outcome, and a wrong stored balance are each reported", async () => {
    const rows = await fixture();
    const check = checkBalances(
      rows,
      (r) =>
        r.line === 3
          ? { applied: false, reason: "unknown-type", checked: true }
          : r.line === 10
            ? { applied: undefined, checked: true }
            : (FIXTURE_OUTCOMES[r.line] as RowVerdict),
      new Map([["ACC-1", 80_00]]),
    );
    expect(check.rows).toEqual([
      {
        line: 3,
        account: "ACC-2",
        message: "the file says 1,234.50 after this row; the pipeline refused (unknown-type) it: 0.00",
      },
      { line: 10, account: "ACC-2", message: "no outcome yet: not applied in time" },
    ]);
    expect(check.accounts).toEqual([
      { account: "ACC-1", message: "the table holds 80.00; the file ends at 79.50" },
      { account: "ACC-2", message: "not in the table; the file ends at 1,234.00" },
    ]);
  });

  test("an unreadable balance column is reported, not guessed", () => {
    const check = checkBalances(
      [{ line: 2, date: "d", account: "A", value: "5", balance: "five", type: "deposit" }],
      () => ({ applied: true, checked: true }),
      new Map([["A", 500]]),
    );
    expect(check.rows).toEqual([
      { line: 2, account: "A", message: 'the balance column "five" is not an amount: not checked' },
    ]);
  });
});
