/** console output in the Node.js runtime's text and JSON formats. */
import {
  currentRequestId,
  formatLogEntry,
  rawLineLevel,
  setCurrentRequestId,
} from "#local/lambda-service/runtime/worker/logging";

const now = new Date("2026-05-06T07:08:09.010Z");
const ID = "0f0e0d0c-0000-4000-8000-000000000002";

describe("formatLogEntry", () => {
  it("writes time, request id, level and the formatted message, tab-separated", () => {
    const params = ["hello %s", "world", 42];
    expect(formatLogEntry({ now, level: "INFO", requestId: ID, params, json: false })).toBe(
      `2026-05-06T07:08:09.010Z\t${ID}\tINFO\thello world 42`,
    );
  });

  it("prints the request id as undefined during init, and keeps a multi-line message whole", () => {
    const params = ["line one\nline two"];
    expect(formatLogEntry({ now, level: "WARN", requestId: undefined, params, json: false })).toBe(
      "2026-05-06T07:08:09.010Z\tundefined\tWARN\tline one\nline two",
    );
  });

  it("writes one JSON object a call in the JSON format, a single value as the message", () => {
    const line = formatLogEntry({ now, level: "INFO", requestId: ID, params: [{ order: 7 }], json: true });
    expect(JSON.parse(line)).toEqual({
      timestamp: "2026-05-06T07:08:09.010Z",
      level: "INFO",
      requestId: ID,
      message: { order: 7 },
    });
  });

  it("formats several values into the JSON message, with the error's fields beside it", () => {
    const error = new RangeError("out of range");
    const line = formatLogEntry({ now, level: "ERROR", requestId: ID, params: ["failed:", error], json: true });
    expect(JSON.parse(line)).toMatchObject({
      level: "ERROR",
      message: expect.stringMatching(/^failed: RangeError: out of range/),
      errorType: "RangeError",
      errorMessage: "out of range",
      stackTrace: (error.stack ?? "").split("\n"),
    });
  });
});

describe("the request id slot", () => {
  it("keeps the running invocation's id where the runtime keeps it", () => {
    setCurrentRequestId(ID);
    expect(currentRequestId()).toBe(ID);
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for("aws.lambda.runtime.requestId")]).toBe(ID);
  });
});

describe("rawLineLevel", () => {
  it.each([
    ['{"level":"WARN","message":"Powertools"}', "WARN"],
    ['{"level": "debug", "msg": "my debug log", "timestamp": "2024-11-02T16:51:31.587199Z"}', "DEBUG"],
    ['{"level":"CRITICAL","message":"not a Lambda level"}', "INFO"],
    ['{"message":"no level"}', "INFO"],
    ['{"level":"ERROR"', "INFO"],
    ["plain text", "INFO"],
  ])("gives %s the level %s", (line, level) => {
    expect(rawLineLevel(line)).toBe(level);
  });
});
