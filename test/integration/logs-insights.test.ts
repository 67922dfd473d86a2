/**
 * CloudWatch Logs Insights through the service's endpoint, over a function's own log group: a function run
 * by a test Lambda service (its logs go to LocalStack's CloudWatch Logs, START/END/REPORT included) is invoked
 * with the reasons and notes below, then queried with StartQuery / GetQueryResults as the SDK and the AWS
 * CLI v2 call them. LocalStack alone accepts any query and answers every event's @ptr, whatever the query.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  DescribeQueriesCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  type GetQueryResultsResponse,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { awsClients, awsEnv } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { cfg } from "./helpers";
import { removeFunctionLogs, startTestService, type TestService } from "./support/service";

const work = mkdtempSync(join(tmpdir(), "sluice-insights-"));
const functionName = `insights-${Date.now().toString(36)}`;
const logGroupName = `/aws/lambda/${functionName}`;

/** What the test invokes, in this order: reasons 4 × duplicate-image and 2 × accepted, notes x marks 1..6. */
const INVOCATIONS = [
  { reason: "duplicate-image", bytes: 2048, note: "x marks 1" },
  { reason: "accepted", bytes: 512, note: "x marks 2" },
  { reason: "duplicate-image", bytes: 100, note: "x marks 3" },
  { reason: "accepted", bytes: 300, note: "x marks 4" },
  { reason: "duplicate-image", bytes: 10, note: "x marks 5" },
  { reason: "duplicate-image", bytes: 20, note: "x marks 6" },
];

let service: TestService | undefined;
let clients: ReturnType<typeof awsClients> | undefined;
let startTime = 0;
let endTime = 0;

beforeAll(async () => {
  const assemblyDir = join(work, "cdk.out");
  writeSyntheticAssembly(assemblyDir, {
    functions: [{ logicalId: "Reasons", functionName, codeDir: resolve(__dirname, "fixtures/log-reasons") }],
  });
  service = await startTestService({ assemblyDir });
  await service.loaded();
  clients = awsClients(service.cfg);
  startTime = Math.floor(Date.now() / 1000) - 1;
  for (const event of INVOCATIONS) {
    const answer = await clients.lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    expect(answer.FunctionError).toBeUndefined();
  }
  await waitFor("the six REPORT lines in CloudWatch Logs", async () => {
    const reports = await reportLines();
    return reports.length === INVOCATIONS.length ? true : undefined;
  });
  endTime = Math.ceil(Date.now() / 1000) + 1;
});

afterAll(async () => {
  clients?.destroy();
  await service?.dispose();
  await removeFunctionLogs(cfg, functionName);
  rmSync(work, { recursive: true, force: true });
});

async function reportLines(): Promise<string[]> {
  const found = await logs().send(new FilterLogEventsCommand({ logGroupName }));
  return (found.events ?? []).map((e) => e.message ?? "").filter((m) => m.startsWith("REPORT RequestId: "));
}

function logs() {
  if (!clients) throw new Error("no clients: beforeAll failed");
  return clients.logs;
}

/** StartQuery, then GetQueryResults until Complete. */
async function query(queryString: string): Promise<GetQueryResultsResponse> {
  const { queryId } = await logs().send(new StartQueryCommand({ logGroupName, startTime, endTime, queryString }));
  return waitFor(`query ${queryString}`, async () => {
    const answer = await logs().send(new GetQueryResultsCommand({ queryId }));
    if (answer.status === "Failed" || answer.status === "Cancelled") throw new Error(`query ${answer.status}`);
    return answer.status === "Complete" ? answer : undefined;
  });
}

/** Rows as {field: value}, without @ptr. */
const rows = (answer: GetQueryResultsResponse) =>
  (answer.results ?? []).map((row) =>
    Object.fromEntries(row.filter((f) => f.field !== "@ptr").map((f) => [f.field ?? "", f.value ?? ""])),
  );

test("stats count(*) by reason counts the reasons the invocations logged", async () => {
  const answer = await query("filter ispresent(reason) | stats count(*) by reason | sort reason");
  expect(rows(answer)).toEqual([
    { reason: "accepted", "count(*)": "2" },
    { reason: "duplicate-image", "count(*)": "4" },
  ]);
  expect(answer.statistics).toMatchObject({
    recordsMatched: INVOCATIONS.length,
    // each invocation wrote START, its reason, its note, END and REPORT
    recordsScanned: 5 * INVOCATIONS.length,
  });
});

test("filter @type = REPORT | stats avg(@duration) averages the REPORT lines' durations", async () => {
  const answer = await query('filter @type = "REPORT" | stats count(*) as invocations, avg(@duration) as mean');
  const durations = (await reportLines()).map((line) => Number(/\tDuration: ([0-9.]+) ms/.exec(line)?.[1]));
  const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
  const [row] = rows(answer);
  expect(row?.invocations).toBe(String(INVOCATIONS.length));
  expect(Number(row?.mean)).toBeCloseTo(mean, 6);
});

test("fields @message | filter like /x/ | sort @timestamp desc | limit 5 returns the five newest notes", async () => {
  const answer = await query("fields @message | filter @message like /x marks/ | sort @timestamp desc | limit 5");
  const notes = rows(answer).map((row) => row["@message"]?.split("\t").at(-1));
  expect(notes).toEqual(["x marks 6", "x marks 5", "x marks 4", "x marks 3", "x marks 2"]);
  expect(answer.statistics?.recordsMatched).toBe(INVOCATIONS.length);
  expect(answer.results?.every((row) => row.some((f) => f.field === "@ptr"))).toBe(true);
});

test("JSON fields and Lambda's @requestId are discovered in the function's text-format lines", async () => {
  const answer = await query('filter reason = "accepted" | fields @requestId, reason, bytes | sort bytes desc');
  expect(rows(answer).map(({ reason, bytes }) => ({ reason, bytes }))).toEqual([
    { reason: "accepted", bytes: "512" },
    { reason: "accepted", bytes: "300" },
  ]);
  expect(rows(answer).every((row) => /^[0-9a-f-]{36}$/.test(row["@requestId"] ?? ""))).toBe(true);
});

test("DescribeQueries lists the queries of the log group with their status", async () => {
  const answer = await logs().send(new DescribeQueriesCommand({ logGroupName }));
  expect(answer.queries?.length).toBeGreaterThanOrEqual(4);
  expect(answer.queries?.every((q) => q.status === "Complete" && q.logGroupName === logGroupName)).toBe(true);
});

test("StopQuery of a finished query is no success; unknown queries and log groups are ResourceNotFoundException", async () => {
  const { queryId } = await logs().send(
    new StartQueryCommand({ logGroupName, startTime, endTime, queryString: "fields @message | limit 1" }),
  );
  await waitFor("the query to complete", async () => {
    const { status } = await logs().send(new GetQueryResultsCommand({ queryId }));
    return status === "Complete" ? true : undefined;
  });
  expect(await logs().send(new StopQueryCommand({ queryId }))).toMatchObject({ success: false });
  await expect(logs().send(new GetQueryResultsCommand({ queryId: "no-such-query" }))).rejects.toMatchObject({
    name: "ResourceNotFoundException",
  });
  await expect(
    logs().send(
      new StartQueryCommand({
        logGroupName: `${logGroupName}-none`,
        startTime,
        endTime,
        queryString: "fields @message",
      }),
    ),
  ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
});

describe("with the AWS CLI v2", () => {
  const aws = (...args: string[]) =>
    spawnSync(
      "/usr/bin/aws",
      ["--endpoint-url", service?.cfg.endpoint.url ?? "", "--output", "json", "logs", ...args],
      {
        encoding: "utf8",
        env: awsEnv(cfg),
      },
    );
  const range = () => ["--log-group-name", logGroupName, "--start-time", `${startTime}`, "--end-time", `${endTime}`];

  test("start-query then get-query-results prints the counts", async () => {
    const started = aws(
      "start-query",
      ...range(),
      "--query-string",
      'filter reason = "duplicate-image" | stats sum(bytes)',
    );
    expect(started.stderr).toBe("");
    const { queryId } = JSON.parse(started.stdout) as { queryId: string };
    const answer = await waitFor("the CLI's query to complete", async () => {
      const r = aws("get-query-results", "--query-id", queryId);
      const out = JSON.parse(r.stdout) as { status: string; results: { field: string; value: string }[][] };
      return out.status === "Complete" ? out : undefined;
    });
    expect(answer.results).toEqual([[{ field: "sum(bytes)", value: String(2048 + 100 + 10 + 20) }]]);
  });

  test("a query outside the supported language fails with MalformedQueryException naming it", () => {
    const r = aws("start-query", ...range(), "--query-string", "fields @message | dedup reason");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("MalformedQueryException");
    expect(r.stderr).toContain("'dedup' is not a command");
  });
});
