/**
 * The metadata contract on the deployed DynamoDB table: the same cases the in-memory fake passes in
 * the unit tests, so the fake the stage tests rely on is known to behave like the real conditional
 * writes. Each case writes under a person of its own, removed afterwards.
 */
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { awsClients } from "#local/support/aws";
import { describeMetadataContract, dynamoMetadata } from "../lambdas/faces/metadata-contract";
import { cfg, output } from "./helpers";

// The stages' own marshalling (lambdas/shared/aws.ts) over the tooling's shared DynamoDB client.
const db = DynamoDBDocumentClient.from(awsClients(cfg).dynamodb, { marshallOptions: { removeUndefinedValues: true } });

describeMetadataContract("the deployed DynamoDB table", async () => {
  const name = await output("MetadataTableName");
  return {
    metadata: dynamoMetadata({ db, name }),
    cleanup: async (people) => {
      for (const person of people) {
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName: name,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": `PERSON#${person}` },
            ProjectionExpression: "pk, sk",
            ConsistentRead: true,
          }),
        );
        for (const key of Items) {
          await db.send(new DeleteCommand({ TableName: name, Key: { pk: key.pk, sk: key.sk } }));
        }
      }
    },
  };
});
