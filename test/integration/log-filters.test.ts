/**
 * FilterLogEvents with CloudWatch Logs filter patterns through the service's endpoint, as the SDK and the
 * AWS CLI v2 call it: LocalStack alone would return every event whatever the pattern.
 */
import { spawnSync } from "node:child_process";
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { awsClients, awsEnv } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { cfg, unique } from "./helpers";

const clients = awsClients(cfg);
const { logs } = clients;
const group = `/sluice/test/${unique("log-filters")}`;

const DUPLICATE_1 = JSON.stringify({ level: "warn", reason: "duplicate-image", stage: "validate", bytes: 2048 });
const ACCEPTED = JSON.stringify({ level: "info", reason: "accepted", stage: "validate", bytes: 512 });
const DUPLICATE_2 = JSON.stringify({ level: "warn", reason: "duplicate-image", stage: "store", bytes: 100 });
const CAUGHT = "[ERROR] Caught IllegalArgumentException";
const FAILED = "[WARN] Failed to process the request";
const GET_OK = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534';
const GET_FAILED = '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324';
const ALL = [DUPLICATE_1, ACCEPTED, DUPLICATE_2, CAUGHT, FAILED, GET_OK, GET_FAILED];

beforeAll(async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "one" }));
  const start = Date.now() - 60_000;
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: "one",
      logEvents: ALL.map((message, i) => ({ timestamp: start + i, message })),
    }),
  );
  await waitFor("the events to be searchable", async () => {
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    return all.events?.length === ALL.length ? true : undefined;
  });
});

afterAll(async () => {
  await logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
  clients.destroy();
});

async function filter(filterPattern: string): Promise<string[]> {
  const answer = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern }));
  expect(answer.searchedLogStreams?.map((s) => s.logStreamName)).toEqual(["one"]);
  return (answer.events ?? []).map((e) => e.message ?? "");
}

test.each([
  ['{ $.reason = "duplicate-image" }', [DUPLICATE_1, DUPLICATE_2]],
  ['{ $.reason = "duplicate-image" && $.bytes > 1000 }', [DUPLICATE_1]],
  ["{ $.stage = valid* || $.level NOT EXISTS }", [DUPLICATE_1, ACCEPTED]],
  ["ERROR", [CAUGHT]],
  ["?ERROR ?WARN", [CAUGHT, FAILED]],
  ['"Failed to process"', [FAILED]],
  ["GET -500", [GET_OK]],
  ["[ip, user, username, timestamp, request, status_code = 5*, bytes > 1000]", [GET_FAILED]],
  ["[..., status_code, bytes < 2000]", [GET_OK]],
])("FilterLogEvents %s returns exactly the matching events", async (pattern, expected) => {
  expect(await filter(pattern)).toEqual(expected);
});

test("without a pattern every event comes back, as LocalStack answers it", async () => {
  expect(await filter("")).toEqual(ALL);
});

test("a limit pages through the matches with nextToken", async () => {
  const pattern = '{ $.reason = "duplicate-image" }';
  const first = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: pattern, limit: 1 }));
  expect(first.events?.map((e) => e.message)).toEqual([DUPLICATE_1]);
  expect(first.nextToken).toBeDefined();
  const seen = [...(first.events ?? [])];
  let token = first.nextToken;
  while (token) {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: pattern, limit: 1, nextToken: token }),
    );
    seen.push(...(page.events ?? []));
    token = page.nextToken;
  }
  expect(seen.map((e) => e.message)).toEqual([DUPLICATE_1, DUPLICATE_2]);
});

test("an invalid pattern is an InvalidParameterException", async () => {
  await expect(
    logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{ $.reason = "x"' })),
  ).rejects.toMatchObject({ name: "InvalidParameterException", message: "Invalid filter pattern" });
});

test("aws logs filter-log-events --filter-pattern prints only the matching events", () => {
  const r = spawnSync(
    "/usr/bin/aws",
    [
      "--endpoint-url",
      cfg.endpoint.url,
      "--output",
      "json",
      "logs",
      "filter-log-events",
      "--log-group-name",
      group,
      "--filter-pattern",
      '{ $.reason = "duplicate-image" }',
    ],
    { encoding: "utf8", env: awsEnv(cfg) },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as { events: { message: string; logStreamName: string }[] };
  expect(out.events.map((e) => [e.logStreamName, e.message])).toEqual([
    ["one", DUPLICATE_1],
    ["one", DUPLICATE_2],
  ]);
});
