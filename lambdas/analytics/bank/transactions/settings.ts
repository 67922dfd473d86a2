/**
 * Everything the transactions stage reads from its environment: the Kafka variables every stage gets, and
 * the bank table. The handler parses it once at init; the stack builds it with `transactionsEnvironment`.
 */
import { z } from "zod";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

export const TRANSACTIONS_SETTINGS = {
  ...STAGE_SETTINGS,
  /** The bank table (ledger.ts): accounts, applied transactions, and each transaction id's marker. */
  BANK_TABLE: envString,
};
export const TransactionsSettingsSchema = z.object(TRANSACTIONS_SETTINGS);
export type TransactionsSettings = z.infer<typeof TransactionsSettingsSchema>;

/** The transactions-specific variables; the Kafka ones come from the KafkaStage construct. */
export function transactionsEnvironment(props: {
  readonly table: string;
}): EnvironmentOf<typeof TRANSACTIONS_SETTINGS> {
  return { BANK_TABLE: props.table };
}
