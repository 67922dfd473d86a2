/**
 * The bank table, one partition per account and one per transaction id:
 *
 * | pk               | sk              | what                                                                                |
 * |------------------|-----------------|-------------------------------------------------------------------------------------|
 * | `ACCOUNT#<a>`    | `ACCOUNT`       | the account: `balance` (integer cents), `transactions` applied, when and by whom opened |
 * | `ACCOUNT#<a>`    | `TX#<id>`       | an applied transaction: type, cents, its date, source, CSV line                     |
 * | `TXID#<id>`      | `TXID`          | the id's marker: the content hash, the outcome (applied, or rejected with a reason), |
 * |                  |                 | the record that decided it (`firstBy`) and every record that carried it (`seenBy`)  |
 * | `TXID#<id>`      | `REUSE#<hash>`  | the id reused with other content: refused as `reused-transaction-id`, seen by whom   |
 * | `INVALID#<rec>`  | `INVALID`       | a record that is not a bank message at all (`topic-partition-offset`)                |
 *
 * Exactly once: an applied transaction is one `TransactWriteItems` of its marker (on condition that the id
 * is new), its item, and the account's new balance (on condition that the account exists and, for a
 * withdrawal, that the balance covers it). A redelivery finds the marker and changes nothing; a rejection
 * is the marker alone, written on the same condition, so it is recorded once too. Records are the
 * `topic-partition-offset` that carried them, so `seenBy` is a set a redelivery cannot grow.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { OpenAccount, RejectionReason, TransactionMessage, TransactionType } from "./contracts";

export interface BankTable {
  readonly db: DynamoDBDocumentClient;
  readonly name: string;
}

export const accountKey = (account: string) => ({ pk: `ACCOUNT#${account}`, sk: "ACCOUNT" });
export const transactionKey = (account: string, id: string) => ({ pk: `ACCOUNT#${account}`, sk: `TX#${id}` });
export const markerKey = (id: string) => ({ pk: `TXID#${id}`, sk: "TXID" });
export const reuseKey = (id: string, hash: string) => ({ pk: `TXID#${id}`, sk: `REUSE#${hash}` });
export const invalidKey = (correlationId: string) => ({ pk: `INVALID#${correlationId}`, sk: "INVALID" });

export interface AccountItem {
  readonly account: string;
  readonly balance: number;
  readonly transactions: number;
  readonly openedAt: string;
  readonly openedBy: string;
}

/** The marker of a transaction id: what the id means and what became of it. */
export interface MarkerItem {
  readonly transactionId: string;
  readonly contentHash: string;
  readonly account: string;
  readonly type: string;
  readonly amount: string;
  readonly cents?: number;
  readonly date: string;
  readonly source: string;
  readonly line?: number;
  readonly outcome: "applied" | "rejected";
  readonly reason?: RejectionReason;
  readonly detail?: string;
  readonly firstBy: string;
  readonly seenBy: Set<string>;
  readonly recordedAt: string;
}

/** A transaction that passed every check that needs no table: its type and cents are known. */
export interface ValidTransaction {
  readonly message: TransactionMessage;
  readonly contentHash: string;
  readonly type: TransactionType;
  readonly cents: number;
}

export type ApplyResult =
  | { readonly kind: "applied" }
  | { readonly kind: "id-taken"; readonly marker: MarkerItem }
  | { readonly kind: "unknown-account" }
  | { readonly kind: "insufficient-funds"; readonly balance: number };

export type RecordResult = { readonly kind: "recorded" } | { readonly kind: "id-taken"; readonly marker: MarkerItem };

const marker = (
  message: TransactionMessage,
  hash: string,
  by: string,
  now: string,
  outcome: Pick<MarkerItem, "outcome" | "reason" | "detail" | "cents">,
): MarkerItem => ({
  transactionId: message.transactionId,
  contentHash: hash,
  account: message.account,
  type: message.type,
  amount: message.amount,
  date: message.date,
  source: message.source,
  ...(message.line === undefined ? {} : { line: message.line }),
  ...outcome,
  firstBy: by,
  seenBy: new Set([by]),
  recordedAt: now,
});

/** Opens the account with a zero balance, unless it is open already. */
export async function openAccount(table: BankTable, open: OpenAccount, by: string): Promise<"opened" | "already-open"> {
  const item: AccountItem = {
    account: open.account,
    balance: 0,
    transactions: 0,
    openedAt: open.openedAt,
    openedBy: by,
  };
  try {
    await table.db.send(
      new PutCommand({
        TableName: table.name,
        Item: { ...accountKey(open.account), kind: "account", ...item },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return "opened";
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return "already-open";
    throw error;
  }
}

/** Applies a valid transaction, exactly once, or says which condition stopped it. */
export async function applyTransaction(
  table: BankTable,
  tx: ValidTransaction,
  by: string,
  now: string,
): Promise<ApplyResult> {
  const { message } = tx;
  const withdrawal = tx.type === "withdrawal";
  try {
    await table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table.name,
              Item: {
                ...markerKey(message.transactionId),
                kind: "marker",
                ...marker(message, tx.contentHash, by, now, { outcome: "applied", cents: tx.cents }),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Put: {
              TableName: table.name,
              Item: {
                ...transactionKey(message.account, message.transactionId),
                kind: "transaction",
                transactionId: message.transactionId,
                account: message.account,
                type: tx.type,
                cents: tx.cents,
                date: message.date,
                source: message.source,
                ...(message.line === undefined ? {} : { line: message.line }),
                appliedBy: by,
                appliedAt: now,
              },
            },
          },
          {
            Update: {
              TableName: table.name,
              Key: accountKey(message.account),
              UpdateExpression: "SET #balance = #balance + :delta ADD #transactions :one",
              ConditionExpression: withdrawal ? "attribute_exists(pk) AND #balance >= :cents" : "attribute_exists(pk)",
              ExpressionAttributeNames: { "#balance": "balance", "#transactions": "transactions" },
              ExpressionAttributeValues: {
                ":delta": withdrawal ? -tx.cents : tx.cents,
                ":one": 1,
                ...(withdrawal ? { ":cents": tx.cents } : {}),
              },
            },
          },
        ],
      }),
    );
    return { kind: "applied" };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    // Which condition failed: the id's (a redelivery, a duplicate or a reuse) wins over the account's.
    // The failure path reads what it needs; the applied path is one round trip.
    const [markerReason, , accountReason] = error.CancellationReasons ?? [];
    if (markerReason?.Code === "ConditionalCheckFailed") {
      return { kind: "id-taken", marker: await readMarker(table, message.transactionId) };
    }
    if (accountReason?.Code === "ConditionalCheckFailed") {
      const old = await readAccount(table, message.account);
      if (old === undefined) return { kind: "unknown-account" };
      if (withdrawal && old.balance < tx.cents) return { kind: "insufficient-funds", balance: old.balance };
      // The balance moved between the write and the read (a second writer on this account): try the record again.
      throw new Error(`the balance of ${message.account} changed while ${message.transactionId} was applied`, {
        cause: error,
      });
    }
    throw new Error(`the transaction of ${message.transactionId} was cancelled for another reason`, { cause: error });
  }
}

/** Records a refused transaction on its id's marker, unless the id is taken. Nothing else is written. */
export async function recordRejection(
  table: BankTable,
  message: TransactionMessage,
  hash: string,
  rejection: { readonly reason: RejectionReason; readonly detail?: string },
  by: string,
  now: string,
): Promise<RecordResult> {
  try {
    await table.db.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          ...markerKey(message.transactionId),
          kind: "marker",
          ...marker(message, hash, by, now, { outcome: "rejected", ...rejection }),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { kind: "recorded" };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { kind: "id-taken", marker: await readMarker(table, message.transactionId) };
  }
}

/** Adds a record to the marker's `seenBy` (a set: the same record twice adds nothing). */
export async function markSeen(table: BankTable, transactionId: string, by: string): Promise<void> {
  await table.db.send(
    new UpdateCommand({
      TableName: table.name,
      Key: markerKey(transactionId),
      UpdateExpression: "ADD #seenBy :by",
      ExpressionAttributeNames: { "#seenBy": "seenBy" },
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":by": new Set([by]) },
    }),
  );
}

/** Records the id reused with other content, once per content, each record that carried it once. */
export async function recordReuse(
  table: BankTable,
  message: TransactionMessage,
  hash: string,
  by: string,
  now: string,
): Promise<void> {
  await table.db.send(
    new UpdateCommand({
      TableName: table.name,
      Key: reuseKey(message.transactionId, hash),
      // Every name through a placeholder: several (date, source, line…) are DynamoDB reserved words.
      UpdateExpression:
        "SET #kind = if_not_exists(#kind, :kind), #transactionId = :id, #contentHash = :hash, #account = :account, " +
        "#type = :type, #amount = :amount, #date = :date, #source = :source, #reason = :reason, " +
        "#firstBy = if_not_exists(#firstBy, :by), #recordedAt = if_not_exists(#recordedAt, :now)" +
        (message.line === undefined ? "" : ", #line = :line") +
        " ADD #seenBy :seen",
      ExpressionAttributeNames: {
        ...Object.fromEntries(
          [
            "kind",
            "transactionId",
            "contentHash",
            "account",
            "type",
            "amount",
            "date",
            "source",
            "reason",
            "firstBy",
            "recordedAt",
            "seenBy",
          ].map((n) => [`#${n}`, n]),
        ),
        ...(message.line === undefined ? {} : { "#line": "line" }),
      },
      ExpressionAttributeValues: {
        ":kind": "reuse",
        ":id": message.transactionId,
        ":hash": hash,
        ":account": message.account,
        ":type": message.type,
        ":amount": message.amount,
        ":date": message.date,
        ":source": message.source,
        ":reason": "reused-transaction-id" satisfies RejectionReason,
        ":by": by,
        ":now": now,
        ":seen": new Set([by]),
        ...(message.line === undefined ? {} : { ":line": message.line }),
      },
    }),
  );
}

/** Keeps a record that is not a bank message, so nothing is dropped without a trace (idempotent: keyed by record). */
export async function recordInvalid(table: BankTable, correlationId: string, value: string, problem: string) {
  await table.db.send(
    new PutCommand({
      TableName: table.name,
      Item: { ...invalidKey(correlationId), kind: "invalid", value: value.slice(0, 1000), problem },
    }),
  );
}

export async function readMarker(table: BankTable, transactionId: string): Promise<MarkerItem> {
  const { Item } = await table.db.send(
    new GetCommand({ TableName: table.name, Key: markerKey(transactionId), ConsistentRead: true }),
  );
  if (Item === undefined) throw new Error(`the marker of ${transactionId} was taken but cannot be read`);
  return Item as MarkerItem;
}

export async function readAccount(table: BankTable, account: string): Promise<AccountItem | undefined> {
  const { Item } = await table.db.send(
    new GetCommand({ TableName: table.name, Key: accountKey(account), ConsistentRead: true }),
  );
  return Item as AccountItem | undefined;
}
