/**
 * Records that are not countable tweets are rejected with a reason and remembered, one item per distinct record
 * value (`REJECTED#<sha256 of the value>`, first put wins, with the Kafka record that brought it): a redelivery, or
 * the same bad line produced again, finds the item there, so the counts by reason are of distinct bad records.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { sha256Hex } from "#shared/message";
import { REJECTED, rejectedPk } from "./tables";

export interface Rejection {
  /** The record's value: its hash is the rejection's identity. */
  readonly value: string;
  /** `topic-partition-offset` of the record that brought it first. */
  readonly by: string;
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
          pk: rejectedPk(sha256Hex(rejection.value)),
          sk: REJECTED,
          firstSeenBy: rejection.by,
          reason: rejection.reason,
          detail: rejection.detail.slice(0, 500),
          rejectedAt: rejection.at.toISOString(),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return; // a redelivery: recorded already
    throw new Error(`cannot record the rejection of ${rejection.by}`, { cause: error });
  }
}
