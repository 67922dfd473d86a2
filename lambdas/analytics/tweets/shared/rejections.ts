/**
 * Records that are not countable tweets are rejected with a reason and remembered, one item per Kafka record
 * (`REJECTED#<topic-partition-offset>`), so a redelivery rewrites the same item and the summary can count them.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { REJECTED, rejectedPk } from "./tables";

export interface Rejection {
  readonly record: string;
  readonly reason: string;
  readonly detail: string;
  readonly at: Date;
}

export async function recordRejection(
  db: Pick<DynamoDBDocumentClient, "send">,
  table: string,
  rejection: Rejection,
): Promise<void> {
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: rejectedPk(rejection.record),
          sk: REJECTED,
          reason: rejection.reason,
          detail: rejection.detail.slice(0, 500),
          rejectedAt: rejection.at.toISOString(),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return; // a redelivery: recorded already
    throw new Error(`cannot record the rejection of ${rejection.record}`, { cause: error });
  }
}
