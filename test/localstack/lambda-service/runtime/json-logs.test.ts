/**
 * A JSON-format function run in real workers: console calls as one JSON record each, raw JSON lines (Powertools')
 * kept whole, both filtered by ApplicationLogLevel, and platform records in place of START / END / REPORT.
 */
import type { LoggingSpec } from "#local/lambda-service/types";
import { ISO, spec, useExecutors } from "./executor-harness";

const { newExecutor } = useExecutors();

const json = (applicationLogLevel: "TRACE" | "WARN"): LoggingSpec => ({
  format: "JSON",
  applicationLogLevel,
  systemLogLevel: "INFO",
});

type Parsed = Record<string, unknown>;
/** Each event as a JSON object, or as its text when it is plain text (a raw line the function wrote). */
const parse = (messages: string[]): Parsed[] =>
  messages.map((m) => (m.startsWith("{") ? (JSON.parse(m) as Parsed) : ({ text: m } as Parsed)));

describe("the JSON log format", () => {
  it("writes each console call as one JSON record, and platform records around the invocation", async () => {
    const { executor, sink } = newExecutor([spec("logging", "logging", { logging: json("TRACE") })]);
    const result = await executor.invoke("logging", Buffer.from("{}"));
    const id = result.requestId;
    const records = parse(sink.of("logging"));
    const at = (level: string, message: unknown) => ({
      timestamp: expect.stringMatching(ISO),
      level,
      requestId: id,
      message,
    });
    expect(records).toEqual([
      {
        time: expect.stringMatching(ISO),
        type: "platform.initStart",
        record: expect.objectContaining({ functionName: "logging" }),
      },
      // Init has no request id: the key is left out, as JSON.stringify leaves undefined out.
      { timestamp: expect.stringMatching(ISO), level: "INFO", message: "init says hello" },
      { time: expect.stringMatching(ISO), type: "platform.start", record: { requestId: id, version: "$LATEST" } },
      at("INFO", "hello world 42"),
      at("INFO", "an info"),
      at("WARN", "a warning"),
      at("ERROR", "an error { detail: 1 }"),
      at("DEBUG", "a debug"),
      at("TRACE", "a trace"),
      at("INFO", "line one\nline two"),
      { level: "INFO", message: "structured" },
      { text: "partial line" },
      { text: "to stderr" },
      { text: "no newline at the end" },
      {
        time: expect.stringMatching(ISO),
        type: "platform.report",
        record: {
          requestId: id,
          metrics: {
            durationMs: expect.any(Number),
            billedDurationMs: result.billedDurationMs,
            memorySizeMB: 128,
            maxMemoryUsedMB: result.maxMemoryUsedMb,
            initDurationMs: expect.any(Number),
          },
          status: "success",
        },
      },
    ]);
    expect(result.logTail).toContain('"type":"platform.report"');
  });

  it("drops what is below ApplicationLogLevel WARN, console calls and raw lines alike", async () => {
    const { executor, sink } = newExecutor([spec("logging-warn", "logging", { logging: json("WARN") })]);
    const result = await executor.invoke("logging-warn", Buffer.from("{}"));
    const application = parse(sink.of("logging-warn")).filter((r) => r.type === undefined);
    expect(application).toEqual([
      expect.objectContaining({ level: "WARN", requestId: result.requestId, message: "a warning" }),
      expect.objectContaining({ level: "ERROR", requestId: result.requestId, message: "an error { detail: 1 }" }),
    ]);
  });

  it("reports a thrown error and a timeout in platform.runtimeDone and platform.report", async () => {
    const { executor, sink } = newExecutor([
      spec("throws", "throws", { logging: json("TRACE") }),
      spec("timeout", "timeout", { logging: json("TRACE"), timeoutSeconds: 1 }),
    ]);
    await executor.invoke("throws", Buffer.from("{}"));
    await executor.invoke("timeout", Buffer.from("{}"));
    const platform = (fn: string) =>
      parse(sink.of(fn).filter((m) => m.startsWith('{"time"'))).map((r) => [
        r.type,
        (r.record as Parsed).status,
        (r.record as Parsed).errorType,
      ]);
    expect(platform("throws")).toEqual([
      ["platform.initStart", undefined, undefined],
      ["platform.start", undefined, undefined],
      ["platform.runtimeDone", "error", "Error"],
      ["platform.report", "error", "Error"],
    ]);
    expect(platform("timeout")).toEqual([
      ["platform.initStart", undefined, undefined],
      ["platform.start", undefined, undefined],
      ["platform.runtimeDone", "timeout", undefined],
      ["platform.report", "timeout", undefined],
    ]);
    expect(sink.of("timeout").some((m) => m.includes("Task timed out"))).toBe(false);
  });
});
