import { applyOnce, type CounterWrite, type RecordWrites } from "#tweets/exactly-once";
import { groupCommit, planGroup } from "#tweets/group-commit";
import { FakeDynamo } from "./fake-dynamo";

const NOW = new Date("2026-11-29T12:00:00Z");
const tag = (n: number, table = "t"): CounterWrite => ({
  table,
  key: { pk: `TAG#${n}`, sk: "ALL" },
  add: { count: 1 },
});
const user = (name: string): CounterWrite => ({ table: "u", key: { userId: "7" }, add: { seen: 1 }, set: { name } });
const record = (id: string, writes: CounterWrite[]): RecordWrites => ({
  receiptTable: "t",
  recordId: id,
  appliedBy: `tweets-0-${id}`,
  writes,
});
const quiet = { now: () => NOW, sleep: async () => {} };

describe("planGroup", () => {
  test("receipts first, in order, then one item per counter with the amounts added and the later name kept", () => {
    const group = planGroup([record("1", [user("Ana"), tag(1)]), record("2", [user("Ana B"), tag(1), tag(2)])], NOW);
    expect(group.members.map((m) => m.recordId)).toEqual(["1", "2"]);
    expect(group.items.map((i) => i.Put?.Item?.pk ?? i.Update?.Key)).toEqual([
      "RECEIPT#1",
      "RECEIPT#2",
      { userId: "7" },
      { pk: "TAG#1", sk: "ALL" },
      { pk: "TAG#2", sk: "ALL" },
    ]);
    expect(group.items[2]?.Update).toMatchObject({
      UpdateExpression: "SET #s0 = :s0 ADD #a0 :a0",
      ExpressionAttributeValues: { ":s0": "Ana B", ":a0": 2 },
    });
    expect(group.items[3]?.Update?.ExpressionAttributeValues).toEqual({ ":a0": 2 });
    expect(group.items[4]?.Update?.ExpressionAttributeValues).toEqual({ ":a0": 1 });
  });

  test("ends before the record that would pass 100 items", () => {
    // Each record: its receipt and 30 counters of its own; three make 93 items, a fourth would make 124.
    const records = [0, 1, 2, 3].map((r) =>
      record(
        `${r}`,
        Array.from({ length: 30 }, (_, i) => tag(r * 100 + i)),
      ),
    );
    const group = planGroup(records, NOW);
    expect(group.members).toHaveLength(3);
    expect(group.items).toHaveLength(93);
  });

  test("counters shared by the records count once towards the limit", () => {
    const records = [0, 1, 2, 3, 4].map((r) =>
      record(
        `${r}`,
        Array.from({ length: 30 }, (_, i) => tag(i)),
      ),
    );
    expect(planGroup(records, NOW).items).toHaveLength(35);
  });

  test("ends before the same record's second copy", () => {
    const group = planGroup([record("1", [tag(1)]), record("2", [tag(2)]), record("1", [tag(1)])], NOW);
    expect(group.members.map((m) => m.recordId)).toEqual(["1", "2"]);
  });
});

describe("groupCommit", () => {
  test("records handed over in the same turn go in one transaction, each counted once", async () => {
    const db = new FakeDynamo();
    const apply = groupCommit(db, quiet);
    const results = await Promise.all(["1", "2", "3", "4", "5"].map((id) => apply(record(id, [tag(1), tag(+id)]))));
    expect(results).toEqual(Array(5).fill({ applied: 1, alreadyApplied: 0 }));
    expect(db.sent).toHaveLength(1);
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(6); // five from TAG#1, one from record "1"'s own
    expect(db.item("t", { pk: "TAG#5", sk: "ALL" })?.count).toBe(1);
  });

  test("a record applied before leaves the group; the others are applied, nothing twice", async () => {
    const db = new FakeDynamo();
    await applyOnce(db, record("2", [tag(1)]), NOW);
    const apply = groupCommit(db, quiet);
    const results = await Promise.all(["1", "2", "3"].map((id) => apply(record(id, [tag(1)]))));
    expect(results).toEqual([
      { applied: 1, alreadyApplied: 0 },
      { applied: 0, alreadyApplied: 1 },
      { applied: 1, alreadyApplied: 0 },
    ]);
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(3);
  });

  test("a record applied in a group is already applied for applyOnce, and the same record twice counts once", async () => {
    const db = new FakeDynamo();
    const apply = groupCommit(db, quiet);
    const results = await Promise.all([apply(record("1", [tag(1)])), apply(record("1", [tag(1)]))]);
    expect(results).toEqual([
      { applied: 1, alreadyApplied: 0 },
      { applied: 0, alreadyApplied: 1 },
    ]);
    expect(await applyOnce(db, record("1", [tag(1)]), NOW)).toEqual({ applied: 0, alreadyApplied: 1 });
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(1);
  });

  test("records handed over while a transaction is on its way go together in the next one", async () => {
    const db = new FakeDynamo();
    const apply = groupCommit(db, quiet);
    const first = apply(record("1", [tag(1)]));
    await new Promise((resolve) => setImmediate(resolve)); // the first group is on its way
    const later = Promise.all(["2", "3", "4"].map((id) => apply(record(id, [tag(1)]))));
    await Promise.all([first, later]);
    expect(db.sent.map((t) => t.TransactItems?.filter((i) => i.Put).length)).toEqual([1, 3]);
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(4);
  });

  test("conflicts are retried as a group", async () => {
    const db = new FakeDynamo();
    db.conflicts = 2;
    const apply = groupCommit(db, quiet);
    await Promise.all(["1", "2"].map((id) => apply(record(id, [tag(1)]))));
    expect(db.sent).toHaveLength(3);
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(2);
  });

  test("a record that cannot be written fails alone, with the cause; the rest of its group is applied", async () => {
    const db = new FakeDynamo();
    db.refused.add("bad");
    const apply = groupCommit(db, quiet);
    const [ok, bad, ok2] = await Promise.allSettled([
      apply(record("1", [tag(1)])),
      apply(record("2", [tag(2, "bad")])),
      apply(record("3", [tag(1)])),
    ]);
    expect(ok).toEqual({ status: "fulfilled", value: { applied: 1, alreadyApplied: 0 } });
    expect(ok2).toEqual({ status: "fulfilled", value: { applied: 1, alreadyApplied: 0 } });
    expect(bad).toMatchObject({ status: "rejected", reason: { cause: { name: "ValidationException" } } });
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(2);
    expect(db.items("t").some((i) => i.pk === "RECEIPT#2")).toBe(false);
  });

  test("a record with more writes than a transaction holds is applied alone, in parts", async () => {
    const db = new FakeDynamo();
    const apply = groupCommit(db, quiet);
    const big = record(
      "9",
      Array.from({ length: 150 }, (_, i) => tag(i)),
    );
    const [result] = await Promise.all([apply(big), apply(record("1", [tag(1)]))]);
    expect(result).toEqual({ applied: 2, alreadyApplied: 0 });
    expect(db.item("t", { pk: "TAG#1", sk: "ALL" })?.count).toBe(2);
    expect(db.item("t", { pk: "TAG#149", sk: "ALL" })?.count).toBe(1);
  });
});
