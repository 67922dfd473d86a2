/**
 * Asynchronous invocation on the real service daemon and LocalStack's SQS, as AWS documents it: a failing
 * function is tried 1 + MaximumRetryAttempts times and its invocation record lands in the OnFailure queue;
 * a successful one's record lands in OnSuccess; events accepted (202) before a SIGKILL are delivered after
 * the restart. Retry delays are shortened with SLUICE_ASYNC_RETRY_DELAYS_MS (AWS: 1 then 2 minutes).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { LOCAL_CREDENTIALS, loadLocalConfig } from "#local/config";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { awsClients } from "#local/support/aws";
import { removeFunctionLogs, startTestService, type TestService } from "./support/service";

const cfg = loadLocalConfig();
const sqs = awsClients(cfg).sqs;
const work = mkdtempSync(join(tmpdir(), "sluice-async-"));
const suffix = Date.now().toString(36);
const failing = `async-fail-${suffix}`;
const succeeding = `async-ok-${suffix}`;
const deadLettered = `async-dlq-${suffix}`;
const queueArn = (name: string) => `arn:aws:sqs:${cfg.region}:${cfg.accountId}:${name}`;
const queues = {
  failed: `async-failed-${suffix}`,
  succeeded: `async-succeeded-${suffix}`,
  deadLetters: `async-dead-letters-${suffix}`,
};
const queueUrls: Record<string, string> = {};
const fixture = resolve(__dirname, "fixtures/async-attempts");
const attemptsFile = (fn: string) => join(work, `${fn}.attempts`);
const previousDelays = process.env.SLUICE_ASYNC_RETRY_DELAYS_MS;
let service: TestService | undefined;

beforeAll(async () => {
  for (const [key, name] of Object.entries(queues)) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`no URL for the new queue ${name}`);
    queueUrls[key] = QueueUrl;
  }
  const assemblyDir = join(work, "cdk.out");
  writeSyntheticAssembly(assemblyDir, {
    functions: [
      {
        logicalId: "Failing",
        functionName: failing,
        codeDir: fixture,
        environment: { ATTEMPTS_FILE: attemptsFile(failing) },
        eventInvokeConfig: { maximumRetryAttempts: 1, onFailure: queueArn(queues.failed) },
      },
      {
        logicalId: "Succeeding",
        functionName: succeeding,
        codeDir: fixture,
        timeoutSeconds: 30,
        environment: { ATTEMPTS_FILE: attemptsFile(succeeding) },
        eventInvokeConfig: { onSuccess: queueArn(queues.succeeded) },
      },
      {
        logicalId: "DeadLettered",
        functionName: deadLettered,
        codeDir: fixture,
        environment: { ATTEMPTS_FILE: attemptsFile(deadLettered) },
        deadLetterTargetArn: queueArn(queues.deadLetters),
      },
    ],
  });
  process.env.SLUICE_ASYNC_RETRY_DELAYS_MS = "200,400,50,200"; // the daemon inherits it
  service = await startTestService({ assemblyDir });
  await service.loaded();
});

afterAll(async () => {
  if (previousDelays === undefined) delete process.env.SLUICE_ASYNC_RETRY_DELAYS_MS;
  else process.env.SLUICE_ASYNC_RETRY_DELAYS_MS = previousDelays;
  await service?.dispose();
  for (const url of Object.values(queueUrls)) await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  for (const fn of [failing, succeeding, deadLettered]) await removeFunctionLogs(cfg, fn);
  rmSync(work, { recursive: true, force: true });
});

/** Invokes with InvocationType Event; returns the request id of the 202. */
async function invokeEvent(functionName: string, event: unknown): Promise<string> {
  const res = await fetch(`${service?.cfg.endpoint.url}/2015-03-31/functions/${functionName}/invocations`, {
    method: "POST",
    headers: { "X-Amz-Invocation-Type": "Event" },
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(202);
  const requestId = res.headers.get("x-amzn-requestid");
  if (!requestId) throw new Error("a 202 without x-amzn-RequestId");
  return requestId;
}

/** Receives (and deletes) messages from the queue until count arrived or timeoutMs passed. */
async function receiveMessages(queue: keyof typeof queues, count: number, timeoutMs = 60_000) {
  const QueueUrl = queueUrls[queue];
  const messages: Array<{ body: unknown; attributes: Record<string, string | undefined> }> = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    for (const m of Messages ?? []) {
      const attributes = Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, `${v.DataType}:${v.StringValue}`]),
      );
      messages.push({ body: JSON.parse(m.Body ?? "null"), attributes });
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return messages;
}

async function receive(queue: keyof typeof queues, count: number, timeoutMs = 60_000): Promise<unknown[]> {
  return (await receiveMessages(queue, count, timeoutMs)).map((m) => m.body);
}

function lambdaClient(): LambdaClient {
  return new LambdaClient({ endpoint: service?.cfg.endpoint.url, region: cfg.region, credentials: LOCAL_CREDENTIALS });
}

const attempts = (fn: string): string[] =>
  existsSync(attemptsFile(fn)) ? readFileSync(attemptsFile(fn), "utf8").split("\n").filter(Boolean) : [];

test("the event-invoke-config API answers the assembly's configuration", async () => {
  const lambda = lambdaClient();
  const config = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: failing }));
  expect(config.MaximumRetryAttempts).toBe(1);
  expect(config.MaximumEventAgeInSeconds).toBe(21600);
  expect(config.DestinationConfig?.OnFailure?.Destination).toBe(queueArn(queues.failed));
  expect(config.FunctionArn).toBe(`arn:aws:lambda:${cfg.region}:${cfg.accountId}:function:${failing}:$LATEST`);
  lambda.destroy();
});

test("a failing function is tried 1 + MaximumRetryAttempts times; its record lands in OnFailure", async () => {
  const requestId = await invokeEvent(failing, { id: "f1", fail: true });
  const [record, ...more] = await receive("failed", 1);
  expect(more).toEqual([]);
  expect(record).toEqual({
    version: "1.0",
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    requestContext: {
      requestId,
      functionArn: `arn:aws:lambda:${cfg.region}:${cfg.accountId}:function:${failing}:$LATEST`,
      condition: "RetriesExhausted",
      approximateInvokeCount: 2,
    },
    requestPayload: { id: "f1", fail: true },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: expect.objectContaining({ errorType: "Error", errorMessage: "event f1 fails on purpose" }),
  });
  expect(attempts(failing)).toEqual(["f1", "f1"]);
});

test("a successful invocation's record lands in OnSuccess", async () => {
  const requestId = await invokeEvent(succeeding, { id: "s1" });
  const [record] = await receive("succeeded", 1);
  expect(record).toMatchObject({
    version: "1.0",
    requestContext: { requestId, condition: "Success", approximateInvokeCount: 1 },
    requestPayload: { id: "s1" },
    responseContext: { statusCode: 200, executedVersion: "$LATEST" },
    responsePayload: { id: "s1", ok: true },
  });
  expect((record as { responseContext: object }).responseContext).not.toHaveProperty("functionError");
});

test("without an OnFailure destination the event goes to the dead-letter queue; the API sets the retries", async () => {
  const lambda = lambdaClient();
  await expect(
    lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: deadLettered })),
  ).rejects.toBeInstanceOf(ResourceNotFoundException);
  const put = await lambda.send(
    new PutFunctionEventInvokeConfigCommand({ FunctionName: deadLettered, MaximumRetryAttempts: 0 }),
  );
  expect(put.MaximumRetryAttempts).toBe(0);
  const requestId = await invokeEvent(deadLettered, { id: "d1", fail: true });
  const [message, ...more] = await receiveMessages("deadLetters", 1);
  expect(more).toEqual([]);
  expect(message).toEqual({
    body: { id: "d1", fail: true },
    attributes: {
      RequestID: `String:${requestId}`,
      ErrorCode: "Number:200",
      ErrorMessage: "String:event d1 fails on purpose",
    },
  });
  expect(attempts(deadLettered)).toEqual(["d1"]);
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: deadLettered }));
  await expect(
    lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: deadLettered })),
  ).rejects.toBeInstanceOf(ResourceNotFoundException);
  lambda.destroy();
});

test("events accepted before a SIGKILL of the service are delivered after its restart", async () => {
  if (!service) throw new Error("no service");
  const ids = ["k1", "k2", "k3"];
  const requestIds = new Map<string, string>();
  for (const id of ids) requestIds.set(id, await invokeEvent(succeeding, { id, sleepMs: 5_000 }));
  const eventsDir = join(service.cfg.runDir, "async-events");
  expect(readdirSync(eventsDir).filter((f) => f.endsWith(".json"))).toHaveLength(3);
  await service.kill();
  expect(readdirSync(eventsDir).filter((f) => f.endsWith(".json"))).toHaveLength(3);
  await service.start();
  await service.loaded();
  const records = (await receive("succeeded", 3, 90_000)) as Array<{
    requestContext: { requestId: string; condition: string };
    responsePayload: { id: string };
  }>;
  expect(records.map((r) => r.responsePayload.id).sort()).toEqual(ids);
  for (const r of records) {
    expect(r.requestContext.condition).toBe("Success");
    expect(r.requestContext.requestId).toBe(requestIds.get(r.responsePayload.id));
  }
  expect(readdirSync(eventsDir).filter((f) => f.endsWith(".json"))).toEqual([]);
}, 180_000);
