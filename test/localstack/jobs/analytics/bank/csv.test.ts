import { join } from "node:path";
import { CsvFormatError, readTransactionsCsv } from "#local/jobs/analytics/bank/csv";

const FIXTURE = join(__dirname, "fixture.csv");

describe("readTransactionsCsv", () => {
  test("reads the seed's columns from a file, with line numbers, quotes and blank lines", async () => {
    const { rows, problems } = await readTransactionsCsv(FIXTURE);
    expect(rows.map((r) => [r.line, r.account, r.value, r.balance, r.type])).toEqual([
      [2, "ACC-1", "100.00", "100.00", "deposit"],
      [3, "ACC-2", "1,234.5", "1234.50", "Deposit"],
      [4, "ACC-1", "20.5", "79.50", "withdrawal"],
      [5, "ACC-1", "500", "79.50", "withdrawal"],
      [6, "ACC-2", "12.345", "1234.50", "deposit"],
      [8, "ACC 3", "5.00", "0.00", "deposit"],
      [10, "ACC-2", "0.50", "1234.00", "withdrawal"],
    ]);
    expect(problems).toEqual([{ line: 7, problem: "expected 5 fields, got 4" }]);
    expect(rows[0]?.date).toBe("2025-01-02");
  });

  test("columns in any order and any case; others ignored; a byte-order mark is not part of the first name", async () => {
    const text =
      "\uFEFFNote,Transaction_Type,balance,ACCOUNT,transaction_value,transaction_date\nhi,deposit,5,A,5,2025-01-01\n";
    const { rows } = await readTransactionsCsv({ text });
    expect(rows).toEqual([{ line: 2, date: "2025-01-01", account: "A", value: "5", balance: "5", type: "deposit" }]);
  });

  test.each([
    ["", /is empty/],
    ["transaction_date,account,transaction_value,transaction_type\n", /has no balance column/],
    ["date,acct\n", /has no transaction_date, account, transaction_value, balance, transaction_type columns/],
    [
      'transaction_date,account,transaction_value,balance,transaction_type\n2025,"A,5,5,deposit\n',
      /not a readable CSV/,
    ],
  ])("%j is refused with a message that says what to fix", async (text, message) => {
    await expect(readTransactionsCsv({ text })).rejects.toThrow(CsvFormatError);
    await expect(readTransactionsCsv({ text })).rejects.toThrow(message);
  });

  test("a missing file says which", async () => {
    await expect(readTransactionsCsv("/nonexistent/tx.csv")).rejects.toThrow(/\/nonexistent\/tx.csv/);
  });
});
