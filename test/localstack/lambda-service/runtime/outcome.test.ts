/** What each way an invocation can end comes to: payload, function error, extra log lines, REPORT status, tally. */
import { settleInitFailure, settleRun, Tallies } from "#local/lambda-service/runtime/outcome";

const ID = "11111111-2222-4333-8444-555555555555";
const NOW = new Date("2026-03-04T05:06:07.089Z");
const facts = { requestId: ID, timeoutSeconds: 3, durationMs: 42.5, now: NOW };
const text = (payload: Buffer) => payload.toString("utf8");

describe("settleRun", () => {
  it("passes a result through as the payload", () => {
    const settlement = settleRun({ kind: "ok", payload: '{"ok":true}' }, facts);
    expect(text(settlement.payload)).toBe('{"ok":true}');
    expect(settlement).toMatchObject({ durationMs: 42.5, lines: [], phase: { status: "success" }, tally: "ok" });
    expect(settlement.functionError).toBeUndefined();
    expect(settlement.statusText).toBeUndefined();
  });

  it("returns a function error as an Unhandled payload with no REPORT status", () => {
    const error = { errorType: "Error", errorMessage: "boom", trace: ["Error: boom"] };
    const settlement = settleRun({ kind: "error", error }, facts);
    expect(JSON.parse(text(settlement.payload))).toEqual(error);
    expect(settlement).toMatchObject({
      functionError: "Unhandled",
      lines: [],
      phase: { status: "error", errorType: "Error" },
      tally: "error",
    });
    expect(settlement.statusText).toBeUndefined();
  });

  it("reports a timeout as Sandbox.Timedout, logs the notice, and caps the duration at the timeout", () => {
    const settlement = settleRun({ kind: "timeout" }, { ...facts, durationMs: 3012.7 });
    expect(JSON.parse(text(settlement.payload))).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${ID} Error: Task timed out after 3.00 seconds`,
    });
    expect(settlement).toMatchObject({
      functionError: "Unhandled",
      durationMs: 3000,
      lines: [`2026-03-04T05:06:07.089Z ${ID} Task timed out after 3.00 seconds`],
      statusText: "\tStatus: timeout",
      phase: { status: "timeout" },
      tally: "timeout",
    });
  });

  it("reports a death as Runtime.ExitError, or Runtime.OutOfMemory", () => {
    const exit = settleRun({ kind: "exit", description: "exit status 1", outOfMemory: false }, facts);
    const message = `RequestId: ${ID} Error: Runtime exited with error: exit status 1`;
    expect(JSON.parse(text(exit.payload))).toEqual({ errorType: "Runtime.ExitError", errorMessage: message });
    expect(exit).toMatchObject({
      functionError: "Unhandled",
      durationMs: 42.5,
      lines: [`${message}\nRuntime.ExitError`],
      statusText: "\tStatus: error\tError Type: Runtime.ExitError",
      phase: { status: "error", errorType: "Runtime.ExitError" },
      tally: "crash",
    });
    const oom = settleRun({ kind: "exit", description: "signal: killed", outOfMemory: true }, facts);
    expect(JSON.parse(text(oom.payload))).toMatchObject({ errorType: "Runtime.OutOfMemory" });
    expect(oom.statusText).toBe("\tStatus: error\tError Type: Runtime.OutOfMemory");
  });
});

describe("settleInitFailure", () => {
  it("returns the init error, with INIT_REPORT's status and its type", () => {
    const error = { errorType: "Runtime.HandlerNotFound", errorMessage: "index.handler is undefined or not exported" };
    const settlement = settleInitFailure({ ok: false, durationMs: 80.25, status: "error", error }, ID, 3, NOW);
    expect(JSON.parse(text(settlement.payload))).toEqual(error);
    expect(settlement).toMatchObject({
      functionError: "Unhandled",
      durationMs: 80.25,
      lines: [],
      statusText: "\tStatus: error\tError Type: Runtime.HandlerNotFound",
      phase: { status: "error", errorType: "Runtime.HandlerNotFound" },
      tally: "crash",
    });
  });

  it("falls back to Runtime.Unknown when the worker gave no error", () => {
    const settlement = settleInitFailure({ ok: false, durationMs: 1, status: "error" }, ID, 3, NOW);
    expect(JSON.parse(text(settlement.payload))).toEqual({
      errorType: "Runtime.Unknown",
      errorMessage: "Unknown application error occurred",
    });
  });

  it("reports an init that ran out of time as a timeout", () => {
    const settlement = settleInitFailure({ ok: false, durationMs: 13000, status: "timeout" }, ID, 3, NOW);
    expect(JSON.parse(text(settlement.payload))).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${ID} Error: Task timed out after 3.00 seconds`,
    });
    expect(settlement).toMatchObject({
      lines: [`2026-03-04T05:06:07.089Z ${ID} Task timed out after 3.00 seconds`],
      statusText: "\tStatus: timeout",
      phase: { status: "timeout" },
      tally: "timeout",
    });
  });
});

describe("Tallies", () => {
  it("counts every function error, timeouts and crashes also apart", () => {
    const tallies = new Tallies();
    for (const tally of ["ok", "error", "timeout", "crash", "crash"] as const) tallies.record(tally);
    expect({ ...tallies }).toEqual({ invocations: 0, errors: 4, coldStarts: 0, timeouts: 1, crashes: 2 });
  });
});
