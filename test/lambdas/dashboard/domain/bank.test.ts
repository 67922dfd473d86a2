import type { MarkerItem } from "#bank/ledger";
import { balanceHistory, outcomeView, type TransactionView } from "#dashboard/domain/bank";

const tx = (
  id: string,
  type: string,
  cents: number,
  date: string,
  appliedAt = "2026-11-29T10:00:00.000Z",
): TransactionView => ({
  transactionId: id,
  type,
  cents,
  date,
  source: "test",
  appliedAt,
});

test("the balance after each transaction, in the order of their own dates, ends at the sum of deposits less withdrawals", () => {
  const history = balanceHistory([
    tx("c", "withdrawal", 2_500, "2025-01-03"),
    tx("a", "deposit", 10_000, "2025-01-01"),
    tx("b", "deposit", 1_050, "2025-01-02"),
  ]);
  expect(history).toEqual([
    { at: "2025-01-01T00:00:00.000Z", transactionId: "a", balance: 10_000 },
    { at: "2025-01-02T00:00:00.000Z", transactionId: "b", balance: 11_050 },
    { at: "2025-01-03T00:00:00.000Z", transactionId: "c", balance: 8_550 },
  ]);
});

test("same-date transactions keep the order they were applied in; an unreadable date falls back to when it was applied", () => {
  const history = balanceHistory([
    tx("late", "deposit", 1, "2025-01-01", "2026-11-29T10:00:02.000Z"),
    tx("early", "deposit", 2, "2025-01-01", "2026-11-29T10:00:01.000Z"),
    tx("odd", "deposit", 4, "yesterday", "2026-11-29T10:00:03.000Z"),
  ]);
  expect(history.map((p) => [p.transactionId, p.balance, p.at])).toEqual([
    ["early", 2, "2025-01-01T00:00:00.000Z"],
    ["late", 3, "2025-01-01T00:00:00.000Z"],
    ["odd", 7, "2026-11-29T10:00:03.000Z"],
  ]);
  expect(balanceHistory([])).toEqual([]);
});

test("an id without a marker is pending; a marker says applied or rejected with its reason", () => {
  expect(outcomeView("live-1", undefined)).toEqual({ transactionId: "live-1", status: "pending" });
  const marker = {
    transactionId: "live-2",
    contentHash: "h",
    account: "A1",
    type: "withdrawal",
    amount: "1000.00",
    date: "2026-11-29",
    source: "dashboard",
    outcome: "rejected",
    reason: "insufficient-funds",
    detail: "balance 10.00 is less than 1000.00",
    firstBy: "transactions-0-1",
    seenBy: new Set(["transactions-0-1"]),
    recordedAt: "2026-11-29T10:00:00.000Z",
  } satisfies MarkerItem;
  expect(outcomeView("live-2", marker)).toEqual({
    transactionId: "live-2",
    status: "rejected",
    account: "A1",
    type: "withdrawal",
    amount: "1000.00",
    reason: "insufficient-funds",
    detail: "balance 10.00 is less than 1000.00",
    recordedAt: "2026-11-29T10:00:00.000Z",
  });
});
