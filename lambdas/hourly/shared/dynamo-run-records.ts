/** The run records in DynamoDB (layout in `run-records.ts`). */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { MAX_ATTEMPTS, type RunRecord, type RunRecords, recordId, runRecordSchema } from "./run-records";

export function dynamoRunRecords(client: DynamoDBDocumentClient, table: string): RunRecords {
  return {
    async begin({ hour, runId, sourceUrl, startedAt }) {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        try {
          await client.send(
            new PutCommand({
              TableName: table,
              Item: { hour, id: recordId(runId, attempt), runId, attempt, status: "running", sourceUrl, startedAt },
              ConditionExpression: "attribute_not_exists(id)",
            }),
          );
          return attempt;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) {
            throw new Error(`cannot write the run record of ${hour} (run ${runId})`, { cause: error });
          }
        }
      }
      throw new Error(`run ${runId} of ${hour} has used all ${MAX_ATTEMPTS} attempts`);
    },

    async published(hour) {
      const out = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "#hour = :hour",
          FilterExpression: "#status = :published",
          ExpressionAttributeNames: { "#hour": "hour", "#status": "status" },
          ExpressionAttributeValues: { ":hour": hour, ":published": "published" },
          ConsistentRead: true,
          ProjectionExpression: "id",
        }),
      );
      return (out.Items ?? []).length > 0;
    },

    async finish({ hour, runId, attempt }, outcome) {
      const fields = Object.entries(outcome).filter(([, v]) => v !== undefined);
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { hour, id: recordId(runId, attempt) },
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
          ExpressionAttributeNames: Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])),
        }),
      );
    },
  };
}

/** Every run record of an hour, oldest attempt first (the CLI's run table and the dashboard's lake page). */
export async function queryRuns(client: DynamoDBDocumentClient, table: string, hour: string): Promise<RunRecord[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "#hour = :hour",
        ExpressionAttributeNames: { "#hour": "hour" },
        ExpressionAttributeValues: { ":hour": hour },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items
    .map((item) => runRecordSchema.parse(item))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.attempt - b.attempt);
}
