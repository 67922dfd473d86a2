/**
 * Queries run over log events whose answers are declared here: Lambda's START/REPORT lines and text-format
 * application lines, JSON logs (the CloudTrail event of AWS's "Fields in JSON logs" section), and plain
 * lines; the filter, stats, sort, limit and parse examples of AWS's query syntax pages.
 */
import { runQuery } from "#local/lambda-service/logs/insights/evaluate";
import type { LogRecord } from "#local/lambda-service/logs/insights/fields";
import { parseQuery } from "#local/lambda-service/logs/insights/parse";

const T0 = Date.UTC(2026, 10, 29, 15, 0, 0);
const at = (offsetMs: number, message: string, logStreamName = "2026/11/29/[$LATEST]a"): LogRecord => ({
  logGroupName: "/aws/lambda/store",
  accountId: "000000000000",
  logStreamName,
  timestamp: T0 + offsetMs,
  message,
});

const CLOUDTRAIL = JSON.stringify({
  eventVersion: "1.0",
  userIdentity: { type: "IAMUser", userName: "Alice", "@odd": "x" },
  eventName: "StartInstances",
  requestParameters: { instancesSet: { items: [{ instanceId: "i-abcde123" }] } },
});
const EVENTS: LogRecord[] = [
  at(0, "START RequestId: 11111111-aaaa-bbbb-cccc-000000000001 Version: $LATEST"),
  at(
    1,
    '2026-11-29T15:00:00.001Z\t11111111-aaaa-bbbb-cccc-000000000001\tWARN\t{"reason":"duplicate-image","bytes":2048}',
  ),
  at(2, "END RequestId: 11111111-aaaa-bbbb-cccc-000000000001"),
  at(
    3,
    "REPORT RequestId: 11111111-aaaa-bbbb-cccc-000000000001\tDuration: 12.50 ms\tBilled Duration: 13 ms\t" +
      "Memory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.25 ms\t",
  ),
  at(60_000, '2026-11-29T15:01:00.000Z\t22222222-aaaa-bbbb-cccc-000000000002\tINFO\t{"reason":"accepted","bytes":512}'),
  at(
    60_001,
    "REPORT RequestId: 22222222-aaaa-bbbb-cccc-000000000002\tDuration: 7.50 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\tMax Memory Used: 72 MB\t",
  ),
  at(120_000, '{"reason":"duplicate-image","bytes":100,"stage":"store"}', "other"),
  at(120_001, "[ERROR] Caught IllegalArgumentException", "other"),
  at(120_002, CLOUDTRAIL, "other"),
];

/** Each result row as {field: value}, @ptr left out. */
function run(query: string, limit = 10_000): Record<string, string>[] {
  return runQuery(parseQuery(query), EVENTS, limit).results.map((row) =>
    Object.fromEntries(row.filter((f) => f.field !== "@ptr").map((f) => [f.field, f.value])),
  );
}

describe("discovered fields", () => {
  test("REPORT lines give Lambda's fields, memory in bytes as Insights reports it", () => {
    expect(
      run(
        'filter @type = "REPORT" | fields @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed, @initDuration',
      ),
    ).toEqual([
      {
        "@requestId": "22222222-aaaa-bbbb-cccc-000000000002",
        "@duration": "7.5",
        "@billedDuration": "8",
        "@memorySize": "128000000",
        "@maxMemoryUsed": "72000000",
      },
      {
        "@requestId": "11111111-aaaa-bbbb-cccc-000000000001",
        "@duration": "12.5",
        "@billedDuration": "13",
        "@memorySize": "128000000",
        "@maxMemoryUsed": "70000000",
        "@initDuration": "150.25",
      },
    ]);
  });

  test("a text-format line gives its @requestId and the fields of its JSON; START and END their @type", () => {
    expect(run("filter ispresent(@requestId) | fields @type, @requestId, reason | sort @timestamp asc")).toEqual([
      { "@type": "START", "@requestId": "11111111-aaaa-bbbb-cccc-000000000001" },
      { "@requestId": "11111111-aaaa-bbbb-cccc-000000000001", reason: "duplicate-image" },
      { "@type": "END", "@requestId": "11111111-aaaa-bbbb-cccc-000000000001" },
      { "@type": "REPORT", "@requestId": "11111111-aaaa-bbbb-cccc-000000000001" },
      { "@requestId": "22222222-aaaa-bbbb-cccc-000000000002", reason: "accepted" },
      { "@type": "REPORT", "@requestId": "22222222-aaaa-bbbb-cccc-000000000002" },
    ]);
  });

  test("JSON is flattened with dots and array indexes; a field named @x is shown as @@x", () => {
    expect(
      run(
        'filter eventName = "StartInstances" | fields userIdentity.type, requestParameters.instancesSet.items.0.instanceId, userIdentity.@odd, @log, @logStream',
      ),
    ).toEqual([
      {
        "userIdentity.type": "IAMUser",
        "requestParameters.instancesSet.items.0.instanceId": "i-abcde123",
        "userIdentity.@odd": "x",
        "@log": "000000000000:/aws/lambda/store",
        "@logStream": "other",
      },
    ]);
  });

  test("without fields the columns are @timestamp and @message, newest first, each row with an @ptr", () => {
    const output = runQuery(parseQuery('filter @message like "IllegalArgument"'), EVENTS, 10);
    expect(output.results).toEqual([
      [
        { field: "@timestamp", value: "2026-11-29 15:02:00.001" },
        { field: "@message", value: "[ERROR] Caught IllegalArgumentException" },
        { field: "@ptr", value: expect.any(String) },
      ],
    ]);
  });
});

describe("filter", () => {
  test.each([
    ['filter reason = "duplicate-image" | fields bytes', [{ bytes: "100" }, { bytes: "2048" }]],
    ["filter bytes > 500 and bytes <= 2048 | fields bytes", [{ bytes: "512" }, { bytes: "2048" }]],
    ['filter reason != "accepted" | fields reason', [{ reason: "duplicate-image" }, { reason: "duplicate-image" }]],
    ['filter reason in ["accepted", "other"] | fields reason', [{ reason: "accepted" }]],
    ['filter reason not in ["accepted"] | fields bytes', [{ bytes: "100" }, { bytes: "2048" }]],
    ["filter @message like /(?i)caught/ | fields @logStream", [{ "@logStream": "other" }]],
    ["filter @message =~ /^\\[ERROR\\]/ | fields @logStream", [{ "@logStream": "other" }]],
    ['filter ispresent(stage) or @type = "START" | fields stage, @type', [{ stage: "store" }, { "@type": "START" }]],
    ["filter not ispresent(@type) and not ispresent(reason) | fields eventName", [{ eventName: "StartInstances" }, {}]],
    ["filter @duration * 2 > 20 | fields @duration", [{ "@duration": "12.5" }]],
  ])("%s", (query, expected) => {
    expect(run(query)).toEqual(expected);
  });
});

describe("stats", () => {
  test("count(*) by a field: a group per value, and one for the events without it", () => {
    expect(run("stats count(*) by reason")).toEqual([
      { "count(*)": "6" },
      { reason: "duplicate-image", "count(*)": "2" },
      { reason: "accepted", "count(*)": "1" },
    ]);
  });

  test("AWS's Lambda examples: latency by bin and memory in MB", () => {
    expect(run('filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)')).toEqual([
      {
        "bin(5m)": "2026-11-29 15:00:00.000",
        "avg(@duration)": "10",
        "max(@duration)": "12.5",
        "min(@duration)": "7.5",
      },
    ]);
    expect(
      run(
        'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB',
      ),
    ).toEqual([{ provisonedMemoryMB: "128", avgMemoryUsedMB: "71" }]);
  });

  test("count(f), count_distinct, sum and bins of one minute, then sort and limit on the aggregate", () => {
    expect(
      run(
        "stats count(reason) as n, count_distinct(reason) as kinds, sum(bytes) as total by bin(1m) | sort total desc | limit 2",
      ),
    ).toEqual([
      { "bin(1m)": "2026-11-29 15:00:00.000", n: "1", kinds: "1", total: "2048" },
      { "bin(1m)": "2026-11-29 15:01:00.000", n: "1", kinds: "1", total: "512" },
    ]);
  });

  test("statistics count the events scanned, those that matched the filters, and their bytes", () => {
    const { statistics } = runQuery(parseQuery('filter @type = "REPORT" | stats count(*)'), EVENTS, 10);
    const bytes = EVENTS.reduce((n, e) => n + Buffer.byteLength(e.message), 0);
    expect(statistics).toEqual({ recordsMatched: 2, recordsScanned: 9, bytesScanned: bytes });
  });

  test("stats over no events is one row of zero counts", () => {
    expect(run('filter reason = "none" | stats count(*)')).toEqual([{ "count(*)": "0" }]);
  });
});

describe("sort, limit and parse", () => {
  test("limit without sort keeps the newest events; sort orders, missing values last", () => {
    expect(run("fields @timestamp | limit 2")).toEqual([
      { "@timestamp": "2026-11-29 15:02:00.002" },
      { "@timestamp": "2026-11-29 15:02:00.001" },
    ]);
    expect(run("fields bytes | sort bytes asc | limit 4")).toEqual([
      { bytes: "100" },
      { bytes: "512" },
      { bytes: "2048" },
      {},
    ]);
  });

  test("computed numbers are shown without binary noise", () => {
    expect(run('filter reason = "accepted" | fields 0.1 + 0.2 as sum, bytes / 3 as third')).toEqual([
      { sum: "0.3", third: "170.666666666667" },
    ]);
  });

  test("StartQuery's limit caps the rows as a limit command does", () => {
    expect(run("fields @timestamp", 1)).toEqual([{ "@timestamp": "2026-11-29 15:02:00.002" }]);
  });

  test("a glob parse: the last * takes the rest of the value; unmatched events get no fields", () => {
    expect(run('parse @message "[*] *" as level, text | filter ispresent(level) | display level, text')).toEqual([
      { level: "ERROR", text: "Caught IllegalArgumentException" },
    ]);
  });

  test("a regex parse with named groups, then stats by an extracted field", () => {
    expect(run("parse @message /Max Memory Used: (?<used>\\d+) MB/ | stats max(used) as peak")).toEqual([
      { peak: "72" },
    ]);
  });

  test("fields computes expressions and functions under their text or alias", () => {
    expect(
      run('filter reason = "accepted" | fields toupper(reason) as loud, strlen(reason), concat(reason, "!")'),
    ).toEqual([{ loud: "ACCEPTED", "strlen(reason)": "8", 'concat(reason, "!")': "accepted!" }]);
  });
});
