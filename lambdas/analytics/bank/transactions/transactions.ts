/**
 * transactions: applies each record of the `transactions` topic once. An `open` opens its account; a
 * transaction is judged (amount, type, account id) and then applied, or refused with a reason that is
 * recorded on its id. The ledger's conditions decide what depends on the table (is the id new, is the
 * account open, does the balance cover a withdrawal), so a redelivered record changes nothing and a
 * withdrawal cannot overdraw whatever else runs.
 *
 * | outcome        | when                                                                          |
 * |----------------|-------------------------------------------------------------------------------|
 * | `applied`      | a new id: the marker, the transaction and the new balance written together    |
 * | `rejected`     | with a reason (contracts.ts `REJECTION_REASONS`); recorded on the id's marker |
 * | `redelivered`  | the record that decided the id, delivered again: nothing written              |
 * | `duplicate`    | the same id and content in another record: added to the marker's `seenBy`     |
 * | `opened`, `already-open` | an `open` record                                                     |
 * | `invalid`      | not a bank message at all: kept under `INVALID#<record>`                      |
 */
import {
  ACCOUNT_ID,
  type BankMessage,
  BankMessageSchema,
  contentHash,
  type OpenAccount,
  parseType,
  type RejectionReason,
  type TransactionMessage,
} from "#bank/contracts";
import type { ApplyResult, MarkerItem, RecordResult, ValidTransaction } from "#bank/ledger";
import { formatCents, parseAmount } from "#bank/money";
import { InvalidMessageError, parseMessage } from "#shared/message";
import type { RecordOutcome } from "#shared/outcome";

export interface TransactionsDeps {
  readonly openAccount: (open: OpenAccount, by: string) => Promise<"opened" | "already-open">;
  readonly applyTransaction: (tx: ValidTransaction, by: string, now: string) => Promise<ApplyResult>;
  readonly recordRejection: (
    message: TransactionMessage,
    hash: string,
    rejection: { readonly reason: RejectionReason; readonly detail?: string },
    by: string,
    now: string,
  ) => Promise<RecordResult>;
  readonly markSeen: (transactionId: string, by: string) => Promise<void>;
  readonly recordReuse: (message: TransactionMessage, hash: string, by: string, now: string) => Promise<void>;
  readonly recordInvalid: (by: string, value: string, problem: string) => Promise<void>;
  readonly now: () => Date;
}

export async function applyRecord(value: string, by: string, deps: TransactionsDeps): Promise<RecordOutcome> {
  let message: BankMessage;
  try {
    message = parseMessage(BankMessageSchema, value);
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    await deps.recordInvalid(by, value, error.message);
    return { outcome: "invalid", reason: "invalid-message", fields: { problem: error.message } };
  }
  if (message.kind === "open") {
    const opened = await deps.openAccount(message, by);
    return { outcome: opened, fields: { account: message.account } };
  }
  return applyTransactionMessage(message, by, deps);
}

/** The checks that need no table, in a fixed order so a row with two problems always gets the same reason. */
export function judge(
  message: TransactionMessage,
): { ok: true; tx: ValidTransaction } | { ok: false; reason: RejectionReason; detail: string } {
  const amount = parseAmount(message.amount);
  if (!amount.ok) return { ok: false, reason: amount.reason, detail: amount.detail };
  const type = parseType(message.type);
  if (type === undefined) {
    return { ok: false, reason: "unknown-type", detail: `"${message.type}" is neither deposit nor withdrawal` };
  }
  if (!ACCOUNT_ID.test(message.account)) {
    return { ok: false, reason: "unknown-account", detail: `"${message.account}" cannot be an account id` };
  }
  return { ok: true, tx: { message, contentHash: contentHash(message), type, cents: amount.cents } };
}

async function applyTransactionMessage(
  message: TransactionMessage,
  by: string,
  deps: TransactionsDeps,
): Promise<RecordOutcome> {
  const now = deps.now().toISOString();
  const hash = contentHash(message);
  const fields = { transactionId: message.transactionId, account: message.account };
  const judged = judge(message);
  let rejection: { reason: RejectionReason; detail: string };
  if (judged.ok) {
    const applied = await deps.applyTransaction(judged.tx, by, now);
    switch (applied.kind) {
      case "applied":
        return { outcome: "applied", fields: { ...fields, type: judged.tx.type, cents: judged.tx.cents } };
      case "id-taken":
        return seenBefore(message, hash, applied.marker, by, now, deps);
      case "unknown-account":
        rejection = { reason: "unknown-account", detail: "no such open account" };
        break;
      case "insufficient-funds":
        rejection = {
          reason: "insufficient-funds",
          detail: `the balance ${formatCents(applied.balance)} does not cover ${formatCents(judged.tx.cents)}`,
        };
        break;
    }
  } else {
    rejection = { reason: judged.reason, detail: judged.detail };
  }
  const recorded = await deps.recordRejection(message, hash, rejection, by, now);
  if (recorded.kind === "id-taken") return seenBefore(message, hash, recorded.marker, by, now, deps);
  return { outcome: "rejected", reason: rejection.reason, fields: { ...fields, detail: rejection.detail } };
}

/** The id is taken: by this very record (a redelivery), by the same content (a duplicate), or by other content. */
async function seenBefore(
  message: TransactionMessage,
  hash: string,
  marker: MarkerItem,
  by: string,
  now: string,
  deps: TransactionsDeps,
): Promise<RecordOutcome> {
  const fields = {
    transactionId: message.transactionId,
    account: message.account,
    firstBy: marker.firstBy,
    firstOutcome: marker.outcome,
    ...(marker.reason === undefined ? {} : { firstReason: marker.reason }),
  };
  if (marker.contentHash !== hash) {
    await deps.recordReuse(message, hash, by, now);
    const detail = `${message.transactionId} already means another transaction (${marker.account}, ${marker.type} ${marker.amount})`;
    return { outcome: "rejected", reason: "reused-transaction-id", fields: { ...fields, detail } };
  }
  if (marker.firstBy === by || marker.seenBy.has(by)) return { outcome: "redelivered", fields };
  await deps.markSeen(message.transactionId, by);
  return { outcome: "duplicate", fields };
}
