/**
 * A function in the JSON log format, deployed from its own CDK app (`deploy:local -- --app`): GetFunction reports its
 * LoggingConfig, its log stream holds one JSON record per event with platform.start and platform.report (and its
 * metrics) instead of START / REPORT, ApplicationLogLevel WARN drops the INFO records (console calls and raw JSON
 * lines alike), and filter patterns select the records as on AWS. Its Text twin keeps START / END / REPORT.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { type FilteredLogEvent, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import { GetFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { destroyApp } from "#local/apps/apps";
import { findApp } from "#local/support/app-registry";
import { awsClients } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { cfg } from "./helpers";

const cli = resolve(__dirname, "../../localstack/cli.ts");
const suffix = Date.now().toString(36);
const name = `json-logs-${suffix}`;
const functionName = `json-logs-logger-${suffix}`;
const textFunctionName = `json-logs-text-${suffix}`;
const logGroupName = `/aws/lambda/${functionName}`;
const appCommand = `npx tsx ${resolve(__dirname, "fixtures/apps/json-logs/app.ts")}`;
const env = { ...process.env, JSON_LOGS_SUFFIX: suffix };
const { lambda, logs } = awsClients(cfg);

async function events(filterPattern?: string): Promise<FilteredLogEvent[]> {
  const found: FilteredLogEvent[] = [];
  const query = { logGroupName, ...(filterPattern ? { filterPattern } : {}) };
  for await (const page of paginateFilterLogEvents({ client: logs }, query)) found.push(...(page.events ?? []));
  return found;
}

const invoke = async (correlationId: string, name = functionName) => {
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify({ correlationId })),
      LogType: "Tail",
    }),
  );
  return {
    requestId: answer.$metadata.requestId ?? "",
    tail: Buffer.from(answer.LogResult ?? "", "base64").toString(),
  };
};

beforeAll(async () => {
  await promisify(execFile)("npx", ["tsx", cli, "deploy", "--app", appCommand, "--name", name], {
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);

afterAll(async () => {
  if (findApp(cfg.stateDir, name)) await destroyApp(cfg, name, () => {});
}, 120_000);

test("GetFunction reports the function's LoggingConfig", async () => {
  const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  expect(Configuration?.LoggingConfig).toEqual({
    LogFormat: "JSON",
    ApplicationLogLevel: "WARN",
    SystemLogLevel: "INFO",
    LogGroup: logGroupName,
  });
});

test("the log stream holds JSON records: the WARN and ERROR ones, platform.start and platform.report", async () => {
  const cold = await invoke("first");
  const warm = await invoke("second");
  expect(cold.tail).toContain('"type":"platform.report"');
  expect(cold.tail).not.toContain("REPORT RequestId");

  const all = await waitFor(
    "two platform.report records",
    async () => {
      const found = await events();
      return found.filter((e) => e.message?.includes('"platform.report"')).length >= 2 ? found : undefined;
    },
    { timeoutMs: 30_000 },
  );
  const records = all.map((e) => JSON.parse(e.message ?? "") as Record<string, unknown>);
  const application = records.filter((r) => r.type === undefined);
  // Per invocation: the console.warn object, the console.error text, Powertools' WARN line; never an INFO one.
  expect(application.map((r) => [r.level, r.message])).toEqual([
    ["WARN", { reason: "duplicate-image", correlationId: "first" }],
    ["ERROR", "an error record"],
    ["WARN", "structured warning"],
    ["WARN", { reason: "duplicate-image", correlationId: "second" }],
    ["ERROR", "an error record"],
    ["WARN", "structured warning"],
  ]);
  expect(records.map((r) => r.type).filter((t) => t !== undefined)).toEqual([
    "platform.initStart",
    "platform.start",
    "platform.report",
    "platform.start",
    "platform.report",
  ]);
  const reports = records.filter((r) => r.type === "platform.report").map((r) => r.record as Record<string, unknown>);
  expect(reports).toEqual([
    {
      requestId: expect.any(String),
      metrics: {
        durationMs: expect.any(Number),
        billedDurationMs: expect.any(Number),
        memorySizeMB: 128,
        maxMemoryUsedMB: expect.any(Number),
        initDurationMs: expect.any(Number),
      },
      status: "success",
    },
    {
      requestId: expect.any(String),
      metrics: {
        durationMs: expect.any(Number),
        billedDurationMs: expect.any(Number),
        memorySizeMB: 128,
        maxMemoryUsedMB: expect.any(Number),
      },
      status: "success",
    },
  ]);
  expect(warm.tail).toContain(`"requestId":"${reports[1]?.requestId}"`);
});

test("filter patterns select the JSON records as on AWS", async () => {
  const reports = await events('{ $.type = "platform.report" && $.record.metrics.memorySizeMB = 128 }');
  expect(reports).toHaveLength(2);
  const duplicates = await events('{ $.message.reason = "duplicate-image" }');
  expect(
    duplicates.map(
      (e) => (JSON.parse(e.message ?? "") as { message: { correlationId: string } }).message.correlationId,
    ),
  ).toEqual(["first", "second"]);
});

test("the Text function keeps START, END and REPORT and every console line", async () => {
  const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: textFunctionName }));
  expect(Configuration?.LoggingConfig).toEqual({ LogFormat: "Text", LogGroup: `/aws/lambda/${textFunctionName}` });
  const { requestId, tail } = await invoke("text", textFunctionName);
  // REPORT ends with a tab, as on AWS: only the final newline goes.
  const lines = tail.replace(/\n$/, "").split("\n");
  const at = (level: string, text: string) => new RegExp(`^\\S+\\t${requestId}\\t${level}\\t${text}$`);
  expect(lines).toEqual([
    `START RequestId: ${requestId} Version: $LATEST`,
    expect.stringMatching(at("INFO", "an info record")),
    expect.stringMatching(at("WARN", "\\{ reason: 'duplicate-image', correlationId: 'text' \\}")),
    expect.stringMatching(at("ERROR", "an error record")),
    '{"level":"INFO","message":"structured info"}',
    '{"level":"WARN","message":"structured warning","reason":"too-small"}',
    `END RequestId: ${requestId}`,
    expect.stringMatching(
      new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\t.*Init Duration: [\\d.]+ ms\\t$`),
    ),
  ]);
});
