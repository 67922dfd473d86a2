/**
 * One invocation on a leased sandbox, logged as Lambda logs it: (INIT_REPORT when the Init phase failed,) START,
 * the function's output, END and REPORT — or, in the JSON log format, the platform.* records in their place; and the
 * result with its log tail. The sandbox runs it, outcome.ts says what it means, platform-log.ts words it in the
 * function's format; this module puts them in order.
 */
import { performance } from "node:perf_hooks";
import type { InvokeResult, ResponseStreamSink } from "../types";
import { ExecutorClosedError } from "./errors";
import { newTraceId } from "./ids";
import { type Settlement, settleInitFailure, settleRun, type Tallies } from "./outcome";
import { type PlatformEvent, platformLines } from "./platform-log";
import { billedDurationMs, logTail, maxMemoryUsedMb } from "./report";
import type { Sandbox } from "./sandbox";

export interface Invocation {
  readonly sandbox: Sandbox;
  /** The sandbox is new: wait for its Init phase, and report its duration. */
  readonly cold: boolean;
  readonly requestId: string;
  /** The event as JSON text. */
  readonly eventText: string;
  readonly invokedFunctionArn: string;
  readonly tallies: Tallies;
  /** Logs one line of the sandbox's stream (and adds it to the sandbox's collected lines). */
  readonly emit: (message: string) => void;
  readonly isClosing: () => boolean;
  /** Receives a streamed response as it comes. */
  readonly sink?: ResponseStreamSink;
}

/** Logs what the platform writes for a step, in the function's log format. */
function logPlatform(invocation: Invocation, event: PlatformEvent): void {
  for (const line of platformLines(invocation.sandbox.spec.logging, event, new Date())) invocation.emit(line);
}

export async function runInvocation(invocation: Invocation): Promise<InvokeResult> {
  const { sandbox, cold, requestId, tallies } = invocation;
  const spec = sandbox.spec;
  // A cold start's tail includes its init logs, which the sandbox has been collecting.
  const lines = cold ? (sandbox.lines ?? []) : [];
  sandbox.lines = lines;
  tallies.invocations++;

  let initDurationMs: number | undefined;
  if (cold) {
    const init = await sandbox.ready;
    initDurationMs = init.durationMs;
    if (!init.ok) {
      if (invocation.isClosing()) throw new ExecutorClosedError(`the invocation of ${spec.name} was starting`);
      const settlement = settleInitFailure(init, requestId, spec.timeoutSeconds, new Date());
      logPlatform(invocation, {
        kind: "initFailed",
        durationMs: init.durationMs,
        phase: settlement.phase,
        statusText: settlement.statusText ?? "",
      });
      logPlatform(invocation, { kind: "start", requestId });
      return finish(invocation, lines, settlement, undefined);
    }
    logPlatform(invocation, { kind: "initDone", durationMs: init.durationMs });
  }

  logPlatform(invocation, { kind: "start", requestId });
  const timeoutMs = spec.timeoutSeconds * 1000;
  const started = performance.now();
  const outcome = await sandbox.invoke(
    {
      t: "invoke",
      id: requestId,
      event: invocation.eventText,
      deadlineMs: Date.now() + timeoutMs,
      invokedFunctionArn: invocation.invokedFunctionArn,
      traceId: newTraceId(),
    },
    timeoutMs,
    invocation.sink,
  );
  const durationMs = performance.now() - started;
  if (outcome.kind === "closed") throw new ExecutorClosedError(`the invocation of ${spec.name} was running`);
  const settlement = settleRun(outcome, {
    requestId,
    timeoutSeconds: spec.timeoutSeconds,
    durationMs,
    now: new Date(),
  });
  return finish(invocation, lines, settlement, initDurationMs);
}

/** Logs the settlement's lines, END and REPORT, counts it, and assembles the result. */
function finish(
  invocation: Invocation,
  lines: readonly string[],
  settlement: Settlement,
  initDurationMs: number | undefined,
): InvokeResult {
  const { sandbox, requestId } = invocation;
  const { durationMs, functionError, phase } = settlement;
  invocation.tallies.record(settlement.tally);
  logPlatform(invocation, { kind: "notices", lines: settlement.lines });
  const billed = billedDurationMs(durationMs, initDurationMs);
  const maxMemory = maxMemoryUsedMb(sandbox.spec.memoryMb, sandbox.maxRssKb);
  logPlatform(invocation, { kind: "end", requestId, phase, durationMs, producedBytes: settlement.payload.length });
  logPlatform(invocation, {
    kind: "report",
    phase,
    figures: {
      requestId,
      durationMs,
      billedDurationMs: billed,
      memoryMb: sandbox.spec.memoryMb,
      maxMemoryUsedMb: maxMemory,
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
      ...(settlement.statusText !== undefined ? { statusText: settlement.statusText } : {}),
    },
  });
  return {
    requestId,
    payload: settlement.payload,
    ...(functionError ? { functionError } : {}),
    logTail: logTail(lines),
    durationMs,
    billedDurationMs: billed,
    ...(initDurationMs !== undefined ? { initDurationMs } : {}),
    maxMemoryUsedMb: maxMemory,
  };
}
