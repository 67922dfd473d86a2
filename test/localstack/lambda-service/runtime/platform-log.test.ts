/**
 * The platform's log events in each format: Text keeps the pinned START / END / REPORT / INIT_REPORT lines, JSON
 * writes the platform.* records (shapes as Lambda writes them to CloudWatch Logs) kept by SystemLogLevel.
 */
import { type PlatformEvent, platformLines } from "#local/lambda-service/runtime/platform-log";
import type { LoggingSpec, SystemLogLevel } from "#local/lambda-service/types";

const ID = "40f6c622-67a3-4159-97f2-ce364a0cb7a8";
const NOW = new Date("2024-06-17T17:23:55.826Z");
const TEXT: LoggingSpec = { format: "Text" };
const jsonAt = (systemLogLevel: SystemLogLevel): LoggingSpec => ({
  format: "JSON",
  applicationLogLevel: "INFO",
  systemLogLevel,
});

const success = { status: "success" } as const;
const figures = {
  requestId: ID,
  durationMs: 18.5934,
  billedDurationMs: 19,
  memoryMb: 2048,
  maxMemoryUsedMb: 246,
};

/** A cold invocation that succeeded, step by step. */
const coldSuccess: PlatformEvent[] = [
  { kind: "initStart", functionName: "fn" },
  { kind: "initDone", durationMs: 120.4567 },
  { kind: "start", requestId: ID },
  { kind: "notices", lines: [] },
  { kind: "end", requestId: ID, phase: success, durationMs: 18.5934, producedBytes: 16 },
  { kind: "report", phase: success, figures: { ...figures, initDurationMs: 120.4567 } },
];

/** A warm invocation that timed out. */
const timedOut: PlatformEvent[] = [
  { kind: "start", requestId: ID },
  { kind: "notices", lines: [`2024-06-17T17:23:58.826Z ${ID} Task timed out after 3.00 seconds`] },
  { kind: "end", requestId: ID, phase: { status: "timeout" }, durationMs: 3000, producedBytes: 120 },
  {
    kind: "report",
    phase: { status: "timeout" },
    figures: { ...figures, durationMs: 3000, billedDurationMs: 3000, statusText: "\tStatus: timeout" },
  },
];

const lines = (logging: LoggingSpec, events: PlatformEvent[]) => events.flatMap((e) => platformLines(logging, e, NOW));
const types = (logging: LoggingSpec, events: PlatformEvent[]) =>
  lines(logging, events).map((line) => (JSON.parse(line) as { type: string }).type);

describe("the Text format", () => {
  it("writes exactly today's lines", () => {
    expect(lines(TEXT, coldSuccess)).toEqual([
      `START RequestId: ${ID} Version: $LATEST`,
      `END RequestId: ${ID}`,
      `REPORT RequestId: ${ID}\tDuration: 18.59 ms\tBilled Duration: 19 ms\tMemory Size: 2048 MB\tMax Memory Used: 246 MB\tInit Duration: 120.46 ms\t`,
    ]);
    expect(lines(TEXT, timedOut)).toEqual([
      `START RequestId: ${ID} Version: $LATEST`,
      `2024-06-17T17:23:58.826Z ${ID} Task timed out after 3.00 seconds`,
      `END RequestId: ${ID}`,
      `REPORT RequestId: ${ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 2048 MB\tMax Memory Used: 246 MB\tStatus: timeout`,
    ]);
  });

  it("writes INIT_REPORT for a failed Init only", () => {
    const failed: PlatformEvent = {
      kind: "initFailed",
      durationMs: 80.25,
      phase: { status: "error", errorType: "Runtime.HandlerNotFound" },
      statusText: "\tStatus: error\tError Type: Runtime.HandlerNotFound",
    };
    expect(platformLines(TEXT, failed, NOW)).toEqual([
      "INIT_REPORT Init Duration: 80.25 ms\tPhase: init\tStatus: error\tError Type: Runtime.HandlerNotFound",
    ]);
  });
});

describe("the JSON format", () => {
  it("writes platform.start and platform.report as Lambda writes them to CloudWatch Logs", () => {
    const [start, report] = lines(jsonAt("INFO"), timedOut.slice(0, 1).concat(coldSuccess.slice(-1)));
    // Lambda's own, from a function's log group: {"time":…,"type":"platform.start","record":{"requestId":…,"version":"$LATEST"}}
    expect(start).toBe(
      `{"time":"2024-06-17T17:23:55.826Z","type":"platform.start","record":{"requestId":"${ID}","version":"$LATEST"}}`,
    );
    expect(report).toBe(
      `{"time":"2024-06-17T17:23:55.826Z","type":"platform.report","record":{"requestId":"${ID}",` +
        `"metrics":{"durationMs":18.593,"billedDurationMs":19,"memorySizeMB":2048,"maxMemoryUsedMB":246,"initDurationMs":120.457},"status":"success"}}`,
    );
  });

  it.each([
    [
      "DEBUG",
      [
        "platform.initStart",
        "platform.initRuntimeDone",
        "platform.initReport",
        "platform.start",
        "platform.runtimeDone",
        "platform.report",
      ],
    ],
    ["INFO", ["platform.initStart", "platform.start", "platform.report"]],
    ["WARN", []],
  ] as const)("at SystemLogLevel %s, a cold success writes %j", (level, expected) => {
    expect(types(jsonAt(level), coldSuccess)).toEqual(expected);
  });

  it.each([
    ["DEBUG", ["platform.start", "platform.runtimeDone", "platform.report"]],
    ["INFO", ["platform.start", "platform.runtimeDone", "platform.report"]],
    ["WARN", ["platform.runtimeDone", "platform.report"]],
  ] as const)("at SystemLogLevel %s, a timeout writes %j and no text notice", (level, expected) => {
    expect(types(jsonAt(level), timedOut)).toEqual(expected);
  });

  it("gives a failed phase its status and error type", () => {
    const phase = { status: "error", errorType: "Runtime.ExitError" } as const;
    const [done] = platformLines(
      jsonAt("WARN"),
      { kind: "end", requestId: ID, phase, durationMs: 5.5, producedBytes: 0 },
      NOW,
    );
    expect(JSON.parse(done ?? "")).toEqual({
      time: "2024-06-17T17:23:55.826Z",
      type: "platform.runtimeDone",
      record: {
        requestId: ID,
        status: "error",
        errorType: "Runtime.ExitError",
        metrics: { durationMs: 5.5, producedBytes: 0 },
      },
    });
    const [report] = platformLines(jsonAt("WARN"), { kind: "report", phase, figures }, NOW);
    expect(JSON.parse(report ?? "").record).toEqual({
      requestId: ID,
      metrics: { durationMs: 18.593, billedDurationMs: 19, memorySizeMB: 2048, maxMemoryUsedMB: 246 },
      status: "error",
      errorType: "Runtime.ExitError",
    });
  });

  it("writes a failed Init as initRuntimeDone and initReport, even at WARN", () => {
    const failed: PlatformEvent = {
      kind: "initFailed",
      durationMs: 80.25,
      phase: { status: "error", errorType: "Runtime.HandlerNotFound" },
      statusText: "\tStatus: error\tError Type: Runtime.HandlerNotFound",
    };
    expect(platformLines(jsonAt("WARN"), failed, NOW).map((line) => JSON.parse(line))).toEqual([
      {
        time: "2024-06-17T17:23:55.826Z",
        type: "platform.initRuntimeDone",
        record: {
          initializationType: "on-demand",
          phase: "init",
          status: "error",
          errorType: "Runtime.HandlerNotFound",
        },
      },
      {
        time: "2024-06-17T17:23:55.826Z",
        type: "platform.initReport",
        record: {
          initializationType: "on-demand",
          phase: "init",
          status: "error",
          errorType: "Runtime.HandlerNotFound",
          metrics: { durationMs: 80.25 },
        },
      },
    ]);
  });

  it("names the function in platform.initStart", () => {
    const [initStart] = platformLines(jsonAt("INFO"), { kind: "initStart", functionName: "fn" }, NOW);
    expect(JSON.parse(initStart ?? "").record).toEqual({
      initializationType: "on-demand",
      phase: "init",
      functionName: "fn",
      functionVersion: "$LATEST",
    });
  });
});
