/**
 * The query syntax of AWS's "CloudWatch Logs Insights language query syntax" and "Sample queries" pages: the
 * queries there parse into the commands they describe, and what sluice does not support is refused with a
 * MalformedQueryError that names it and points at it.
 */
import { MalformedQueryError } from "#local/lambda-service/logs/insights/errors";
import { parseQuery } from "#local/lambda-service/logs/insights/parse";

const kinds = (query: string) => parseQuery(query).commands.map((c) => c.kind);

describe("queries from AWS's documentation parse", () => {
  test.each([
    ["fields @timestamp, @message | sort @timestamp desc | limit 25", ["fields", "sort", "limit"]],
    [
      "filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc",
      ["filter", "stats", "sort"],
    ],
    ["fields @message | filter @message not like /Exception/", ["fields", "filter"]],
    ['filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)', ["filter", "stats"]],
    [
      "stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort packetsTransferred  desc | limit 15",
      ["stats", "sort", "limit"],
    ],
    ["filter protocol=17 | stats count(*) by srcAddr", ["filter", "stats"]],
    ['filter logStatus="SKIPDATA" | stats count(*) by bin(1h) as t | sort t', ["filter", "stats", "sort"]],
    ['filter (eventName="StartInstances" or eventName="StopInstances") and region="us-east-2"', ["filter"]],
    [
      'filter eventName="CreateUser" | fields awsRegion, requestParameters.userName, responseElements.user.arn',
      ["filter", "fields"],
    ],
    [
      'filter eventName="UpdateTrail" and ispresent(errorCode) | stats count(*) by errorCode, errorMessage',
      ["filter", "stats"],
    ],
    ["fields `foo-bar`, action, abs(f3-f4)", ["fields"]],
    ["fields f1, f2 | filter (f1=10 or f3>25)", ["fields", "filter"]],
    ["fields f1 | filter statusCode like /2\\d\\d/", ["fields", "filter"]],
    ["fields f1, f2, f3 | filter f1 =~ /^(?i)Exception$/", ["fields", "filter"]],
    [
      'parse @message "user=*, method:*, latency := *" as @user, @method, @latency | stats avg(@latency) by @method, @user',
      ["parse", "stats"],
    ],
    [
      "parse @message /(?<time>[0-9]{10}\\.[0-9]{1,3}) .* (?<code>[A-Z_]+\\/[0-9]{3}) (?<url>[a-zA-Z.]+:[0-9]{1,5})/",
      ["parse"],
    ],
    ['filter @type = "REPORT"\n| stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB', ["filter", "stats"]],
    ['# the newest errors\nfields @timestamp, @message # both\n| filter @message like "ERROR"', ["fields", "filter"]],
    ['filter level in ["ERROR", "WARN"] and not ispresent(ignored) | display @timestamp, level', ["filter", "display"]],
  ])("%s", (query, expected) => {
    expect(kinds(query)).toEqual(expected);
  });
});

describe("what each command holds", () => {
  test("unaliased columns are named by their text, aliases by the alias", () => {
    const [stats] = parseQuery("stats count(*), avg(@duration) as mean by bin(5m), reason").commands;
    expect(stats).toMatchObject({
      kind: "stats",
      aggregates: [
        { name: "count(*)", expr: { fn: "count", arg: undefined } },
        { name: "mean", expr: { fn: "avg", arg: { kind: "field", name: "@duration" } } },
      ],
      by: [
        { name: "bin(5m)", expr: { kind: "call", name: "bin", args: [{ kind: "period", ms: 300_000 }] } },
        { name: "reason", expr: { kind: "field", name: "reason" } },
      ],
    });
  });

  test("a glob parse captures each * in order; a regex parse its named groups", () => {
    const [glob] = parseQuery('parse @message "[*] *" as level, text').commands;
    expect(glob).toMatchObject({ kind: "parse", names: ["level", "text"] });
    const [regex] = parseQuery("parse @message /(?<level>\\w+): (?<text>.*)/").commands;
    expect(regex).toMatchObject({ kind: "parse", names: ["level", "text"] });
  });

  test("and binds tighter than or; not applies to one comparison", () => {
    const [filter] = parseQuery("filter a = 1 or b = 2 and not c = 3").commands;
    expect(filter).toMatchObject({
      expr: { op: "or", right: { op: "and", right: { kind: "not", expr: { op: "=" } } } },
    });
  });

  test("sort keys take asc or desc, ascending by default; limit takes a count", () => {
    expect(parseQuery("sort a, b desc | limit 5").commands).toMatchObject([
      { kind: "sort", keys: [{ descending: false }, { descending: true }] },
      { kind: "limit", count: 5 },
    ]);
  });
});

describe("what sluice does not support, or AWS refuses, is a MalformedQueryError naming it", () => {
  test.each([
    ["dedup reason", "'dedup' is not a command", 0, 5],
    ["fields @message | unnest a into b", "'unnest' is not a command", 18, 24],
    ["stats pct(@duration, 95)", "aggregate function 'pct' is not supported", 6, 9],
    ["stats stddev(@duration)", "aggregate function 'stddev' is not supported", 6, 12],
    ["fields strcontains(@message, 'x')", "function 'strcontains' is not supported", 7, 18],
    ["filter count(*) > 1", "function 'count' is not supported outside stats", 7, 12],
    ["stats count(*) by reason as r, x - y as d | stats provisioned - used", "stats takes aggregate functions", 50, 61],
    ["fields @message |", "expected a command but found the end of the query", 17, 17],
    ["filter x = ", "expected a field, a value or a function but found the end of the query", 11, 11],
    ["limit 0", "limit takes a whole number from 1 to 10000", 6, 7],
    ['parse @message "* *" as a', "the parse pattern has 2 * but 1 field names", 15, 25],
    ["parse @message /(\\w+)/", "a parse regular expression names its fields", 15, 22],
    ["filter @message like /unclosed", "unterminated regular expression", 21, 30],
    ["filter a = 'x", "unterminated ' quote", 11, 13],
    ["fields a b", "expected '|' or the end of the query but found 'b'", 9, 10],
    ["", "the query has no command", 0, 0],
  ])("%j", (query, message, start, end) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MalformedQueryError);
    expect((error as MalformedQueryError).message).toContain(message);
    expect(error).toMatchObject({ startCharOffset: start, endCharOffset: end });
  });
});
