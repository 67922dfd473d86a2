/**
 * `local:down` then `local:up` keeps the local environment's data, and the pieces agree with each other: a marker
 * object (its exact bytes) in a deployed bucket, a marker item in a deployed table, the deployed CloudFormation stacks
 * and their outputs, a secret, the Lambda service's functions, mappings, URLs and schedules (and an invocation), and
 * the committed offsets of the deployed mappings' consumer groups and of a group this test commits itself.
 *
 * down and up are the functions the CLI runs (#local/stack). The stack keeps running afterwards, with the same
 * deployment, for the other test files; the markers are removed.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { Kafka } from "kafkajs";
import { lambdaServiceStatus } from "#local/lambda-service/daemon";
import { adminCredentials, kafkaClientConfig } from "#local/launchers/kafka";
import { readSaveReport } from "#local/launchers/localstack-state";
import { down, up } from "#local/stack";
import { awsClients } from "#local/support/aws";
import { isAlive, readPid, waitFor } from "#local/support/proc";
import { cfg, output, unique } from "./helpers";
import { committedOffsets, deleteGroup } from "./support/kafka";

const clients = awsClients(cfg);
const log = (message: string): void => {
  process.stderr.write(`[persistence] ${message}\n`);
};

// The input, and so what must come back: bytes larger than S3's 512 KiB in-memory threshold (spooled to a file)
// and a small text, an item, and an offset this test commits for a group of its own.
const BIG = randomBytes(700 * 1024);
const SMALL = Buffer.from("marker: kept across local:down and local:up\n");
const GROUP = unique("persistence-group");
const COMMITTED = { partition: 0, offset: "3" };

interface Marker {
  bucket: string;
  bigKey: string;
  smallKey: string;
  table: string;
  item: { pk: { S: string }; sk: { S: string }; note: { S: string } };
  topic: string;
}

async function stacks(): Promise<Array<{ name: string; status: string; outputs: Record<string, string> }>> {
  const { Stacks = [] } = await clients.cloudFormation.send(new DescribeStacksCommand({}));
  return Stacks.filter((s) => s.StackName?.startsWith(`${cfg.stackPrefix}-`))
    .map((s) => ({
      name: s.StackName ?? "",
      status: s.StackStatus ?? "",
      outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""])),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What the Lambda service runs, without its counters (those start again at zero). */
async function service() {
  const status = await lambdaServiceStatus(cfg);
  if (!status) throw new Error("the Lambda service does not answer");
  return {
    loadError: status.loadError,
    functions: status.functions.map((f) => f.name).sort(),
    mappings: status.mappings.map((m) => `${m.uuid} ${m.topics.join(",")} → ${m.functionName}`).sort(),
    urls: (status.urls ?? []).map((u) => `${u.functionName} ${u.authType} ${u.url}`).sort(),
    schedules: status.schedules.map((s) => `${s.name} ${s.expression} ${s.enabled}`).sort(),
  };
}

async function mappingOffsets(): Promise<Record<string, string>> {
  const { EventSourceMappings = [] } = await clients.lambda.send(new ListEventSourceMappingsCommand({}));
  const offsets: Record<string, string> = {};
  for (const m of EventSourceMappings) {
    const group = m.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.UUID ?? "";
    for (const topic of m.Topics ?? []) {
      const committed = await committedOffsets(cfg, group, topic);
      offsets[`${group} ${topic}`] = [...committed.entries()]
        .sort(([a], [b]) => a - b)
        .map(([p, o]) => `${p}:${o}`)
        .join(" ");
    }
  }
  return offsets;
}

/** An empty Kafka batch: the function runs and has nothing to do. */
async function invoke(functionName: string): Promise<{ status?: number; error?: string; payload: string }> {
  const payload = { eventSource: "SelfManagedKafka", bootstrapServers: cfg.kafka.bootstrapServers, records: {} };
  const res = await clients.lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  return { status: res.StatusCode, error: res.FunctionError, payload: Buffer.from(res.Payload ?? []).toString() };
}

const kafka = new Kafka(kafkaClientConfig(cfg, adminCredentials(cfg)));
let marker: Marker | undefined;
let crashMarker: { bucket: string; key: string } | undefined;

afterAll(async () => {
  if (marker) {
    const { s3, dynamodb } = clients;
    await s3.send(new DeleteObjectCommand({ Bucket: marker.bucket, Key: marker.bigKey })).catch(() => undefined);
    await s3.send(new DeleteObjectCommand({ Bucket: marker.bucket, Key: marker.smallKey })).catch(() => undefined);
    const { pk, sk } = marker.item;
    await dynamodb.send(new DeleteItemCommand({ TableName: marker.table, Key: { pk, sk } })).catch(() => undefined);
  }
  await deleteGroup(cfg, GROUP).catch(() => undefined);
  if (crashMarker) {
    await clients.s3
      .send(new DeleteObjectCommand({ Bucket: crashMarker.bucket, Key: crashMarker.key }))
      .catch(() => undefined);
  }
});

test("local:down then local:up keeps buckets, objects, tables, items, stacks, secrets, functions and offsets", async () => {
  const { s3, dynamodb, secrets } = clients;
  const prefix = unique("persistence");
  marker = {
    bucket: await output("LakeBucketName"),
    bigKey: `${prefix}/big.bin`,
    smallKey: `${prefix}/small.txt`,
    table: await output("MetadataTableName"),
    item: { pk: { S: `${prefix}#marker` }, sk: { S: "kept" }, note: { S: "across local:down and local:up" } },
    topic: (await output("Topics")).split(",")[0] ?? "",
  };
  const { bucket, bigKey, smallKey, table, item, topic } = marker;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: bigKey, Body: BIG }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: smallKey, Body: SMALL, ContentType: "text/plain" }));
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId: GROUP, topic, partitions: [COMMITTED] });
  } finally {
    await admin.disconnect();
  }
  const secretArn = await output("KafkaSecretArn");
  const functionName = await output("ScrapeFunctionName");

  const before = {
    group: await committedOffsets(cfg, GROUP, topic),
    stacks: await stacks(),
    service: await service(),
    offsets: await mappingOffsets(),
    secret: (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString,
    invocation: await invoke(functionName),
  };
  expect(before.stacks.length).toBeGreaterThan(0);
  expect(before.service.functions).toContain(functionName);
  expect(before.invocation.error).toBeUndefined();
  expect(before.group.get(COMMITTED.partition)).toBe(Number(COMMITTED.offset));

  await down(cfg, log);
  await up(cfg, log);

  // The object: same bytes, same type; the bucket is there.
  await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  const big = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: bigKey }));
  expect(Buffer.from((await big.Body?.transformToByteArray()) ?? []).equals(BIG)).toBe(true);
  const small = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: smallKey }));
  expect(await small.Body?.transformToString()).toBe(SMALL.toString());
  expect(small.ContentType).toBe("text/plain");
  // The item, attribute for attribute.
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
  );
  expect(Item).toEqual(item);
  // The stacks, their statuses and outputs; the secret; what the Lambda service runs; an invocation.
  expect(await stacks()).toEqual(before.stacks);
  expect((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString).toBe(before.secret);
  expect(await service()).toEqual(before.service);
  expect(await invoke(functionName)).toEqual(before.invocation);
  // Kafka's committed offsets: this test's group, and every deployed mapping's.
  const group = await committedOffsets(cfg, GROUP, topic);
  expect(group.get(COMMITTED.partition)).toBe(Number(COMMITTED.offset));
  expect(group).toEqual(before.group);
  expect(await mappingOffsets()).toEqual(before.offsets);
}, 300_000);

test("a SIGKILLed LocalStack comes back with what its last periodic save held", async () => {
  const bucket = await output("LakeBucketName");
  const key = `${unique("persistence-crash")}/saved.txt`;
  const body = Buffer.from(`written before a crash: ${key}\n`);
  crashMarker = { bucket, key };
  await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const written = Date.now();
  // A periodic save that began after the write holds it (LocalStack saves every cfg.localstack.saveSeconds).
  await waitFor(
    "a periodic save of LocalStack's state begun after the write",
    async () => {
      const report = readSaveReport(cfg);
      return report !== undefined && report.at * 1000 > written ? report : undefined;
    },
    { timeoutMs: 60_000 + cfg.localstack.saveSeconds * 12_000, intervalMs: 200 },
  );
  const pid = readPid(join(cfg.runDir, "localstack.pid"));
  if (pid === undefined) throw new Error("LocalStack's pid file is gone");
  process.kill(-pid, "SIGKILL"); // its whole process group, as a crash would: no shutdown save
  await waitFor("LocalStack to die", async () => (isAlive(pid) ? undefined : true), { timeoutMs: 10_000 });

  await up(cfg, log);

  const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
}, 300_000);
