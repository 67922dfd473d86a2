/**
 * The bank pipeline end to end on the local stack: the bundled sample goes through Kafka to the
 * transactions stage, and every account must end at the balance the sample declares, to the cent, with
 * every bad row refused for the reason the sample declares. Then the same batch delivered again (invoked
 * twice through the Lambda API, as the local service or AWS does after a crash) must change nothing, the
 * same file loaded again must change nothing, and live entries get their outcome.
 */
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { openMessage, transactionMessage } from "#bank/producer";
import { transactionCommand } from "#local/jobs/analytics/bank/commands";
import { enterTransaction } from "#local/jobs/analytics/bank/live";
import { type BankTarget, bankTarget, type LoadResult, loadTransactions } from "#local/jobs/analytics/bank/load";
import { readAccounts } from "#local/jobs/analytics/bank/outcomes";
import { type BankSample, bankSample } from "#local/jobs/analytics/bank/sample";
import { awsClients, stackOutputs } from "#local/support/aws";
import { cfg, unique } from "./helpers";

jest.setTimeout(15 * 60_000);

const log = (m: string): void => {
  process.stderr.write(`[bank] ${m}\n`);
};

describe("the bank pipeline on its sample", () => {
  let outputs: Record<string, string>;
  let target: BankTarget;
  let sample: BankSample;
  let first: LoadResult;
  const db = () => awsClients(cfg).documents;
  const load = () =>
    loadTransactions(cfg, target, { text: sample.csv, origin: "the bank sample" }, { log, interactive: false });
  const balances = async (accounts: string[]) =>
    Object.fromEntries([...(await readAccounts(db(), target.table, accounts))].map(([a, item]) => [a, item.balance]));

  beforeAll(async () => {
    outputs = await stackOutputs(cfg, cfg.stackPrefix);
    target = bankTarget(outputs);
    sample = bankSample();
    first = await load();
    log(`loaded in ${first.seconds.toFixed(1)} s`);
  });

  test("every account ends at the balance the sample declares, to the cent", async () => {
    expect(await balances(Object.keys(sample.balances))).toEqual(sample.balances);
  });

  test("every bad row is refused for the reason the sample declares, and every other row applied", () => {
    const got: Record<number, string> = {};
    for (const r of first.rows)
      got[r.row.line] = r.outcome?.outcome === "applied" ? "applied" : String(r.outcome?.reason);
    for (const p of first.problems) got[p.line] = "unreadable-row";
    const want: Record<number, string> = {};
    for (const r of first.rows) want[r.row.line] = "applied";
    Object.assign(want, sample.badRows);
    expect(got).toEqual(want);
    expect(Object.values(got).filter((o) => o === "applied")).toHaveLength(sample.applied);
  });

  test("the load's own check agrees with the file's balance column, row by row and account by account", () => {
    expect(first.check.rows).toEqual([]);
    expect(first.check.accounts).toEqual([]);
    expect(first.check.accountsChecked).toBe(Object.keys(sample.balances).length);
  });

  test("the same batch delivered again changes no balance and no item", async () => {
    const account = unique("RDL");
    const tx = (id: string, type: string, amount: string) =>
      transactionMessage({
        transactionId: `${account}-${id}`,
        account,
        type,
        amount,
        date: "2026-11-29",
        source: "test",
      });
    const messages = [
      openMessage(account, "2026-11-29", "test"),
      tx("t1", "deposit", "100.00"),
      tx("t2", "withdrawal", "30"),
      tx("t3", "withdrawal", "500.00"),
      tx("t4", "deposit", "abc"),
      tx("t1", "deposit", "100.0"),
      tx("t1", "deposit", "99.00"),
      tx("t5", "Withdrawal", "70.00"),
    ];
    const event = {
      eventSource: "SelfManagedKafka",
      bootstrapServers: cfg.kafka.bootstrapServers,
      records: {
        [`${target.topic}-0`]: messages.map((m, i) => ({
          topic: target.topic,
          partition: 0,
          // Offsets far beyond what the topic holds; the transaction ids are this test's own anyway.
          offset: 9_000_000_000 + i,
          timestamp: Date.now(),
          timestampType: "CREATE_TIME",
          key: Buffer.from(account).toString("base64"),
          value: Buffer.from(JSON.stringify(m)).toString("base64"),
          headers: [],
        })),
      },
    };
    const invoke = async () => {
      const res = await awsClients(cfg).lambda.send(
        new InvokeCommand({ FunctionName: outputs.TransactionsFunctionName, Payload: JSON.stringify(event) }),
      );
      expect(res.FunctionError).toBeUndefined();
      return JSON.parse(Buffer.from(res.Payload ?? []).toString()) as unknown;
    };
    const items = async () => {
      const keys = [`ACCOUNT#${account}`, ...["t1", "t2", "t3", "t4", "t5"].map((t) => `TXID#${account}-${t}`)];
      const all: Record<string, unknown>[] = [];
      for (const pk of keys) {
        const res = await db().send(
          new QueryCommand({
            TableName: target.table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": pk },
            ConsistentRead: true,
          }),
        );
        all.push(...(res.Items ?? []));
      }
      return all;
    };

    expect(await invoke()).toEqual({ batchItemFailures: [] });
    const once = await items();
    // Declared by the batch: +100.00 −30.00 (−500.00 refused, "abc" refused, t1 again a duplicate, t1 with
    // other content a reuse) −70.00 = 0.00 after three applied transactions.
    expect(await balances([account])).toEqual({ [account]: 0 });
    const marker = (t: string) => once.find((i) => i.pk === `TXID#${account}-${t}` && i.sk === "TXID");
    expect([marker("t1")?.outcome, marker("t2")?.outcome, marker("t3")?.reason, marker("t4")?.reason]).toEqual([
      "applied",
      "applied",
      "insufficient-funds",
      "malformed-amount",
    ]);
    expect([...((marker("t1")?.seenBy as Set<string> | undefined) ?? [])]).toHaveLength(2);
    expect(once.filter((i) => String(i.sk).startsWith("REUSE#"))).toHaveLength(1);
    expect(once.filter((i) => String(i.sk).startsWith("TX#"))).toHaveLength(3);

    expect(await invoke()).toEqual({ batchItemFailures: [] });
    expect(await items()).toEqual(once);
  });

  test("loading the same file again changes nothing: every row was recorded by the first load", async () => {
    const before = await balances(Object.keys(sample.balances));
    const again = await load();
    expect(await balances(Object.keys(sample.balances))).toEqual(before);
    expect(again.rows.filter((r) => !r.earlier)).toEqual([]);
    expect(again.check.rows).toEqual([]);
    expect(again.check.accounts).toEqual([]);
  });

  test("a live entry is applied once and prints the new balance; refusals print their reason", async () => {
    // An account of this run's own, opened by a bootstrap file that declares its balance: the sample's accounts
    // must stay as the sample declares, so this test can run again on the same stack.
    const account = unique("LIVE");
    const opening = `transaction_date,account,transaction_value,balance,transaction_type\n2026-11-29,${account},100.00,100.00,deposit\n`;
    const opened = await loadTransactions(
      cfg,
      target,
      { text: opening, origin: "opening" },
      { log, interactive: false },
    );
    expect(opened.check).toEqual({ rows: [], accounts: [], accountsChecked: 1 });
    const start = 100_00;
    const enter = (amount: string, type: string, extra: { account?: string; transactionId?: string } = {}) =>
      enterTransaction(cfg, target, { account, amount, type, ...extra }, { timeoutMs: 60_000 });

    const deposit = await enter("12.50", "deposit");
    expect(deposit).toMatchObject({ kind: "applied", balance: start + 1250 });
    expect(await enter("99999999", "withdrawal")).toMatchObject({
      kind: "rejected",
      outcome: { reason: "insufficient-funds" },
    });
    expect(await enter("5", "deposit", { account: "NO-SUCH-ACCOUNT" })).toMatchObject({
      kind: "rejected",
      outcome: { reason: "unknown-account" },
    });
    expect(await enter("12.345", "deposit")).toMatchObject({ outcome: { reason: "malformed-amount" } });
    expect(await enter("-5", "deposit")).toMatchObject({ outcome: { reason: "non-positive-amount" } });
    expect(await enter("5", "transfer")).toMatchObject({ outcome: { reason: "unknown-type" } });

    const id = unique("retry");
    expect(await enter("1.00", "withdrawal", { transactionId: id })).toMatchObject({ kind: "applied" });
    expect(await enter("1", "Withdrawal", { transactionId: id })).toMatchObject({ kind: "duplicate" });
    expect(await enter("2.00", "withdrawal", { transactionId: id })).toMatchObject({
      kind: "rejected",
      outcome: { reason: "reused-transaction-id" },
    });
    expect(await balances([account])).toEqual({ [account]: start + 1250 - 100 });

    const printed: string[] = [];
    const code = await transactionCommand(
      cfg,
      ["--account", account, "--amount", "0.50", "--type", "deposit", "--timeout", "60"],
      (m) => printed.push(m),
    );
    expect(code).toBe(0);
    expect(printed.join("\n")).toMatch(/: applied; balance [\d,]+\.\d\d$/);
  });
});
