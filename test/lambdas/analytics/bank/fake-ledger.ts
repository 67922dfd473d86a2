/**
 * An in-memory ledger with the conditions of ledger.ts (the id must be new, the account open, a withdrawal
 * covered), for the stage's unit tests. The real one runs against DynamoDB in test/integration/bank.test.ts.
 */
import type { AccountItem, MarkerItem } from "#bank/ledger";
import type { TransactionsDeps } from "../../../../lambdas/analytics/bank/transactions/transactions";

export interface FakeLedger {
  readonly deps: TransactionsDeps;
  readonly accounts: Map<string, AccountItem>;
  readonly markers: Map<string, MarkerItem>;
  readonly reuses: Map<string, Set<string>>;
  readonly invalid: Map<string, string>;
  /** Every write that changed something, in order: a redelivery must add none. */
  readonly writes: string[];
}

export function fakeLedger(): FakeLedger {
  const accounts = new Map<string, AccountItem>();
  const markers = new Map<string, MarkerItem>();
  const reuses = new Map<string, Set<string>>();
  const invalid = new Map<string, string>();
  const writes: string[] = [];
  const deps: TransactionsDeps = {
    now: () => new Date("2026-11-29T12:00:00.000Z"),
    openAccount: async (open, by) => {
      if (accounts.has(open.account)) return "already-open";
      accounts.set(open.account, {
        account: open.account,
        balance: 0,
        transactions: 0,
        openedAt: open.openedAt,
        openedBy: by,
      });
      writes.push(`open ${open.account}`);
      return "opened";
    },
    applyTransaction: async (tx, by, now) => {
      const taken = markers.get(tx.message.transactionId);
      if (taken) return { kind: "id-taken", marker: taken };
      const account = accounts.get(tx.message.account);
      if (!account) return { kind: "unknown-account" };
      if (tx.type === "withdrawal" && account.balance < tx.cents) {
        return { kind: "insufficient-funds", balance: account.balance };
      }
      const delta = tx.type === "withdrawal" ? -tx.cents : tx.cents;
      accounts.set(account.account, {
        ...account,
        balance: account.balance + delta,
        transactions: account.transactions + 1,
      });
      markers.set(tx.message.transactionId, {
        transactionId: tx.message.transactionId,
        contentHash: tx.contentHash,
        account: tx.message.account,
        type: tx.message.type,
        amount: tx.message.amount,
        cents: tx.cents,
        date: tx.message.date,
        source: tx.message.source,
        outcome: "applied",
        firstBy: by,
        seenBy: new Set([by]),
        recordedAt: now,
      });
      writes.push(`apply ${tx.message.transactionId}`);
      return { kind: "applied" };
    },
    recordRejection: async (message, hash, rejection, by, now) => {
      const taken = markers.get(message.transactionId);
      if (taken) return { kind: "id-taken", marker: taken };
      markers.set(message.transactionId, {
        transactionId: message.transactionId,
        contentHash: hash,
        account: message.account,
        type: message.type,
        amount: message.amount,
        date: message.date,
        source: message.source,
        outcome: "rejected",
        ...rejection,
        firstBy: by,
        seenBy: new Set([by]),
        recordedAt: now,
      });
      writes.push(`reject ${message.transactionId} ${rejection.reason}`);
      return { kind: "recorded" };
    },
    markSeen: async (id, by) => {
      const m = markers.get(id);
      if (!m) throw new Error(`no marker ${id}`);
      if (!m.seenBy.has(by)) writes.push(`seen ${id} ${by}`);
      m.seenBy.add(by);
    },
    recordReuse: async (message, hash, by) => {
      const key = `${message.transactionId}/${hash}`;
      const seen = reuses.get(key) ?? new Set<string>();
      if (!seen.has(by)) writes.push(`reuse ${key} ${by}`);
      seen.add(by);
      reuses.set(key, seen);
    },
    recordInvalid: async (by, value) => {
      if (!invalid.has(by)) writes.push(`invalid ${by}`);
      invalid.set(by, value);
    },
  };
  return { deps, accounts, markers, reuses, invalid, writes };
}
