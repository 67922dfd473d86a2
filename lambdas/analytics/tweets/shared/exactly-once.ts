/**
 * Exactly-once increments under Kafka's at-least-once delivery. A record's writes go to DynamoDB in
 * `TransactWriteItems` whose first item is the record's receipt, put on condition that it does not exist yet: a
 * redelivered record finds its receipt and the whole transaction is cancelled, so nothing is counted twice.
 *
 * A transaction holds at most 100 items, so a record with more writes (a tweet with many hashtags) is split into
 * parts of at most 99 writes plus the part's own receipt (`PART#<n>`). The split is deterministic (the writes in
 * the order the plan lists them), so a redelivery after a crash between two parts skips the parts already
 * applied and applies the rest. Transactions that touch the same counter at the same moment conflict; those are
 * retried here with a jittered backoff (a record failing for good is retried by Lambda, its parts safe).
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { partSk, receiptPk } from "./tables";

/** DynamoDB's limit on the items of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

/** One write of a record: an increment (ADD) of counters, and optionally attributes to set, on one item. */
export interface CounterWrite {
  readonly table: string;
  readonly key: Readonly<Record<string, string>>;
  /** Attributes to increase by these amounts (created at the amount when absent). */
  readonly add?: Readonly<Record<string, number>>;
  /** Attributes to set. */
  readonly set?: Readonly<Record<string, string | number>>;
}

export interface RecordWrites {
  /** The table that keeps the record's receipts. */
  readonly receiptTable: string;
  /** The record's identity: a redelivery, or the same tweet produced twice, has the same one. */
  readonly recordId: string;
  /** Who applied it, remembered on the receipt (`topic-partition-offset`). */
  readonly appliedBy: string;
  readonly writes: readonly CounterWrite[];
}

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/** The record's transactions, each at most 100 items, its receipt first. */
export function planTransactions(record: RecordWrites, now: Date): TransactItem[][] {
  const perPart = MAX_TRANSACTION_ITEMS - 1;
  const parts: TransactItem[][] = [];
  const count = Math.max(1, Math.ceil(record.writes.length / perPart));
  for (let part = 0; part < count; part++) {
    const writes = record.writes.slice(part * perPart, (part + 1) * perPart);
    parts.push([receiptItem(record, now, { part, parts: count, writes: writes.length }), ...writes.map(updateItem)]);
  }
  return parts;
}

/** The conditional put of a record's receipt (of one of its parts): the transaction is cancelled when it exists. */
export function receiptItem(
  record: RecordWrites,
  now: Date,
  of: { readonly part: number; readonly parts: number; readonly writes: number },
): TransactItem {
  return {
    Put: {
      TableName: record.receiptTable,
      Item: {
        pk: receiptPk(record.recordId),
        sk: partSk(of.part),
        appliedBy: record.appliedBy,
        appliedAt: now.toISOString(),
        writes: of.writes,
        parts: of.parts,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

export function updateItem(write: CounterWrite): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds: string[] = [];
  const sets: string[] = [];
  Object.entries(write.add ?? {}).forEach(([name, amount], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = amount;
    adds.push(`#a${i} :a${i}`);
  });
  Object.entries(write.set ?? {}).forEach(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  const expression = [sets.length > 0 ? `SET ${sets.join(", ")}` : "", adds.length > 0 ? `ADD ${adds.join(", ")}` : ""]
    .filter((part) => part !== "")
    .join(" ");
  return {
    Update: {
      TableName: write.table,
      Key: { ...write.key },
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

export interface ApplyResult {
  /** Parts applied now. */
  readonly applied: number;
  /** Parts whose receipt was there already: applied by an earlier delivery. */
  readonly alreadyApplied: number;
}

export interface ApplyOptions {
  /** Tries of a transaction that conflicts with another one. @default 10 */
  readonly attempts?: number;
  /** @default 25 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs the record's transactions in order; a part whose receipt exists is skipped. */
export async function applyOnce(
  db: Pick<DynamoDBDocumentClient, "send">,
  record: RecordWrites,
  now: Date,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  let applied = 0;
  let alreadyApplied = 0;
  for (const items of planTransactions(record, now)) {
    if ((await runTransaction(db, items, options)) === "applied") applied++;
    else alreadyApplied++;
  }
  return { applied, alreadyApplied };
}

async function runTransaction(
  db: Pick<DynamoDBDocumentClient, "send">,
  items: TransactItem[],
  options: ApplyOptions,
): Promise<"applied" | "already-applied"> {
  try {
    await sendRetryingConflicts(db, items, options);
    return "applied";
  } catch (error) {
    if (cancellation((error as Error).cause) === "receipt-exists") return "already-applied";
    throw error;
  }
}

/**
 * Sends one transaction, again with a jittered backoff while it conflicts with others; any other failure (or
 * conflicts past `attempts`) is thrown as "the transaction failed (attempt n of m)" with the SDK's error as cause.
 */
export async function sendRetryingConflicts(
  db: Pick<DynamoDBDocumentClient, "send">,
  items: TransactItem[],
  options: ApplyOptions,
): Promise<void> {
  const attempts = options.attempts ?? 10;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (cancellation(error) === "conflict" && attempt < attempts) {
        const delay = (options.baseDelayMs ?? 25) * 2 ** Math.min(attempt - 1, 6);
        await sleep(delay / 2 + Math.random() * delay);
        continue;
      }
      throw new Error(`the transaction failed (attempt ${attempt} of ${attempts})`, { cause: error });
    }
  }
}

/** Why a transaction was cancelled: its receipt (item 0) exists, it conflicted with another, or something else. */
export function cancellation(error: unknown): "receipt-exists" | "conflict" | "other" {
  const codes = cancellationCodes(error);
  if (codes === undefined) return "other";
  if (codes[0] === "ConditionalCheckFailed") return "receipt-exists";
  if (codes.includes("TransactionConflict")) return "conflict";
  return "other";
}

/**
 * The reason code of each item of a cancelled transaction, in the order of its items (`None` for an item that was
 * not the cause); empty when the error names none, undefined when it is not a cancellation.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  const reasons =
    error instanceof TransactionCanceledException ||
    (error as { name?: string })?.name === "TransactionCanceledException"
      ? ((error as TransactionCanceledException).CancellationReasons ?? [])
      : undefined;
  if (reasons === undefined) return undefined;
  // Emulators may leave the list out and name the reasons in the message: "… reasons [ConditionalCheckFailed, None]".
  return reasons.length > 0
    ? reasons.map((r) => r.Code ?? "None")
    : (/\[([A-Za-z, ]+)\]/.exec((error as Error).message)?.[1]?.split(/,\s*/) ?? []);
}
