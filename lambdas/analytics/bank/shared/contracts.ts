/**
 * The `transactions` topic's messages, keyed by account so that one account's records stay in one
 * partition, in order: an account is opened before its first transaction is applied.
 *
 * - `open`: opens an account with a zero balance. Only the bootstrap sends it, once per account named in
 *   its file, before that account's first row; opening an open account changes nothing.
 * - `transaction`: a deposit or a withdrawal, as entered. The amount and type travel as the text a person
 *   or a CSV gave, so the consumer is the one place that judges them and records why it refused one.
 *
 * A transaction's identity is its `transactionId`; what it means is its content (account, type, cents): the
 * same id with the same content is the same transaction seen again, with other content a reused id.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseAmount } from "./money";

export const TRANSACTION_TYPES = ["deposit", "withdrawal"] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** Why a transaction was refused; each is recorded and nothing is applied. */
export const REJECTION_REASONS = [
  "unknown-account",
  "malformed-amount",
  "non-positive-amount",
  "unknown-type",
  "insufficient-funds",
  "reused-transaction-id",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Where a transaction came from: shown beside it, never part of its content. */
export const SOURCES = ["bootstrap", "live", "dashboard", "test"] as const;

/** Account ids: what a bank export or a person types, nothing that could break a key. */
export const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const TRANSACTION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const OpenAccountSchema = z.strictObject({
  kind: z.literal("open"),
  account: z.string().regex(ACCOUNT_ID, "an account id: letters, digits, . _ -, at most 64"),
  /** When the account was opened, as the bootstrap saw it (ISO 8601). */
  openedAt: z.string().min(1).max(64),
  source: z.enum(SOURCES),
});
export type OpenAccount = z.infer<typeof OpenAccountSchema>;

export const TransactionMessageSchema = z.strictObject({
  kind: z.literal("transaction"),
  transactionId: z.string().regex(TRANSACTION_ID, "a transaction id: letters, digits, . _ : -, at most 128"),
  /** As entered; an account that is not open is refused (`unknown-account`). */
  account: z.string().max(256),
  /** As entered, e.g. `12.50` or `1,234.56` (see money.ts). */
  amount: z.string().max(64),
  /** As entered: `deposit` or `withdrawal`, any case. */
  type: z.string().max(64),
  /** The transaction's own date (the CSV's `transaction_date`, or when it was entered). */
  date: z.string().max(64),
  source: z.enum(SOURCES),
  /** The CSV line it came from, for the bootstrap's report. */
  line: z.number().int().positive().optional(),
});
export type TransactionMessage = z.infer<typeof TransactionMessageSchema>;

export const BankMessageSchema = z.discriminatedUnion("kind", [OpenAccountSchema, TransactionMessageSchema]);
export type BankMessage = z.infer<typeof BankMessageSchema>;

/** `Deposit ` → `deposit`; anything else is not a type. */
export function parseType(text: string): TransactionType | undefined {
  const t = text.trim().toLowerCase();
  return TRANSACTION_TYPES.find((known) => known === t);
}

/**
 * What a transaction means, as a short hash: the account, the type and the amount in cents when they
 * parse (so `12.5` and `12.50` are the same content), the text as given when they do not. The date and the
 * source are not content: a retry of the same transaction entered a second later is the same transaction.
 */
export function contentHash(message: Pick<TransactionMessage, "account" | "amount" | "type">): string {
  const amount = parseAmount(message.amount);
  const canonical = [
    message.account.trim(),
    parseType(message.type) ?? `raw:${message.type}`,
    amount.ok ? String(amount.cents) : `raw:${message.amount}`,
  ].join("\u0000");
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}
