/**
 * The foundation against the real local stack: what `cdk deploy` created in LocalStack works,
 * and Kafka takes the deployed secret's SCRAM credentials and nothing less.
 */
import { randomBytes } from "node:crypto";
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Kafka, logLevel } from "kafkajs";
import { kafkaClientConfig } from "#local/launchers/kafka";
import { readKafkaUser } from "#local/stack";
import { awsClients } from "#local/support/aws";
import { cfg, output, unique } from "./helpers";

const aws = awsClients(cfg);
const { s3, dynamodb: ddb, cloudFormation: cfn } = aws;

afterAll(() => aws.destroy());

describe("cdk deploy to LocalStack", () => {
  test("both stacks deployed; the pipeline's Lambda resources were left to the local Lambda service", async () => {
    const pipelineStack = `${cfg.stackPrefix}-pipeline`;
    const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: pipelineStack }));
    const types = StackResourceSummaries.map((r) => r.ResourceType);
    expect(types.filter((t) => t === "AWS::Logs::LogGroup")).toHaveLength(4);
    expect(types.filter((t) => t === "AWS::IAM::Role")).toHaveLength(4);
    expect(types.filter((t) => t?.startsWith("AWS::Lambda::"))).toEqual([]);
    for (const r of StackResourceSummaries)
      expect([r.LogicalResourceId, r.ResourceStatus]).toEqual([
        r.LogicalResourceId,
        expect.stringMatching(/_COMPLETE$/),
      ]);
  });

  test("an object written to the images bucket reads back byte for byte", async () => {
    const Bucket = await output("ImagesBucketName");
    const Key = `${unique("it")}/bytes.bin`;
    const body = randomBytes(64 * 1024);
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: "application/octet-stream" }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(body);
    expect(got.ContentType).toBe("application/octet-stream");
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
  });

  test("an item written to the metadata table reads back, and a conditional rewrite is refused", async () => {
    const TableName = await output("MetadataTableName");
    const key = { pk: { S: unique("PERSON") }, sk: { S: "IMAGE#0" } };
    await ddb.send(
      new PutItemCommand({
        TableName,
        Item: { ...key, width: { N: "640" } },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    const { Item } = await ddb.send(new GetItemCommand({ TableName, Key: key, ConsistentRead: true }));
    expect(Item?.width).toEqual({ N: "640" });
    await expect(
      ddb.send(
        new PutItemCommand({
          TableName,
          Item: { ...key, width: { N: "1" } },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    ).rejects.toMatchObject({ name: "ConditionalCheckFailedException" });
    await ddb.send(new DeleteItemCommand({ TableName, Key: key }));
  });

  test("the Kafka secret holds the configured user and a generated 32-character password", async () => {
    const user = await readKafkaUser(cfg, await output("KafkaSecretArn"));
    expect(user.username).toBe("sluice");
    expect(user.password).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});

describe("Kafka with SASL/SCRAM-SHA-512", () => {
  test("a client with the secret's credentials produces and consumes a message", async () => {
    const user = await readKafkaUser(cfg, await output("KafkaSecretArn"));
    const kafka = new Kafka(kafkaClientConfig(cfg, user));
    const topic = "celebrities";
    const marker = unique("hello");
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: unique("it-group") });
    try {
      await producer.connect();
      await consumer.connect();
      // A new group reading from the beginning sees the message whenever it joins; the key tells ours apart.
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() === marker) resolve(message.value?.toString() ?? "");
          },
        });
      });
      await producer.send({ topic, messages: [{ key: marker, value: JSON.stringify({ name: "Ada Lovelace" }) }] });
      await expect(received).resolves.toBe(JSON.stringify({ name: "Ada Lovelace" }));
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  test("a client without credentials is refused", async () => {
    const kafka = new Kafka({
      clientId: "anonymous",
      brokers: [...cfg.kafka.brokerList],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 3000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect();
  });

  test("a client with a wrong password is refused with an authentication error", async () => {
    const user = await readKafkaUser(cfg, await output("KafkaSecretArn"));
    const kafka = new Kafka({
      ...kafkaClientConfig(cfg, { ...user, password: `${user.password}x` }),
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
    await admin.disconnect();
  });
});
