import type { TransactionMessage } from "#bank/contracts";
import { applyRecord, judge } from "../../../../../lambdas/analytics/bank/transactions/transactions";
import { fakeLedger } from "../fake-ledger";

const open = (account: string) => JSON.stringify({ kind: "open", account, openedAt: "2026-01-01", source: "test" });
const tx = (transactionId: string, account: string, type: string, amount: string): string =>
  JSON.stringify({ kind: "transaction", transactionId, account, type, amount, date: "2026-01-02", source: "test" });

/** Feeds records as Kafka would, each with its own `topic-partition-offset`. */
async function run(values: string[], ledger = fakeLedger(), firstOffset = 0) {
  const outcomes: string[] = [];
  for (const [i, value] of values.entries()) {
    const o = await applyRecord(value, `transactions-0-${firstOffset + i}`, ledger.deps);
    outcomes.push(o.reason === undefined ? o.outcome : `${o.outcome} ${o.reason}`);
  }
  return { ledger, outcomes, balance: (a: string) => ledger.accounts.get(a)?.balance };
}

describe("the transactions stage", () => {
  test("opens accounts, applies deposits and withdrawals in cents", async () => {
    const { outcomes, balance, ledger } = await run([
      open("A"),
      tx("t1", "A", "deposit", "100.10"),
      tx("t2", "A", "withdrawal", "0.20"),
      tx("t3", "A", "Deposit", "1,000.5"),
    ]);
    expect(outcomes).toEqual(["opened", "applied", "applied", "applied"]);
    expect(balance("A")).toBe(110040);
    expect(ledger.accounts.get("A")?.transactions).toBe(3);
  });

  test("a withdrawal of the whole balance is allowed; one cent more is insufficient-funds and changes nothing", async () => {
    const { outcomes, balance, ledger } = await run([
      open("A"),
      tx("t1", "A", "deposit", "50"),
      tx("t2", "A", "withdrawal", "50.01"),
      tx("t3", "A", "withdrawal", "50.00"),
      tx("t4", "A", "withdrawal", "0.01"),
    ]);
    expect(outcomes).toEqual([
      "opened",
      "applied",
      "rejected insufficient-funds",
      "applied",
      "rejected insufficient-funds",
    ]);
    expect(balance("A")).toBe(0);
    expect(ledger.markers.get("t2")).toMatchObject({ outcome: "rejected", reason: "insufficient-funds" });
  });

  test.each([
    ["malformed-amount", tx("t", "A", "deposit", "12.345")],
    ["malformed-amount", tx("t", "A", "deposit", "abc")],
    ["malformed-amount", tx("t", "A", "deposit", "1e3")],
    ["non-positive-amount", tx("t", "A", "deposit", "0")],
    ["non-positive-amount", tx("t", "A", "withdrawal", "-5")],
    ["unknown-type", tx("t", "A", "transfer", "5")],
    ["unknown-type", tx("t", "A", "", "5")],
    ["unknown-account", tx("t", "B", "deposit", "5")],
    ["unknown-account", tx("t", "A B", "deposit", "5")],
    ["unknown-account", tx("t", "", "deposit", "5")],
  ])("%s: recorded with its reason, nothing applied", async (reason, value) => {
    const { outcomes, balance, ledger } = await run([open("A"), tx("t0", "A", "deposit", "10"), value]);
    expect(outcomes[2]).toBe(`rejected ${reason}`);
    expect(balance("A")).toBe(1000);
    expect(ledger.markers.get("t")).toMatchObject({ outcome: "rejected", reason });
  });

  test("the checks that need no table come in a fixed order: amount, type, account", () => {
    const m = (over: Partial<TransactionMessage>): TransactionMessage => ({
      kind: "transaction",
      transactionId: "t",
      account: "A",
      type: "deposit",
      amount: "1",
      date: "d",
      source: "test",
      ...over,
    });
    expect(judge(m({ amount: "x", type: "gift", account: "?" }))).toMatchObject({ reason: "malformed-amount" });
    expect(judge(m({ type: "gift", account: "?" }))).toMatchObject({ reason: "unknown-type" });
    expect(judge(m({ account: "?" }))).toMatchObject({ reason: "unknown-account" });
    expect(judge(m({}))).toMatchObject({ ok: true, tx: { type: "deposit", cents: 100 } });
  });

  test("the same id with the same content in another record is a duplicate: counted, not applied", async () => {
    const { outcomes, balance, ledger } = await run([
      open("A"),
      tx("t1", "A", "deposit", "12.50"),
      tx("t1", "A", "deposit", "12.5"),
    ]);
    expect(outcomes).toEqual(["opened", "applied", "duplicate"]);
    expect(balance("A")).toBe(1250);
    expect([...(ledger.markers.get("t1")?.seenBy ?? [])]).toEqual(["transactions-0-1", "transactions-0-2"]);
  });

  test("the same id with other content is reused-transaction-id, recorded beside the id; the first stands", async () => {
    const { outcomes, balance, ledger } = await run([
      open("A"),
      open("B"),
      tx("t1", "A", "deposit", "12.50"),
      tx("t1", "A", "deposit", "99.00"),
      tx("t1", "B", "deposit", "12.50"),
      tx("t1", "A", "withdrawal", "12.50"),
    ]);
    expect(outcomes.slice(2)).toEqual([
      "applied",
      "rejected reused-transaction-id",
      "rejected reused-transaction-id",
      "rejected reused-transaction-id",
    ]);
    expect([balance("A"), balance("B")]).toEqual([1250, 0]);
    expect(ledger.reuses.size).toBe(3);
  });

  test("a rejected id stays rejected: the same content again is a duplicate, other content a reuse", async () => {
    const { outcomes, balance } = await run([
      open("A"),
      tx("t1", "A", "withdrawal", "5"),
      tx("t2", "A", "deposit", "10"),
      tx("t1", "A", "withdrawal", "5"),
      tx("t1", "A", "withdrawal", "6"),
    ]);
    expect(outcomes).toEqual([
      "opened",
      "rejected insufficient-funds",
      "applied",
      "duplicate",
      "rejected reused-transaction-id",
    ]);
    expect(balance("A")).toBe(1000);
  });

  test("opening an open account changes nothing", async () => {
    const { outcomes, balance } = await run([open("A"), tx("t1", "A", "deposit", "1"), open("A")]);
    expect(outcomes).toEqual(["opened", "applied", "already-open"]);
    expect(balance("A")).toBe(100);
  });

  test("a record that is not a bank message is kept with its problem, not retried for ever", async () => {
    const { outcomes, ledger } = await run([
      "not json",
      JSON.stringify({ kind: "transaction" }),
      JSON.stringify({ kind: "close", account: "A" }),
    ]);
    expect(outcomes).toEqual(["invalid invalid-message", "invalid invalid-message", "invalid invalid-message"]);
    expect([...ledger.invalid.keys()]).toEqual(["transactions-0-0", "transactions-0-1", "transactions-0-2"]);
  });

  test("the same batch delivered again writes nothing and repeats no money", async () => {
    const batch = [
      open("A"),
      tx("t1", "A", "deposit", "100"),
      tx("t2", "A", "withdrawal", "30"),
      tx("t3", "A", "withdrawal", "500"),
      tx("t4", "A", "deposit", "abc"),
      tx("t1", "A", "deposit", "100"),
      tx("t1", "A", "deposit", "1"),
      "garbage",
    ];
    const first = await run(batch);
    const writes = first.ledger.writes.length;
    const accounts = structuredClone([...first.ledger.accounts]);
    const again = await run(batch, first.ledger);
    expect(again.outcomes).toEqual([
      "already-open",
      "redelivered",
      "redelivered",
      "redelivered",
      "redelivered",
      "redelivered",
      "rejected reused-transaction-id",
      "invalid invalid-message",
    ]);
    expect(first.ledger.writes).toHaveLength(writes);
    expect([...first.ledger.accounts]).toEqual(accounts);
    expect(first.balance("A")).toBe(7000);
  });
});
