/**
 * The bootstrap: a transactions CSV through Kafka like live traffic. Every account the file names is
 * opened (an `open` record before its first row; a name that cannot be an account id is not, and its rows
 * are refused as `unknown-account`), every readable row is sent as a transaction whose id is the file's
 * content hash and the row's line (loading the same file again is a no-op), then the load waits until
 * each row has an outcome and checks the balances against the file's own `balance` column.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { ACCOUNT_ID, contentHash, type OpenAccount, type TransactionMessage } from "#bank/contracts";
import { openMessage, publish, transactionMessage } from "#bank/producer";
import { producerOptions } from "#shared/producer-options";
import type { LocalConfig } from "../../../config";
import { adminKafka } from "../../../launchers/kafka-client";
import { awsClients } from "../../../support/aws";
import type { Log } from "../../../support/log";
import { progressBars } from "../../progress";
import { type BalanceCheck, checkBalances } from "./check";
import { type CsvProblem, type CsvRow, readTransactionsCsv } from "./csv";
import { type Outcome, readAccounts, readOutcomes, type Sent, waitForOutcomes } from "./outcomes";

export interface BankTarget {
  readonly topic: string;
  readonly table: string;
}

/** The deployed bank pipeline's topic and table, from the stack outputs. */
export function bankTarget(outputs: Record<string, string>): BankTarget {
  const topic = outputs.TransactionsTopic;
  const table = outputs.BankTableName;
  if (!topic || !table) {
    throw new Error(
      "no TransactionsTopic / BankTableName output: is the analytics stack deployed? (npm run deploy:local)",
    );
  }
  return { topic, table };
}

export interface RowResult {
  readonly row: CsvRow;
  readonly transactionId: string;
  readonly outcome?: Outcome;
  /** The outcome was recorded before this load started: an earlier load of the same file. */
  readonly earlier: boolean;
}

export interface LoadResult {
  readonly origin: string;
  readonly rows: RowResult[];
  /** Rows the CSV could not give, and rows that could not be sent (line and why). */
  readonly problems: CsvProblem[];
  readonly accounts: string[];
  readonly records: { readonly opens: number; readonly transactions: number };
  /** Each opened account's balance in the table after the load, in cents. */
  readonly balances: ReadonlyMap<string, number>;
  readonly check: BalanceCheck;
  readonly publishSeconds: number;
  readonly seconds: number;
}

export interface LoadOptions {
  readonly log: Log;
  readonly interactive: boolean;
  /** @default 10 minutes */
  readonly timeoutMs?: number;
}

/** Loads a CSV file (a path) or CSV text (`{ text, origin }`) onto the deployed bank pipeline. */
export async function loadTransactions(
  cfg: LocalConfig,
  target: BankTarget,
  source: string | { readonly text: string; readonly origin: string },
  options: LoadOptions,
): Promise<LoadResult> {
  const started = Date.now();
  const origin = typeof source === "string" ? source : source.origin;
  const [csv, fileHash] = await Promise.all([
    readTransactionsCsv(typeof source === "string" ? source : { text: source.text }),
    typeof source === "string" ? hashFile(source) : Promise.resolve(sha256(source.text)),
  ]);
  const { messages, sent, accounts, problems } = toMessages(csv.rows, fileHash);
  problems.unshift(...csv.problems);
  const opens = messages.length - sent.length;
  options.log(
    `loading ${plural(csv.rows.length, "row")} of ${origin} for ${plural(accounts.length, "account")} onto ${target.topic}` +
      (problems.length > 0 ? ` (${plural(problems.length, "row")} cannot be sent)` : ""),
  );

  const bars = progressBars(options.interactive, " {stage} |{bar}| {value}/{total}");
  // Each account's last transaction goes on its own, after the rest: the broker says which record it became,
  // and once the stage has recorded that record it has handled every earlier one of the account (one key,
  // one partition, in order). Waiting on those alone keeps the polling small, and a second load of the same
  // file waits for its own records, not for the first load's outcomes.
  const last = new Map<string, number>();
  messages.forEach((m, i) => {
    if (m.kind === "transaction") last.set(m.account, i);
  });
  const lastIndexes = new Set(last.values());
  const bulk = messages.filter((_, i) => !lastIndexes.has(i));
  const sentinels = [...lastIndexes].map((i) => messages[i] as TransactionMessage);
  const records = new Map<string, string>();
  let publishSeconds = 0;
  let waited: Awaited<ReturnType<typeof waitForOutcomes>>;
  try {
    const sendBar = bars.create(messages.length, 0, { stage: "sent    " });
    const doneBar = bars.create(sentinels.length, 0, { stage: "accounts" });
    const producer = adminKafka(cfg, "sluice-bank-load").producer(producerOptions());
    await producer.connect();
    try {
      const t = Date.now();
      await publish(producer, target.topic, bulk, { onProgress: (n) => sendBar.update(n) });
      for (const m of sentinels) {
        const [meta] = await publish(producer, target.topic, [m]);
        records.set(m.transactionId, `${meta?.topicName}-${meta?.partition}-${meta?.baseOffset ?? meta?.offset}`);
        sendBar.increment();
      }
      publishSeconds = (Date.now() - t) / 1000;
    } finally {
      await producer.disconnect();
    }
    waited = await waitForOutcomes(
      awsClients(cfg).documents,
      target.table,
      sentinels.map((m) => ({ transactionId: m.transactionId, contentHash: contentHash(m) })),
      {
        deadline: Date.now() + (options.timeoutMs ?? 10 * 60_000),
        done: (o, s) => o.seenBy.has(records.get(s.transactionId) ?? ""),
        onProgress: (n) => doneBar.update(n),
        intervalMs: 1000,
      },
    );
  } finally {
    bars.stop();
  }
  if (waited.missing.length > 0) {
    options.log(`  ${plural(waited.missing.length, "account")}' last rows had no outcome before the deadline`);
  }
  const outcomes = await readOutcomes(awsClients(cfg).documents, target.table, sent);

  const stored = new Map(
    [...(await readAccounts(awsClients(cfg).documents, target.table, accounts))].map(([a, item]) => [a, item.balance]),
  );
  const byLine = new Map(sent.map((s) => [s.line, s]));
  const rows: RowResult[] = [];
  for (const row of csv.rows) {
    const s = byLine.get(row.line);
    if (s === undefined) continue;
    const outcome = outcomes.get(s.transactionId);
    const earlier = outcome !== undefined && Date.parse(outcome.marker.recordedAt) < started;
    rows.push({ row, transactionId: s.transactionId, outcome, earlier });
  }
  const results = new Map(rows.map((r) => [r.row.line, r]));
  const check = checkBalances(
    csv.rows.filter((r) => results.has(r.line)),
    (row) => {
      const o = results.get(row.line)?.outcome;
      return {
        applied: o === undefined ? undefined : o.outcome === "applied",
        reason: o?.reason,
        checked: ACCOUNT_ID.test(row.account),
      };
    },
    stored,
  );
  return {
    origin,
    rows,
    problems,
    accounts,
    records: { opens, transactions: sent.length },
    balances: stored,
    check,
    publishSeconds,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Opens before each account's first row, then the rows in file order; ids from the file's hash and line. */
export function toMessages(
  rows: readonly CsvRow[],
  fileHash: string,
): {
  messages: Array<OpenAccount | TransactionMessage>;
  sent: Array<Sent & { line: number }>;
  accounts: string[];
  problems: CsvProblem[];
} {
  const messages: Array<OpenAccount | TransactionMessage> = [];
  const sent: Array<Sent & { line: number }> = [];
  const opened = new Set<string>();
  const problems: CsvProblem[] = [];
  for (const row of rows) {
    let message: TransactionMessage;
    try {
      message = transactionMessage({
        transactionId: `load-${fileHash.slice(0, 12)}-${row.line}`,
        account: row.account,
        amount: row.value,
        type: row.type,
        date: row.date,
        source: "bootstrap",
        line: row.line,
      });
    } catch (error) {
      problems.push({ line: row.line, problem: `cannot be sent: ${(error as Error).message.slice(0, 200)}` });
      continue;
    }
    if (ACCOUNT_ID.test(row.account) && !opened.has(row.account)) {
      opened.add(row.account);
      messages.push(openMessage(row.account, row.date || new Date().toISOString(), "bootstrap"));
    }
    messages.push(message);
    sent.push({ transactionId: message.transactionId, contentHash: contentHash(message), line: row.line });
  }
  return { messages, sent, accounts: [...opened], problems };
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
