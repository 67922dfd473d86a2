/**
 * The local Lambda service as its users meet it: the deployed pipeline's functions behind one endpoint,
 * the Lambda API in AWS's shapes (SDK and AWS CLI v2), Kafka records arriving as AWS-shaped events, and
 * every invocation's log in CloudWatch Logs.
 */
import { spawnSync } from "node:child_process";
import { type FilteredLogEvent, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import {
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { Kafka } from "kafkajs";
import { adminCredentials, kafkaClientConfig } from "#local/launchers/kafka";
import { awsClients, awsEnv } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { cfg, output, unique } from "./helpers";

const clients = awsClients(cfg);
const { lambda, logs } = clients;
const kafka = new Kafka(kafkaClientConfig(cfg, adminCredentials(cfg)));
const producer = kafka.producer();
const STAGES = ["scrape", "validate", "store", "clean"] as const;

beforeAll(async () => {
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  clients.destroy();
});

/** A self-managed Kafka event as the event-source mapping would send it. */
function kafkaEvent(topic: string, value: unknown) {
  return {
    eventSource: "SelfManagedKafka",
    bootstrapServers: cfg.kafka.bootstrapServers,
    records: {
      [`${topic}-0`]: [
        {
          topic,
          partition: 0,
          offset: 42,
          timestamp: Date.now(),
          timestampType: "CREATE_TIME",
          value: Buffer.from(JSON.stringify(value)).toString("base64"),
          headers: [],
        },
      ],
    },
  };
}

async function produce(topic: string, value: unknown): Promise<{ partition: number; offset: string }> {
  const [meta] = await producer.send({ topic, messages: [{ key: unique("k"), value: JSON.stringify(value) }] });
  if (!meta?.baseOffset) throw new Error(`no offset for the record produced to ${topic}`);
  return { partition: meta.partition, offset: meta.baseOffset };
}

/**
 * Log events of a function's group that contain text, read through the endpoint as `aws logs` would.
 * (Matched here rather than with a filter pattern, so these tests do not lean on the service's pattern
 * matching, which log-filters.test.ts covers.)
 */
async function logEvents(functionName: string, text: string) {
  const events: FilteredLogEvent[] = [];
  for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: `/aws/lambda/${functionName}` })) {
    events.push(...(page.events ?? []));
  }
  return events.filter((e) => e.message?.includes(text));
}

/** The AWS CLI v2 (Debian's `awscli`); CI installs it, see .ci/run. */
function awsCli(): string {
  for (const candidate of ["/usr/bin/aws", "aws"]) {
    const r = spawnSync(candidate, ["--version"], { encoding: "utf8" });
    if (r.status === 0 && /aws-cli\/2\./.test(r.stdout + r.stderr)) return candidate;
  }
  throw new Error("these tests need the AWS CLI v2: apt-get install awscli");
}

function aws(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(awsCli(), ["--endpoint-url", cfg.endpoint.url, "--output", "json", ...args], {
    encoding: "utf8",
    env: awsEnv(cfg),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `aws lambda invoke` with a JSON payload given as text, the response written to outFile. */
function cliInvoke(functionName: string, payload: string, outFile: string) {
  return aws([
    "lambda",
    "invoke",
    "--function-name",
    functionName,
    "--cli-binary-format",
    "raw-in-base64-out",
    "--payload",
    payload,
    outFile,
  ]);
}

describe("a record produced to celebrities", () => {
  test("reaches the scrape function as an AWS-shaped event, and its log lines are in CloudWatch Logs", async () => {
    const fn = await output("ScrapeFunctionName");
    // Someone the sample web does not know: scrape finds nothing for them, and the sample's people stay untouched.
    const { partition, offset } = await produce("celebrities", { wikidataId: "Q99999001", name: "Test Person One" });
    const correlationId = `celebrities-${partition}-${offset}`;
    // The handler logs one line per record with its correlation id; Powertools parsed the event with
    // its KafkaSelfManagedEventSchema first, so the line only exists if the event had AWS's shape.
    const [line] = await waitFor(`the log line of ${correlationId}`, async () => {
      const found = await logEvents(fn, `"correlationId":"${correlationId}"`);
      return found.length > 0 ? found : undefined;
    });
    const entry = JSON.parse(line?.message ?? "{}") as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: "INFO",
      message: "record processed",
      outcome: "scraped",
      wikidataId: "Q99999001",
      candidates: 0,
      correlationId,
      function_name: fn,
    });
    const stream = line?.logStreamName ?? "";
    expect(stream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const requestId = String(entry.function_request_id);
    // Sluice's functions log in the JSON format: platform records stand where START / END / REPORT would.
    const lifecycle = await waitFor("the platform.start and platform.report records", async () => {
      const found = await logEvents(fn, `"requestId":"${requestId}"`);
      return found.some((e) => e.message?.includes('"type":"platform.report"')) ? found : undefined;
    });
    const platform = lifecycle
      .map((e) => JSON.parse(e.message ?? "{}") as { type?: string; record?: Record<string, unknown> })
      .filter((r) => r.type?.startsWith("platform."));
    expect(platform.find((r) => r.type === "platform.start")?.record).toEqual({ requestId, version: "$LATEST" });
    expect(platform.find((r) => r.type === "platform.report")?.record).toMatchObject({
      requestId,
      metrics: {
        durationMs: expect.any(Number),
        billedDurationMs: expect.any(Number),
        memorySizeMB: 512,
        maxMemoryUsedMB: expect.any(Number),
      },
      status: "success",
    });
  });
});

describe("the Lambda API on the endpoint", () => {
  test("ListFunctions, GetFunction and GetFunctionConfiguration describe the four stages", async () => {
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
    const names = Functions.map((f) => f.FunctionName);
    for (const stage of STAGES) expect(names).toContain(`${cfg.stackPrefix}-pipeline-${stage}`);
    const name = await output("ScrapeFunctionName");
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(config).toMatchObject({
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:${cfg.region}:${cfg.accountId}:function:${name}`,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      MemorySize: 512,
      Timeout: 120,
      State: "Active",
      LoggingConfig: {
        LogFormat: "JSON",
        ApplicationLogLevel: "INFO",
        SystemLogLevel: "INFO",
        LogGroup: `/aws/lambda/${name}`,
      },
    });
    expect(config.Environment?.Variables?.INPUT_TOPIC).toBe("celebrities");
    expect(config.Environment?.Variables?.KAFKA_SECRET_ARN).toBe(await output("KafkaSecretArn"));
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: config.FunctionArn }));
    expect(fn.Configuration?.FunctionName).toBe(name);
  });

  test("an unknown function is a ResourceNotFoundException", async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: "no-such-function" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
  });

  test("a function error comes back in AWS's shape with X-Amz-Function-Error and the log tail", async () => {
    const name = await output("ScrapeFunctionName");
    const res = await lambda.send(
      new InvokeCommand({
        FunctionName: name,
        Payload: Buffer.from(JSON.stringify({ not: "kafka" })),
        LogType: "Tail",
      }),
    );
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe("Unhandled");
    const payload = JSON.parse(Buffer.from(res.Payload ?? []).toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ errorType: "ParseError", errorMessage: expect.any(String) });
    expect(Array.isArray(payload.trace)).toBe(true);
    const tail = Buffer.from(res.LogResult ?? "", "base64").toString();
    // In the JSON format the runtime logs the error as one record, its fields in the message.
    expect(tail).toMatch(/\{"time":"[^"]+","type":"platform\.start","record":\{"requestId":"[0-9a-f-]{36}"/);
    expect(tail).toMatch(/"level":"ERROR","requestId":"[0-9a-f-]{36}","message":\{"errorType":"ParseError"/);
    expect(tail).toMatch(/"type":"platform\.report".*"status":"error","errorType":"ParseError"/);
  });

  test("DryRun answers 204 and Event 202 without a payload", async () => {
    const name = await output("ValidateFunctionName");
    const dry = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "DryRun" }));
    expect(dry.StatusCode).toBe(204);
    const event = await lambda.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: "Event",
        Payload: Buffer.from(JSON.stringify(kafkaEvent("image-candidates", { url: "x" }))),
      }),
    );
    expect(event.StatusCode).toBe(202);
  });

  test("a payload that is not JSON is an InvalidRequestContentException", async () => {
    const name = await output("ValidateFunctionName");
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from("{not json") })),
    ).rejects.toMatchObject({ name: "InvalidRequestContentException", $metadata: { httpStatusCode: 400 } });
  });

  test("the event-source mappings are listed, read and toggled like AWS's", async () => {
    const name = await output("ScrapeFunctionName");
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
    expect(EventSourceMappings).toHaveLength(1);
    const listed = EventSourceMappings[0];
    expect(listed).toMatchObject({
      Topics: ["celebrities"],
      BatchSize: 100,
      StartingPosition: "TRIM_HORIZON",
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [...cfg.kafka.brokerList] } },
      SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: await output("KafkaSecretArn") }],
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: expect.stringMatching(/^arn:aws:s3:::/) } },
      State: "Enabled",
    });
    const uuid = listed?.UUID ?? "";
    expect(listed?.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId).toBe(uuid);

    const disabled = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    expect(disabled.UUID).toBe(uuid);
    await waitFor("the mapping to be Disabled", async () => {
      const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.State === "Disabled" ? m : undefined;
    });
    // While disabled, nothing is delivered; enabled again, the record arrives from the committed offset.
    const { partition, offset } = await produce("celebrities", { wikidataId: "Q99999002", name: "Test Person Two" });
    const correlationId = `celebrities-${partition}-${offset}`;
    await new Promise((r) => setTimeout(r, 2000));
    expect(await logEvents(name, `"correlationId":"${correlationId}"`)).toEqual([]);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await waitFor(`${correlationId} after re-enabling`, async () => {
      const found = await logEvents(name, `"correlationId":"${correlationId}"`);
      return found.length > 0 ? found : undefined;
    });
    const after = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(after.State).toBe("Enabled");
  });
});

describe("the AWS CLI v2 against the endpoint", () => {
  test.each(STAGES)(
    "aws lambda invoke runs %s with a Kafka event, and a bad record comes back as a batch item failure",
    async (stage) => {
      const name = await output(`${stage.charAt(0).toUpperCase()}${stage.slice(1)}FunctionName`);
      const out = `/tmp/sluice-invoke-${unique(stage)}.json`;
      // Not any stage's message: the record fails alone, reported in Lambda's partial-batch shape.
      const r = cliInvoke(name, JSON.stringify(kafkaEvent("topic", { stage })), out);
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
      const { readFileSync, rmSync } = await import("node:fs");
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({
        batchItemFailures: [{ itemIdentifier: { partition: "topic-0", offset: 42 } }],
      });
      rmSync(out, { force: true });
    },
  );

  test("aws lambda list-event-source-mappings shows every stage's mapping: four face, one bank, two tweet, the lake", () => {
    const r = aws(["lambda", "list-event-source-mappings"]);
    expect(r.status).toBe(0);
    const topics = (
      JSON.parse(r.stdout) as { EventSourceMappings: Array<{ Topics: string[] }> }
    ).EventSourceMappings.map((m) => m.Topics[0]);
    expect(topics.sort()).toEqual([
      "celebrities",
      "image-candidates",
      "images-stored",
      "images-verified",
      "observations",
      "transactions",
      "tweets",
      "tweets",
    ]);
  });

  test("aws logs tail reads a function's log group", async () => {
    const name = await output("CleanFunctionName");
    cliInvoke(name, "{}", "/dev/null");
    const text = await waitFor("aws logs tail output", async () => {
      const r = aws(["logs", "tail", `/aws/lambda/${name}`, "--since", "10m"]);
      return r.status === 0 && r.stdout.includes('"type":"platform.report"') ? r.stdout : undefined;
    });
    expect(text).toMatch(/\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32} \{"time":"[^"]+","type":"platform\.start"/);
  });
});
