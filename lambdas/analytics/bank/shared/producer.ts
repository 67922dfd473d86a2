/**
 * The one way transactions get onto the `transactions` topic: the bootstrap (`sluice load transactions`),
 * the live entry (`sluice transaction`) and, later, the dashboard's form all build their records here and
 * send them with `publish`. The caller brings a connected kafkajs producer (the CLI as the local admin
 * user, a function as the SCRAM user of its secret); records are keyed by account, so one account's
 * records stay in one partition, in the order they were sent.
 */
import { randomUUID } from "node:crypto";
import type { Message, Producer, RecordMetadata } from "kafkajs";
import { ACKS_ALL } from "#shared/producer-options";
import { type OpenAccount, OpenAccountSchema, type TransactionMessage, TransactionMessageSchema } from "./contracts";

/** What a person, a form or a CSV row gives; the consumer judges amount, type and account. */
export interface TransactionEntry {
  readonly account: string;
  readonly amount: string;
  readonly type: string;
  /** @default - now */
  readonly date?: string;
  /** @default - a new `live-<uuid>` (pass one to make a retry safe) */
  readonly transactionId?: string;
  readonly source: TransactionMessage["source"];
  readonly line?: number;
}

/** A new transaction id for an entry that brings none. */
export const newTransactionId = (): string => `live-${randomUUID()}`;

export function transactionMessage(entry: TransactionEntry, now: () => Date = () => new Date()): TransactionMessage {
  return TransactionMessageSchema.parse({
    kind: "transaction",
    transactionId: entry.transactionId ?? newTransactionId(),
    account: entry.account,
    amount: entry.amount,
    type: entry.type,
    date: entry.date ?? now().toISOString(),
    source: entry.source,
    ...(entry.line === undefined ? {} : { line: entry.line }),
  });
}

export function openMessage(account: string, openedAt: string, source: OpenAccount["source"]): OpenAccount {
  return OpenAccountSchema.parse({ kind: "open", account, openedAt, source });
}

/** The Kafka record of a message: keyed by its account. */
export function toRecord(message: OpenAccount | TransactionMessage): Message {
  return { key: message.account, value: JSON.stringify(message) };
}

/**
 * Sends messages in order, `chunk` at a time, each chunk acknowledged by all in-sync replicas before the
 * next is sent (so an account's `open` is on the topic before its transactions). Resolves to where they went
 * (per request and partition: the first offset), which is how a sender finds its record's outcome.
 */
export async function publish(
  producer: Pick<Producer, "send">,
  topic: string,
  messages: readonly (OpenAccount | TransactionMessage)[],
  options: { readonly chunk?: number; readonly onProgress?: (sent: number) => void } = {},
): Promise<RecordMetadata[]> {
  const chunk = options.chunk ?? 500;
  const metadata: RecordMetadata[] = [];
  for (let i = 0; i < messages.length; i += chunk) {
    const slice = messages.slice(i, i + chunk);
    try {
      metadata.push(...(await producer.send({ topic, acks: ACKS_ALL, messages: slice.map(toRecord) })));
    } catch (error) {
      throw new Error(`cannot send transactions ${i + 1}-${i + slice.length} to ${topic}`, { cause: error });
    }
    options.onProgress?.(i + slice.length);
  }
  return metadata;
}
