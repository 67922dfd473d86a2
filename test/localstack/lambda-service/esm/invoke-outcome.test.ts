/**
 * How an invocation's result is judged (AWS developer guide, Kafka error handling and PartialBatchResponse)
 * and counted (AWS's ESM metrics: InvokedEventCount, FailedInvokeEventCount).
 */

import { countInvocation, judgeInvocation } from "#local/lambda-service/esm/invoke-outcome";
import { newCounters } from "#local/lambda-service/esm/metrics";
import type { InvokeResult } from "#local/lambda-service/types";
import { polled } from "./records";

const batch = [polled(3), polled(4)];
const result = (payload: string, functionError?: "Unhandled" | "Handled"): InvokeResult => ({
  requestId: "req",
  payload: Buffer.from(payload),
  logTail: "",
  durationMs: 1,
  billedDurationMs: 1,
  maxMemoryUsedMb: 64,
  ...(functionError ? { functionError } : {}),
});
const ok = { statusCode: 200, executedVersion: "$LATEST" };

describe("judgeInvocation", () => {
  test("a function error fails the batch, with the error in the response context", () => {
    expect(judgeInvocation(result('{"errorMessage":"boom"}', "Unhandled"), batch, true)).toEqual({
      kind: "error",
      requestId: "req",
      reason: 'function error (Unhandled): {"errorMessage":"boom"}',
      response: { ...ok, functionError: "Unhandled" },
    });
  });

  test("without ReportBatchItemFailures any response is a success", () => {
    const failures = JSON.stringify({ batchItemFailures: [{ itemIdentifier: { partition: "t-0", offset: 4 } }] });
    expect(judgeInvocation(result(failures), batch, false)).toEqual({ kind: "success", requestId: "req" });
  });

  test("with ReportBatchItemFailures: empty failures succeed, listed ones fail from the lowest offset", () => {
    expect(judgeInvocation(result('{"batchItemFailures":[]}'), batch, true).kind).toBe("success");
    const failures = JSON.stringify({ batchItemFailures: [{ itemIdentifier: { partition: "t-0", offset: 4 } }] });
    expect(judgeInvocation(result(failures), batch, true)).toEqual({
      kind: "partial",
      requestId: "req",
      failedFrom: new Map([["t-0", 4]]),
      response: ok,
    });
  });

  test("with ReportBatchItemFailures a malformed response fails the whole batch", () => {
    expect(judgeInvocation(result("[]"), batch, true)).toEqual({
      kind: "error",
      requestId: "req",
      reason: "invalid batchItemFailures response: the response is not a JSON object",
      response: ok,
    });
  });
});

describe("countInvocation", () => {
  test.each([
    ["success", { kind: "success", requestId: "r" } as const, { invocations: 1, invokedEvents: 2 }],
    [
      "function error",
      { kind: "error", requestId: "r", reason: "x", response: ok } as const,
      { invocations: 1, invokedEvents: 2, errors: 1, invokeErrors: 1, failedInvokeEvents: 2 },
    ],
    [
      "partial failure",
      { kind: "partial", requestId: "r", failedFrom: new Map(), response: ok } as const,
      { invocations: 1, invokedEvents: 2, errors: 1, failedInvokeEvents: 2 },
    ],
    // AWS: "events that Lambda tried to invoke your function with, but failed" count in FailedInvokeEventCount.
    [
      "invoke failure",
      { kind: "invokeFailed", error: new Error("down") } as const,
      { errors: 1, invokeErrors: 1, failedInvokeEvents: 2 },
    ],
  ])("%s", (_what, outcome, changed) => {
    const counters = newCounters();
    countInvocation(counters, outcome, 2);
    expect(counters).toEqual({ ...newCounters(), ...changed });
  });
});
