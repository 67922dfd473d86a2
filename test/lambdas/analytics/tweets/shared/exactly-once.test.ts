import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  applyOnce,
  type CounterWrite,
  cancellation,
  MAX_TRANSACTION_ITEMS,
  planTransactions,
} from "#tweets/exactly-once";
import { FakeDynamo } from "./fake-dynamo";

const NOW = new Date("2026-11-29T12:00:00Z");
const counter = (n: number): CounterWrite => ({ table: "t", key: { pk: `TAG#${n}`, sk: "ALL" }, add: { count: 1 } });
const record = (writes: CounterWrite[]) => ({ receiptTable: "t", recordId: "42", appliedBy: "tweets-0-7", writes });

describe("planTransactions", () => {
  test("a small record is one transaction, its receipt first and conditional", () => {
    const [only, ...rest] = planTransactions(record([counter(1)]), NOW);
    expect(rest).toEqual([]);
    expect(only?.[0]?.Put).toMatchObject({
      Item: { pk: "RECEIPT#42", sk: "PART#0", appliedBy: "tweets-0-7", parts: 1 },
      ConditionExpression: "attribute_not_exists(pk)",
    });
    expect(only?.[1]?.Update).toMatchObject({
      Key: { pk: "TAG#1", sk: "ALL" },
      UpdateExpression: "ADD #a0 :a0",
      ExpressionAttributeNames: { "#a0": "count" },
      ExpressionAttributeValues: { ":a0": 1 },
    });
  });

  test("SET and ADD in one update", () => {
    const [[, update] = []] = planTransactions(
      record([{ table: "u", key: { userId: "1" }, add: { tweetsSeen: 1 }, set: { name: "Ana", friendsCount: 3 } }]),
      NOW,
    );
    expect(update?.Update?.UpdateExpression).toBe("SET #s0 = :s0, #s1 = :s1 ADD #a0 :a0");
  });

  test("a record with more writes than fit is split into parts of at most 100 items, each with its receipt", () => {
    const writes = Array.from({ length: 250 }, (_, i) => counter(i));
    const parts = planTransactions(record(writes), NOW);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 53]);
    expect(parts.map((p) => p[0]?.Put?.Item?.sk)).toEqual(["PART#0", "PART#1", "PART#2"]);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
    // Deterministic: the same record is split the same way on a redelivery.
    expect(planTransactions(record(writes), NOW)).toEqual(parts);
  });

  test("a record with no writes still gets its receipt", () => {
    expect(planTransactions(record([]), NOW).map((p) => p.length)).toEqual([1]);
  });
});

describe("applyOnce", () => {
  test("applies once; the same record again changes nothing", async () => {
    const db = new FakeDynamo();
    const writes = [counter(1), counter(2)];
    expect(await applyOnce(db, record(writes), NOW)).toEqual({ applied: 1, alreadyApplied: 0 });
    const before = JSON.stringify([...db.tables.entries()].map(([k, v]) => [k, [...v]]));
    expect(await applyOnce(db, record(writes), NOW)).toEqual({ applied: 0, alreadyApplied: 1 });
    expect(JSON.stringify([...db.tables.entries()].map(([k, v]) => [k, [...v]]))).toBe(before);
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(1);
  });

  test("a redelivery after a crash between parts applies only the missing parts", async () => {
    const db = new FakeDynamo();
    const writes = Array.from({ length: 150 }, (_, i) => counter(i % 120));
    const [first] = planTransactions(record(writes), NOW);
    await db.send({ input: { TransactItems: first } }); // the crash came after part 0
    expect(await applyOnce(db, record(writes), NOW)).toEqual({ applied: 1, alreadyApplied: 1 });
    expect(db.item("t", { pk: "TAG#0", sk: "ALL" })?.count).toBe(2); // in part 0 and part 1 once each
    expect(db.item("t", { pk: "TAG#119", sk: "ALL" })?.count).toBe(1);
  });

  test("conflicts with concurrent transactions are retried", async () => {
    const db = new FakeDynamo();
    db.conflicts = 2;
    const sleeps: number[] = [];
    const result = await applyOnce(db, record([counter(1)]), NOW, { sleep: async (ms) => void sleeps.push(ms) });
    expect(result).toEqual({ applied: 1, alreadyApplied: 0 });
    expect(sleeps).toHaveLength(2);
  });

  test("conflicts that do not end fail the record, with the cause", async () => {
    const db = new FakeDynamo();
    db.conflicts = 5;
    await expect(
      applyOnce(db, record([counter(1)]), NOW, { attempts: 3, sleep: async () => {} }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/attempt 3 of 3/),
      cause: expect.any(TransactionCanceledException),
    });
  });

  test("any other error fails the record at once", async () => {
    const db = { send: jest.fn().mockRejectedValue(new Error("ProvisionedThroughputExceeded")) };
    await expect(applyOnce(db, record([counter(1)]), NOW)).rejects.toThrow(/attempt 1 of 10/);
    expect(db.send).toHaveBeenCalledTimes(1);
  });
});

describe("cancellation", () => {
  const canceled = (codes: string[], message = "Transaction cancelled") =>
    new TransactionCanceledException({
      message,
      $metadata: {},
      CancellationReasons: codes.length === 0 ? undefined : codes.map((Code) => ({ Code })),
    });
  test.each<[string, unknown, string]>([
    ["the receipt's condition", canceled(["ConditionalCheckFailed", "None"]), "receipt-exists"],
    ["a conflict", canceled(["None", "TransactionConflict"]), "conflict"],
    ["another item's condition", canceled(["None", "ConditionalCheckFailed"]), "other"],
    ["reasons only in the message", canceled([], "… reasons [ConditionalCheckFailed, None]"), "receipt-exists"],
    ["not a cancellation", new Error("boom"), "other"],
  ])("%s", (_what, error, verdict) => {
    expect(cancellation(error)).toBe(verdict);
  });
});
