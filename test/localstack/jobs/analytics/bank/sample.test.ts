import { REJECTION_REASONS } from "#bank/contracts";
import { readTransactionsCsv } from "#local/jobs/analytics/bank/csv";
import { bankSample } from "#local/jobs/analytics/bank/sample";

/**
 * The sample's own consistency: what it declares agrees with the file it writes. These tests read the
 * file with the CSV reader only; they never run the pipeline's rules.
 */
describe("the bundled bank sample", () => {
  const sample = bankSample();

  test("is the same on every run, and another seed gives another year", () => {
    expect(bankSample().csv).toBe(sample.csv);
    expect(bankSample({ seed: "2" }).csv).not.toBe(sample.csv);
  });

  test("a few thousand rows for 50 accounts, with every reason among its bad rows", () => {
    expect(sample.rows).toBeGreaterThan(2500);
    expect(sample.rows).toBeLessThan(5000);
    expect(Object.keys(sample.balances)).toHaveLength(50);
    const reasons = new Set(Object.values(sample.badRows));
    for (const r of REJECTION_REASONS.filter((r) => r !== "reused-transaction-id")) expect(reasons).toContain(r);
    expect(reasons).toContain("unreadable-row");
    expect(sample.applied + Object.keys(sample.badRows).length).toBe(sample.rows);
  });

  test("each account's last balance in the file is the balance it declares", async () => {
    const { rows, problems } = await readTransactionsCsv({ text: sample.csv });
    const last = new Map<string, string>();
    for (const r of rows) if (r.account in sample.balances) last.set(r.account, r.balance);
    for (const [account, cents] of Object.entries(sample.balances)) {
      expect(last.get(account)).toBe(`${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`);
    }
    expect(problems.map((p) => sample.badRows[p.line])).toEqual(["unreadable-row"]);
  });

  test("a declared bad row leaves its account's balance column as it was", async () => {
    const { rows } = await readTransactionsCsv({ text: sample.csv });
    const previous = new Map<string, string>();
    for (const r of rows) {
      if (sample.badRows[r.line] !== undefined && r.account in sample.balances) {
        expect([r.line, r.balance]).toEqual([r.line, previous.get(r.account) ?? "0.00"]);
      }
      previous.set(r.account, r.balance);
    }
  });

  test("writes amounts the ways people do: 12.50, 12.5, 12 and quoted 1,234.56", async () => {
    const { rows } = await readTransactionsCsv({ text: sample.csv });
    const values = rows.filter((r) => sample.badRows[r.line] === undefined).map((r) => r.value);
    expect(values.some((v) => /^\d+\.\d\d$/.test(v))).toBe(true);
    expect(values.some((v) => /^\d+\.\d$/.test(v))).toBe(true);
    expect(values.some((v) => /^\d+$/.test(v))).toBe(true);
    expect(values.some((v) => /^\d{1,3}(,\d{3})+\.\d\d$/.test(v))).toBe(true);
  });
});
