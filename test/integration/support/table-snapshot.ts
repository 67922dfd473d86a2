/**
 * A test that writes to tables other tests read whole (the tweet pipelines' counters) takes a snapshot first and
 * puts it back after: items it added are deleted, items it changed get their old values again.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, paginateScan } from "@aws-sdk/lib-dynamodb";

type Item = Record<string, unknown>;
export type TableSnapshot = Map<string, Item>;

/** An item's key: `pk`/`sk`, or `userId` in the users table. */
const keyOf = (item: Item): Item =>
  "userId" in item && !("pk" in item) ? { userId: item.userId } : { pk: item.pk, sk: item.sk };

export async function snapshotTables(db: DynamoDBDocumentClient, tables: readonly string[]): Promise<TableSnapshot> {
  const all: TableSnapshot = new Map();
  for (const table of tables) {
    for await (const page of paginateScan({ client: db }, { TableName: table, ConsistentRead: true })) {
      for (const item of page.Items ?? []) all.set(`${table} ${JSON.stringify(keyOf(item))}`, item);
    }
  }
  return all;
}

/** The snapshot keys whose items differ between two snapshots. */
export const changedKeys = (before: TableSnapshot, after: TableSnapshot): string[] =>
  [...new Set([...before.keys(), ...after.keys()])].filter(
    (k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)),
  );

/** Puts the tables back as `before` had them. */
export async function restoreTables(
  db: DynamoDBDocumentClient,
  tables: readonly string[],
  before: TableSnapshot,
): Promise<void> {
  const after = await snapshotTables(db, tables);
  for (const changed of changedKeys(before, after)) {
    const [table = ""] = changed.split(" ", 1);
    const old = before.get(changed);
    const item = after.get(changed) as Item;
    if (old === undefined) await db.send(new DeleteCommand({ TableName: table, Key: keyOf(item) }));
    else await db.send(new PutCommand({ TableName: table, Item: old }));
  }
}
