/**
 * The bank as the dashboard shows it, from the bank table's items (`#bank/ledger`): accounts, an account's applied
 * transactions, its balance after each of them, and a transaction id's outcome. Pure: the routes read the items.
 */
import type { MarkerItem } from "#bank/ledger";
import type { AccountView, BalancePoint, OutcomeView, TransactionView } from "../contract";

export type { AccountView, BalancePoint, OutcomeView, TransactionView };

type Item = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));

export function accountView(item: Item): AccountView {
  return {
    account: str(item.account),
    balance: num(item.balance),
    transactions: num(item.transactions),
    openedAt: str(item.openedAt),
  };
}

export function transactionView(item: Item): TransactionView {
  return {
    transactionId: str(item.transactionId),
    type: str(item.type),
    cents: num(item.cents),
    date: str(item.date),
    source: str(item.source),
    appliedAt: str(item.appliedAt),
  };
}

/** A transaction's own date as milliseconds, or when it was applied if its date does not parse. */
const instant = (t: TransactionView): number => {
  const date = Date.parse(t.date);
  return Number.isNaN(date) ? Date.parse(t.appliedAt) : date;
};

/**
 * The balance after each applied transaction, as a statement reads: in the order of the transactions' own dates
 * (ties: the order they were applied in, then id). An account opens at zero, a deposit adds its cents, a withdrawal
 * takes them, so the last point is the account's balance.
 */
export function balanceHistory(transactions: readonly TransactionView[]): BalancePoint[] {
  const ordered = [...transactions].sort(
    (a, b) =>
      instant(a) - instant(b) ||
      a.appliedAt.localeCompare(b.appliedAt) ||
      a.transactionId.localeCompare(b.transactionId),
  );
  let balance = 0;
  return ordered.map((t) => {
    balance += t.type === "withdrawal" ? -t.cents : t.cents;
    return { at: new Date(instant(t)).toISOString(), transactionId: t.transactionId, balance };
  });
}

export function outcomeView(transactionId: string, marker: MarkerItem | undefined): OutcomeView {
  if (marker === undefined) return { transactionId, status: "pending" };
  return {
    transactionId,
    status: marker.outcome,
    account: marker.account,
    type: marker.type,
    amount: marker.amount,
    ...(marker.cents === undefined ? {} : { cents: marker.cents }),
    ...(marker.reason === undefined ? {} : { reason: marker.reason }),
    ...(marker.detail === undefined ? {} : { detail: marker.detail }),
    recordedAt: marker.recordedAt,
  };
}
