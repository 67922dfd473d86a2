/** `sluice load transactions --from FILE.csv` and `sluice transaction --account A --amount 12.50 --type T`. */
import { parseArgs } from "node:util";
import { displayCents } from "#bank/money";
import type { LocalConfig } from "../../../config";
import { stackOutputs } from "../../../support/aws";
import type { Log } from "../../../support/log";
import { enterTransaction } from "./live";
import { bankTarget, loadTransactions } from "./load";
import { formatBadRows, formatCheck, formatCounts } from "./report";

const LOAD_HELP = `usage: sluice load transactions --from FILE.csv [--timeout SECONDS]

Bootstraps the bank: every account the file names is opened with a zero balance, every row goes through
Kafka (topic TransactionsTopic) like a live transaction, and once each row has an outcome the balances are
checked against the file's own balance column, row by row and account by account.

  --from FILE.csv   columns transaction_date, account, transaction_value, balance, transaction_type
                    (a header row; any order; other columns ignored). Amounts like 12.50, 12.5, 12 or
                    "1,234.56"; types deposit or withdrawal; the balance is the account's after the row
                    (unchanged after a row the bank refused).
  --timeout S       how long to wait for every outcome (default 600)

Loading the same file again changes nothing: each row's transaction id is the file's hash and its line.
Exit status: 0 when every balance matches the file, 1 when one does not.`;

const TRANSACTION_HELP = `usage: sluice transaction --account A --amount 12.50 --type deposit|withdrawal [--id ID] [--timeout S]

Enters one transaction through Kafka and waits for its outcome: the new balance, or why it was refused
(unknown-account, malformed-amount, non-positive-amount, unknown-type, insufficient-funds,
reused-transaction-id).

  --id ID       the transaction's id (default: a new live-<uuid>); entering the same id and content again
                is a duplicate and changes nothing, the same id with other content is refused
  --timeout S   how long to wait for the outcome (default 30)

Exit status: 0 applied or duplicate, 1 refused, 2 no outcome in time.`;

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number of seconds > 0, got "${value}"`);
  return n * 1000;
}

export async function loadCommand(cfg: LocalConfig, args: string[], log: Log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { from: { type: "string" }, timeout: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    log(LOAD_HELP);
    return 0;
  }
  if (values.from === undefined) throw new Error(`--from FILE.csv is required\n\n${LOAD_HELP}`);
  const target = bankTarget(await stackOutputs(cfg, cfg.stackPrefix));
  const result = await loadTransactions(cfg, target, values.from, {
    log,
    interactive: process.stdout.isTTY === true,
    timeoutMs: seconds(values.timeout, 600, "--timeout"),
  });
  const bad = formatBadRows(result);
  log(
    [
      `loaded ${result.origin}`,
      ...formatCounts(result),
      ...(bad.length > 0 ? ["bad rows (line: account: reason):", ...bad] : []),
      ...formatCheck(result),
    ].join("\n"),
  );
  return result.check.rows.length + result.check.accounts.length === 0 ? 0 : 1;
}

export async function transactionCommand(cfg: LocalConfig, args: string[], log: Log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      account: { type: "string" },
      amount: { type: "string" },
      type: { type: "string" },
      id: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    log(TRANSACTION_HELP);
    return 0;
  }
  const missing = (["account", "amount", "type"] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new Error(`${missing.map((m) => `--${m}`).join(", ")} required\n\n${TRANSACTION_HELP}`);
  const target = bankTarget(await stackOutputs(cfg, cfg.stackPrefix));
  const entry = {
    account: values.account ?? "",
    amount: values.amount ?? "",
    type: values.type ?? "",
    ...(values.id === undefined ? {} : { transactionId: values.id }),
  };
  const result = await enterTransaction(cfg, target, entry, { timeoutMs: seconds(values.timeout, 30, "--timeout") });
  const what = `${entry.account} ${entry.type} ${entry.amount} (${result.transactionId}, record ${result.record})`;
  switch (result.kind) {
    case "timeout":
      log(`${what}: no outcome within the timeout; it will still be applied once the stage reads it`);
      return 2;
    case "rejected":
      log(`${what}: rejected: ${result.outcome.reason}${result.outcome.detail ? ` (${result.outcome.detail})` : ""}`);
      return 1;
    case "duplicate": {
      const first = result.outcome.outcome === "applied" ? "applied" : `rejected: ${result.outcome.reason}`;
      const balance = result.balance === undefined ? "" : `; balance ${displayCents(result.balance)}`;
      log(`${what}: duplicate of record ${result.outcome.marker.firstBy} (${first}); nothing changed${balance}`);
      return result.outcome.outcome === "applied" ? 0 : 1;
    }
    case "applied":
      log(`${what}: applied; balance ${result.balance === undefined ? "?" : displayCents(result.balance)}`);
      return 0;
  }
}
