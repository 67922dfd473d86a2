/**
 * Reads back from the bank table what became of transactions this tool sent: each id's marker (and, when
 * the marker holds other content, the reuse item of ours), and the accounts' balances. Waiting is polling
 * with a deadline: the stage writes each outcome once, so "found" is final.
 */
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { RejectionReason } from "#bank/contracts";
import { type AccountItem, accountKey, type MarkerItem, markerKey, reuseKey } from "#bank/ledger";

export interface Sent {
  readonly transactionId: string;
  readonly contentHash: string;
}

export interface Outcome {
  readonly outcome: "applied" | "rejected";
  readonly reason?: RejectionReason;
  readonly detail?: string;
  /** The marker this outcome comes from (for a reuse: the other content's). */
  readonly marker: MarkerItem;
  /** The records that carried this content (a redelivery is not counted twice). */
  readonly seenBy: ReadonlySet<string>;
}

type Key = { pk: string; sk: string };

/** Items by key, 100 keys a request, retrying what DynamoDB leaves unprocessed. */
export async function batchGet(db: DynamoDBDocumentClient, table: string, keys: Key[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Key[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 50 * 2 ** attempt));
      const res = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of res.Responses?.[table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = (res.UnprocessedKeys?.[table]?.Keys as Key[] | undefined) ?? [];
    }
  }
  return found;
}

/** Outcomes of the transactions that have one so far. */
export async function readOutcomes(
  db: DynamoDBDocumentClient,
  table: string,
  sent: readonly Sent[],
): Promise<Map<string, Outcome>> {
  const markers = await batchGet(
    db,
    table,
    sent.map((s) => markerKey(s.transactionId)),
  );
  const outcomes = new Map<string, Outcome>();
  const reused: Sent[] = [];
  for (const s of sent) {
    const key = markerKey(s.transactionId);
    const marker = markers.get(`${key.pk}|${key.sk}`) as MarkerItem | undefined;
    if (marker === undefined) continue;
    if (marker.contentHash === s.contentHash) {
      outcomes.set(s.transactionId, { ...outcomeOf(marker), marker, seenBy: marker.seenBy });
    } else {
      reused.push(s);
    }
  }
  if (reused.length > 0) {
    const items = await batchGet(
      db,
      table,
      reused.map((s) => reuseKey(s.transactionId, s.contentHash)),
    );
    for (const s of reused) {
      const key = reuseKey(s.transactionId, s.contentHash);
      const item = items.get(`${key.pk}|${key.sk}`) as { seenBy: Set<string> } | undefined;
      const marker = markers.get(`${markerKey(s.transactionId).pk}|TXID`) as MarkerItem;
      if (item !== undefined) {
        outcomes.set(s.transactionId, {
          outcome: "rejected",
          reason: "reused-transaction-id",
          detail: `${s.transactionId} already means ${marker.account} ${marker.type} ${marker.amount}`,
          marker,
          seenBy: item.seenBy,
        });
      }
    }
  }
  return outcomes;
}

function outcomeOf(marker: MarkerItem): Pick<Outcome, "outcome" | "reason" | "detail"> {
  return {
    outcome: marker.outcome,
    ...(marker.reason === undefined ? {} : { reason: marker.reason }),
    ...(marker.detail === undefined ? {} : { detail: marker.detail }),
  };
}

/**
 * Polls until every sent transaction has an outcome that `done` accepts (by default: any), or the deadline
 * passes; resolves to what it found, with the ids still missing.
 */
export async function waitForOutcomes(
  db: DynamoDBDocumentClient,
  table: string,
  sent: readonly Sent[],
  options: {
    readonly deadline: number;
    readonly done?: (outcome: Outcome, sent: Sent) => boolean;
    readonly onProgress?: (found: number) => void;
    readonly intervalMs?: number;
  },
): Promise<{ outcomes: Map<string, Outcome>; missing: Sent[] }> {
  const outcomes = new Map<string, Outcome>();
  let pending = [...sent];
  for (;;) {
    const found = await readOutcomes(db, table, pending);
    for (const s of pending) {
      const o = found.get(s.transactionId);
      if (o !== undefined && (options.done?.(o, s) ?? true)) outcomes.set(s.transactionId, o);
    }
    pending = pending.filter((s) => !outcomes.has(s.transactionId));
    options.onProgress?.(outcomes.size);
    if (pending.length === 0 || Date.now() > options.deadline) return { outcomes, missing: pending };
    await sleep(options.intervalMs ?? 500);
  }
}

export async function readAccounts(
  db: DynamoDBDocumentClient,
  table: string,
  accounts: readonly string[],
): Promise<Map<string, AccountItem>> {
  const items = await batchGet(db, table, accounts.map(accountKey));
  const out = new Map<string, AccountItem>();
  for (const a of accounts) {
    const key = accountKey(a);
    const item = items.get(`${key.pk}|${key.sk}`) as AccountItem | undefined;
    if (item !== undefined) out.set(a, item);
  }
  return out;
}

export async function readAccount(
  db: DynamoDBDocumentClient,
  table: string,
  account: string,
): Promise<AccountItem | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: accountKey(account), ConsistentRead: true }));
  return Item as AccountItem | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
