/**
 * One live transaction: sent through the same producer as the bootstrap, then followed to its outcome. The
 * record's `topic-partition-offset` (from the broker's acknowledgement) is what the stage writes into the
 * id's `seenBy`, so the wait ends on this record's outcome, not on an earlier one with the same id.
 */
import { contentHash } from "#bank/contracts";
import { publish, type TransactionEntry, transactionMessage } from "#bank/producer";
import { producerOptions } from "#shared/producer-options";
import type { LocalConfig } from "../../../config";
import { adminKafka } from "../../../launchers/kafka-client";
import { awsClients } from "../../../support/aws";
import type { BankTarget } from "./load";
import { type Outcome, readAccount, waitForOutcomes } from "./outcomes";

export type LiveResult =
  | {
      readonly kind: "applied" | "rejected" | "duplicate";
      readonly transactionId: string;
      readonly record: string;
      readonly outcome: Outcome;
      /** The account's balance once the outcome was recorded (applied and duplicates of an applied one). */
      readonly balance?: number;
    }
  | { readonly kind: "timeout"; readonly transactionId: string; readonly record: string };

export async function enterTransaction(
  cfg: LocalConfig,
  target: BankTarget,
  entry: Omit<TransactionEntry, "source">,
  options: { readonly timeoutMs: number },
): Promise<LiveResult> {
  const message = transactionMessage({ ...entry, source: "live" });
  const producer = adminKafka(cfg, "sluice-bank-live").producer(producerOptions());
  await producer.connect();
  let record: string;
  try {
    const [meta] = await publish(producer, target.topic, [message]);
    if (meta === undefined) throw new Error(`${target.topic} did not acknowledge the transaction`);
    record = `${meta.topicName}-${meta.partition}-${meta.baseOffset ?? meta.offset}`;
  } finally {
    await producer.disconnect();
  }
  const db = awsClients(cfg).documents;
  const sent = { transactionId: message.transactionId, contentHash: contentHash(message) };
  const { outcomes } = await waitForOutcomes(db, target.table, [sent], {
    deadline: Date.now() + options.timeoutMs,
    done: (o) => o.seenBy.has(record),
    intervalMs: 200,
  });
  const outcome = outcomes.get(message.transactionId);
  if (outcome === undefined) return { kind: "timeout", transactionId: message.transactionId, record };
  const duplicate = outcome.reason !== "reused-transaction-id" && outcome.marker.firstBy !== record;
  const balance =
    outcome.outcome === "applied" ? (await readAccount(db, target.table, message.account))?.balance : undefined;
  return {
    kind: duplicate ? "duplicate" : outcome.outcome,
    transactionId: message.transactionId,
    record,
    outcome,
    ...(balance === undefined ? {} : { balance }),
  };
}
