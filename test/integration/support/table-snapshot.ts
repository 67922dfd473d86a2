/**
 * A test that writes to tables other tests read whole (the tweet pipelines' counters) takes a snapshot first and
 * puts it back after: items it added are deleted, items it changed get their old values again.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";

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

/** Puts the tables back as `before` had them (25 writes a request, 8 requests at a time: a wiped table may have thousands). */
export async function restoreTables(
  db: DynamoDBDocumentClient,
  tables: readonly string[],
  before: TableSnapshot,
): Promise<void> {
  const after = await snapshotTables(db, tables);
  const writes = new Map<string, Array<Record<string, unknown>>>();
  for (const changed of changedKeys(before, after)) {
    const [table = ""] = changed.split(" ", 1);
    const old = before.get(changed);
    const item = after.get(changed) as Item;
    const list = writes.get(table) ?? [];
    list.push(old === undefined ? { DeleteRequest: { Key: keyOf(item) } } : { PutRequest: { Item: old } });
    writes.set(table, list);
  }
  const batches = [...writes].flatMap(([table, list]) =>
    Array.from({ length: Math.ceil(list.length / 25) }, (_, i) => ({
      table,
      requests: list.slice(i * 25, i * 25 + 25),
    })),
  );
  const write = async ({ table, requests }: (typeof batches)[number]): Promise<void> => {
    let left = requests;
    while (left.length > 0) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: left } }));
      left = (out.UnprocessedItems?.[table] ?? []) as typeof left;
    }
  };
  // 8 requests at a time: DynamoDB Local behind LocalStack answers each slowly.
  for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map(write));
}
