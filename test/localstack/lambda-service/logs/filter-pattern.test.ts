/**
 * The examples of AWS's CloudWatch Logs user guide, "Filter and Pattern Syntax" (FilterAndPatternSyntax):
 * its log events and, as data, which of them each of its patterns matches, so that the matcher is held to
 * what AWS documents rather than to what it computes itself.
 */
import { compileFilterPattern, FilterPatternError } from "#local/lambda-service/logs/filter-pattern";

const matching = (pattern: string, events: readonly string[]): string[] => events.filter(compileFilterPattern(pattern));

describe("matching terms in log events", () => {
  const example1 = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1", "[INFO] started"];
  const example3 = ["[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception", "[ERROR] Timeout"];
  const failed = [
    "[WARN] Failed to process the request",
    "[ERROR] Unable to continue: Failed to process the request",
    "[WARN] Failed to start",
  ];

  test.each([
    // Example 1: a single term, case-sensitive, also inside a longer word (ERRORCODE).
    ["ERROR", example1, ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1"]],
    ["error", example1, []],
    // Example 2: include a term and exclude a term.
    ["ERROR -Exiting", example1, ["[ERROR] A fatal exception has occurred"]],
    // Example 3: multiple terms, all must appear.
    ["ERROR Exception", example3, ["[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception"]],
    ["Failed to process the request", failed, failed.slice(0, 2)],
    ['"Failed to process"', failed, failed.slice(0, 2)],
    ["", example1, example1],
  ])("%j", (pattern, events, expected) => {
    expect(matching(pattern, events)).toEqual(expected);
  });

  describe("OR pattern matching", () => {
    const events = ["ERROR WARN message", "ERROR message", "WARN message"];
    test.each([
      ["ERROR", ["ERROR WARN message", "ERROR message"]],
      ["?ERROR ?WARN", events],
      ["ERROR WARN", ["ERROR WARN message"]],
      ["ERROR -WARN", ["ERROR message"]],
      ["[w1=ERROR, w2]", ["ERROR message"]],
      ["[w1=ERROR || w1=WARN, w2]", ["ERROR message", "WARN message"]],
    ])("%j", (pattern, expected) => {
      expect(matching(pattern, events)).toEqual(expected);
    });

    test.each([
      ["{$.foo = bar}", ['{"foo": "bar"}']],
      ["{$.foo = baz }", ['{"foo": "baz"}']],
      ["{$.foo = bar || $.foo = baz }", ['{"foo": "bar"}', '{"foo": "baz"}']],
    ])("%j", (pattern, expected) => {
      expect(matching(pattern, ['{"foo": "bar"}', '{"foo": "baz"}'])).toEqual(expected);
    });
  });
});

describe("matching terms in JSON log events", () => {
  const event = JSON.stringify({
    eventType: "UpdateTrail",
    sourceIPAddress: "111.111.111.111",
    arrayKey: ["value", "another value"],
    objectList: [
      { name: "a", id: 1 },
      { name: "b", id: 2 },
    ],
    SomeObject: null,
    ThisFlag: true,
  });

  test.each([
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    "{ $.ThisFlag IS TRUE }",
  ])("%s matches the example", (pattern) => {
    expect(compileFilterPattern(pattern)(event)).toBe(true);
  });

  const compound = JSON.stringify({
    user: { id: 1, email: "John.Stiles@example.com" },
    users: [
      { id: 2, email: "John.Doe@example.com" },
      { id: 3, email: "Jane.Doe@example.com" },
    ],
    actions: ["GET", "PUT", "DELETE"],
    coordinates: [
      [0, 1, 2],
      [4, 5, 6],
      [7, 8, 9],
    ],
  });

  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    [
      '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
      false,
    ],
  ])("compound %s matches: %s", (pattern, expected) => {
    expect(compileFilterPattern(pattern)(compound)).toBe(expected);
  });

  test("a selector that points to an array matches neither = nor !=", () => {
    const users = '{ "users": [1, 2, 3] }';
    expect(compileFilterPattern("{$.users = 1}")(users)).toBe(false);
    expect(compileFilterPattern("{$.users != 1}")(users)).toBe(false);
  });

  test.each([
    ["{ $.latency >= 500 }", '{"latency": 500}', true],
    ["{ $.numbers[0] < 10e3 }", '{"numbers": [9999]}', true],
    ["{ $.numbers[0] < 10e-3 }", '{"numbers": [0.1]}', false],
    ["{ $.processes[4].averageRuntime <= 55.5 }", '{"processes": [0, 0, 0, 0, {"averageRuntime": 55.5}]}', true],
    ["{ $.errorCode = 400 }", '{"errorCode": 400}', true],
    ["{ $.errorCode != 500 }", '{"errorCode": 500}', false],
    ["{ $.latency > +1000 }", '{"latency": 1001}', true],
    ["{ $.latency = * }", '{"latency": 12}', true],
    ["{ $.latency = * }", '{"other": 12}', false],
  ])("numeric comparison %s on %s: %s", (pattern, event, expected) => {
    expect(compileFilterPattern(pattern)(event)).toBe(expected);
  });

  test("the * wildcard: *Event and Event* match, Ev*ent only the literal string", () => {
    const names = ['{"n": "PutEvent"}', '{"n": "EventId"}', '{"n": "Ev*ent"}', '{"n": "Evxent"}'];
    expect(matching("{ $.n = *Event }", names)).toEqual(['{"n": "PutEvent"}']);
    expect(matching("{ $.n = Event* }", names)).toEqual(['{"n": "EventId"}']);
    expect(matching('{ $.n = "Ev*ent" }', names)).toEqual(['{"n": "Ev*ent"}']);
  });

  test("a JSON pattern never matches an event that is not JSON", () => {
    expect(compileFilterPattern('{ $.eventType = "UpdateTrail" }')("eventType UpdateTrail")).toBe(false);
  });
});

describe("space-delimited log events", () => {
  // The guide's three Apache lines; its patterns' outcomes follow from the fields: status 200, 500, 200.
  const lines = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
  ];
  const [ok1, failed, ok2] = lines as [string, string, string];

  test.each([
    ["[ip, user, username, timestamp, request, status_code, bytes]", lines],
    ["[..., status_code, bytes]", lines],
    ["[ip, user, ..., status_code, bytes]", lines],
    ["[ip, user, ...]", lines],
    ["[ip, user, username, timestamp, request, status_code, bytes > 1000]", lines],
    ["[ip, user, username, timestamp, request, status_code, bytes > 5000]", [failed]],
    ["[ip, user, username, timestamp, request, status_code = 200, bytes]", [ok1, ok2]],
    ["[ip, user, username, timestamp, request, status_code = 4*, bytes]", []],
    ["[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", []],
    ["[ip, user, username, timestamp, request = *gif*, status_code = 5*, bytes]", [failed]],
    ["[ip, user, username, timestamp, request, status_code = 2* && bytes > 4000, bytes]", [ok2]],
    ["[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]", []],
    ["[ip, user, username]", []],
  ])("%s", (pattern, expected) => {
    expect(matching(pattern, lines)).toEqual(expected);
  });

  test("the guide's extracted-fields example matches its event", () => {
    const event = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';
    expect(compileFilterPattern("[..., request=*.html*, status_code=4*,]")(event)).toBe(true);
  });
});

describe("invalid patterns", () => {
  test.each([
    '{ $.eventType = "UpdateTrail"',
    "{ eventType = 1 }",
    "{ $.a ~ 1 }",
    "{ $.a = 1 && }",
    "{ ($.a = 1 }",
    "{ $.a IS MAYBE }",
    "[a, b = ]",
    "[a, b",
    '"unterminated',
  ])("%j is refused with AWS's message", (pattern) => {
    expect(() => compileFilterPattern(pattern)).toThrow(FilterPatternError);
    expect(() => compileFilterPattern(pattern)).toThrow("Invalid filter pattern");
  });
});
