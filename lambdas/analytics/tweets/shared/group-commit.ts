/**
 * Group commit of exactly-once records: the records a stage applies at the same moment (the records of one
 * invocation's batch, STAGE_CONCURRENCY per partition) go to DynamoDB in one TransactWriteItems — each record's
 * receipt, then every counter they touch once, its increments summed — instead of one transaction per record.
 * The group is all or nothing, so each record is still counted exactly once: a redelivered record finds its
 * receipt (the transaction's cancellation names which), leaves the group, and the others are sent again.
 *
 * A record's receipt is the one `applyOnce` writes for a single-part record (`PART#0`, one part), so a record
 * applied in a group is recognised by either path. A record whose writes fill a transaction of their own (more
 * than 99) is applied alone, in parts, by `applyOnce`.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  type ApplyOptions,
  type ApplyResult,
  applyOnce,
  type CounterWrite,
  cancellationCodes,
  MAX_TRANSACTION_ITEMS,
  type RecordWrites,
  receiptItem,
  sendRetryingConflicts,
  type TransactItem,
  updateItem,
} from "./exactly-once";

/** One transaction of a group: its members' receipts (item i is member i's), then the merged counter writes. */
export interface GroupTransaction {
  readonly members: readonly RecordWrites[];
  readonly items: TransactItem[];
}

const itemKey = (write: CounterWrite): string =>
  `${write.table}\u0000${JSON.stringify(Object.entries(write.key).sort(([a], [b]) => a.localeCompare(b)))}`;

const receiptKey = (record: RecordWrites): string => `${record.receiptTable}\u0000${record.recordId}`;

/**
 * The group of the first records, in order, that fit in one transaction: one receipt each plus their writes with
 * one item per counter (amounts added, set attributes of a later record over an earlier one's). The group ends
 * before a record that would pass 100 items or whose receipt is already in it (the same record twice: the second
 * then finds the first's receipt). `records` must not be empty; the first always fits (at most 99 writes).
 */
export function planGroup(records: readonly RecordWrites[], now: Date): GroupTransaction {
  const members: RecordWrites[] = [];
  const receipts = new Set<string>();
  const merged = new Map<string, CounterWrite>();
  for (const record of records) {
    const fresh = new Set(record.writes.map(itemKey).filter((k) => !merged.has(k)));
    const size = members.length + 1 + merged.size + fresh.size;
    if (members.length > 0 && (size > MAX_TRANSACTION_ITEMS || receipts.has(receiptKey(record)))) break;
    members.push(record);
    receipts.add(receiptKey(record));
    for (const write of record.writes) {
      const key = itemKey(write);
      const before = merged.get(key);
      merged.set(key, before === undefined ? write : mergeWrites(before, write));
    }
  }
  return {
    members,
    items: [
      ...members.map((m) => receiptItem(m, now, { part: 0, parts: 1, writes: m.writes.length })),
      ...[...merged.values()].map(updateItem),
    ],
  };
}

function mergeWrites(a: CounterWrite, b: CounterWrite): CounterWrite {
  const add: Record<string, number> = { ...a.add };
  for (const [name, amount] of Object.entries(b.add ?? {})) add[name] = (add[name] ?? 0) + amount;
  return { table: a.table, key: a.key, add, set: { ...a.set, ...b.set } };
}

/** What happened to a group's transaction. */
export type GroupVerdict =
  | { readonly kind: "applied" }
  /** Cancelled because these members' receipts exist (indexes into `members`); nothing of the group was written. */
  | { readonly kind: "receipts-exist"; readonly members: readonly number[] }
  /** Failed otherwise (or cancelled for reasons that do not say which receipts); nothing was written. */
  | { readonly kind: "failed"; readonly error: Error };

export async function sendGroup(
  db: Pick<DynamoDBDocumentClient, "send">,
  group: GroupTransaction,
  options: ApplyOptions,
): Promise<GroupVerdict> {
  try {
    await sendRetryingConflicts(db, group.items, options);
    return { kind: "applied" };
  } catch (error) {
    const codes = cancellationCodes((error as Error).cause) ?? [];
    const existing = group.members.flatMap((_, i) => (codes[i] === "ConditionalCheckFailed" ? [i] : []));
    return existing.length > 0
      ? { kind: "receipts-exist", members: existing }
      : { kind: "failed", error: error as Error };
  }
}

interface Waiting {
  readonly record: RecordWrites;
  readonly resolve: (result: ApplyResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * An `apply` for a stage's records that commits them in groups: records handed over while a group's transaction is
 * on its way wait, and go together in the next one. Each caller learns its own record's result; a group that fails
 * for another reason than receipts is retried record by record, so one bad record fails alone.
 */
export function groupCommit(
  db: Pick<DynamoDBDocumentClient, "send">,
  options: ApplyOptions & { readonly now?: () => Date } = {},
): (record: RecordWrites) => Promise<ApplyResult> {
  const now = options.now ?? (() => new Date());
  const queue: Waiting[] = [];
  let running = false;

  async function commit(waiting: Waiting[]): Promise<void> {
    let rest = waiting;
    while (rest.length > 0) {
      const group = planGroup(
        rest.map((w) => w.record),
        now(),
      );
      const members = rest.slice(0, group.members.length);
      rest = rest.slice(group.members.length);
      const verdict = await sendGroup(db, group, options);
      if (verdict.kind === "applied") {
        for (const m of members) m.resolve({ applied: 1, alreadyApplied: 0 });
      } else if (verdict.kind === "receipts-exist") {
        const existing = new Set(verdict.members);
        for (const i of existing) members[i]?.resolve({ applied: 0, alreadyApplied: 1 });
        rest = [...members.filter((_, i) => !existing.has(i)), ...rest];
      } else if (members.length === 1) {
        members[0]?.reject(verdict.error);
      } else {
        await Promise.all(members.map((m) => applyOnce(db, m.record, now(), options).then(m.resolve, m.reject)));
      }
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await commit(queue.splice(0, queue.length));
    } finally {
      running = false;
    }
  }

  return (record) => {
    if (record.writes.length >= MAX_TRANSACTION_ITEMS) return applyOnce(db, record, now(), options);
    return new Promise<ApplyResult>((resolve, reject) => {
      queue.push({ record, resolve, reject });
      if (running) return;
      running = true;
      // The records started with this one reach here in the same turn of the event loop: they form the first group.
      setImmediate(() => void drain());
    });
  };
}
