/**
 * Reads a whole table, page by page: for the small tables a report or the dashboard lists in full (a production
 * dashboard over a large table would keep a top-N item or an index instead).
 */
import { type DynamoDBDocumentClient, paginateScan, type ScanCommandInput } from "@aws-sdk/lib-dynamodb";

export async function scanAll(
  db: DynamoDBDocumentClient,
  table: string,
  input: Omit<ScanCommandInput, "TableName" | "ExclusiveStartKey"> = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  try {
    for await (const page of paginateScan({ client: db }, { ...input, TableName: table }))
      items.push(...(page.Items ?? []));
  } catch (error) {
    throw new Error(`cannot scan table ${table}`, { cause: error });
  }
  return items;
}
