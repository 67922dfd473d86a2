import {
  applyTransaction,
  type BankTable,
  markSeen,
  openAccount,
  recordInvalid,
  recordRejection,
  recordReuse,
} from "#bank/ledger";
import { dynamo } from "#shared/aws";
import { parseSettings } from "#shared/settings";
import { kafkaStageHandler } from "#shared/stage-handler";
import { TransactionsSettingsSchema } from "./settings";
import { applyRecord, type TransactionsDeps } from "./transactions";

const settings = parseSettings(TransactionsSettingsSchema, process.env);
const table: BankTable = { db: dynamo(), name: settings.BANK_TABLE };

const deps: TransactionsDeps = {
  openAccount: (open, by) => openAccount(table, open, by),
  applyTransaction: (tx, by, now) => applyTransaction(table, tx, by, now),
  recordRejection: (message, hash, rejection, by, now) => recordRejection(table, message, hash, rejection, by, now),
  markSeen: (id, by) => markSeen(table, id, by),
  recordReuse: (message, hash, by, now) => recordReuse(table, message, hash, by, now),
  recordInvalid: (by, value, problem) => recordInvalid(table, by, value, problem),
  now: () => new Date(),
};

// Nothing to emit: the ledger is the stage's output.
export const handler = kafkaStageHandler(
  (record, { correlationId }) => applyRecord(record.value, correlationId, deps),
  {
    settings,
    emit: async () => {},
  },
);
