import { BankMessageSchema, contentHash, parseType } from "#bank/contracts";
import { openMessage, publish, toRecord, transactionMessage } from "#bank/producer";

describe("parseType", () => {
  test.each([
    ["deposit", "deposit"],
    ["Deposit", "deposit"],
    [" WITHDRAWAL ", "withdrawal"],
  ])("%j is %s", (text, type) => expect(parseType(text)).toBe(type));

  test.each(["transfer", "withdraw", "refund", "", "deposits", "credit"])("%j is no type", (text) => {
    expect(parseType(text)).toBeUndefined();
  });
});

describe("contentHash", () => {
  const base = { account: "ACC-1", amount: "12.50", type: "deposit" };

  test("the same money, however it is written, is the same content", () => {
    expect(contentHash({ ...base, amount: "12.5" })).toBe(contentHash(base));
    expect(contentHash({ ...base, type: "Deposit" })).toBe(contentHash(base));
  });

  test.each([
    ["another account", { account: "ACC-2" }],
    ["another amount", { amount: "12.51" }],
    ["another type", { type: "withdrawal" }],
    ["an unreadable amount", { amount: "12.5o" }],
  ])("%s is other content", (_what, change) => {
    expect(contentHash({ ...base, ...change })).not.toBe(contentHash(base));
  });
});

describe("the producer's messages", () => {
  const now = () => new Date("2026-11-29T12:00:00.000Z");

  test("a live entry gets a fresh id and today's date, and is keyed by its account", () => {
    const m = transactionMessage({ account: "ACC-1", amount: "12.50", type: "deposit", source: "live" }, now);
    expect(m).toMatchObject({ kind: "transaction", account: "ACC-1", date: "2026-11-29T12:00:00.000Z" });
    expect(m.transactionId).toMatch(/^live-[0-9a-f-]{36}$/);
    expect(toRecord(m)).toEqual({ key: "ACC-1", value: JSON.stringify(m) });
    expect(BankMessageSchema.parse(JSON.parse(String(toRecord(m).value)))).toEqual(m);
  });

  test("amount and type travel as entered: the consumer judges them", () => {
    const m = transactionMessage({ account: "ACC-1", amount: "12.345", type: "gift", source: "live" }, now);
    expect(m).toMatchObject({ amount: "12.345", type: "gift" });
  });

  test.each([
    ["an id with a space", { transactionId: "a b" }],
    ["an absurdly long amount", { amount: "1".repeat(65) }],
  ])("%s is refused before it is sent", (_what, change) => {
    expect(() =>
      transactionMessage({ account: "ACC-1", amount: "1", type: "deposit", source: "live", ...change }, now),
    ).toThrow();
  });

  test("an account id that could break a key cannot be opened", () => {
    expect(openMessage("ACC-1", "2026-01-01", "bootstrap")).toMatchObject({ kind: "open", account: "ACC-1" });
    expect(() => openMessage("ACC 1", "2026-01-01", "bootstrap")).toThrow();
    expect(() => openMessage("", "2026-01-01", "bootstrap")).toThrow();
  });

  test("publish sends in order, in chunks, each acknowledged by all replicas, and reports progress", async () => {
    const sent: Array<{ topic: string; acks?: number; keys: unknown[] }> = [];
    const producer = {
      send: async (r: { topic: string; acks?: number; messages: Array<{ key?: unknown }> }) => {
        sent.push({ topic: r.topic, acks: r.acks, keys: r.messages.map((m) => m.key) });
        return [];
      },
    };
    const messages = ["A", "B", "C", "D", "E"].map((a) => openMessage(a, "2026-01-01", "bootstrap"));
    const progress: number[] = [];
    await publish(producer, "transactions", messages, { chunk: 2, onProgress: (n) => progress.push(n) });
    expect(sent).toEqual([
      { topic: "transactions", acks: -1, keys: ["A", "B"] },
      { topic: "transactions", acks: -1, keys: ["C", "D"] },
      { topic: "transactions", acks: -1, keys: ["E"] },
    ]);
    expect(progress).toEqual([2, 4, 5]);
  });

  test("a failed send says which messages it was carrying and keeps its cause", async () => {
    const cause = new Error("broker gone");
    const producer = { send: async () => Promise.reject(cause) };
    const messages = [openMessage("A", "2026-01-01", "bootstrap")];
    await expect(publish(producer, "transactions", messages)).rejects.toMatchObject({
      message: "cannot send transactions 1-1 to transactions",
      cause,
    });
  });
});
