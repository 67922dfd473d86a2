/**
 * What the platform writes to a function's log at each step, in the function's LogFormat: the text lines of
 * report.ts (START, END, REPORT, INIT_REPORT, the timeout notice) for Text, the JSON records of platform-records.ts
 * for JSON, kept or dropped by the function's SystemLogLevel. In JSON the text-only notices (the timeout line, a
 * crash's "Runtime exited" line) are not written: the status and errorType of platform.runtimeDone and
 * platform.report carry them.
 */
import { systemLevelAllows } from "../logging-config";
import type { LoggingSpec } from "../types";
import {
  initReportRecord,
  initRuntimeDoneRecord,
  initStartRecord,
  type PhaseStatus,
  type PlatformRecord,
  renderRecord,
  reportRecord,
  runtimeDoneRecord,
  startRecord,
} from "./platform-records";
import { endLine, initReportLine, type ReportFigures, reportLine, startLine } from "./report";

export type PlatformEvent =
  /** A sandbox begins its Init phase. */
  | { readonly kind: "initStart"; readonly functionName: string }
  /** The Init phase ended well. */
  | { readonly kind: "initDone"; readonly durationMs: number }
  /** The Init phase failed; statusText is INIT_REPORT's suffix. */
  | {
      readonly kind: "initFailed";
      readonly durationMs: number;
      readonly phase: PhaseStatus;
      readonly statusText: string;
    }
  | { readonly kind: "start"; readonly requestId: string }
  /** The platform's own text lines about how the invocation ended (timeout, crash). */
  | { readonly kind: "notices"; readonly lines: readonly string[] }
  | {
      readonly kind: "end";
      readonly requestId: string;
      readonly phase: PhaseStatus;
      readonly durationMs: number;
      readonly producedBytes: number;
    }
  | { readonly kind: "report"; readonly figures: ReportFigures; readonly phase: PhaseStatus };

function textLines(event: PlatformEvent): readonly string[] {
  switch (event.kind) {
    case "initStart":
    case "initDone":
      return [];
    case "initFailed":
      return [initReportLine(event.durationMs, event.statusText)];
    case "start":
      return [startLine(event.requestId)];
    case "notices":
      return event.lines;
    case "end":
      return [endLine(event.requestId)];
    case "report":
      return [reportLine(event.figures)];
  }
}

function jsonRecords(event: PlatformEvent): readonly PlatformRecord[] {
  switch (event.kind) {
    case "initStart":
      return [initStartRecord(event.functionName)];
    case "initDone": {
      const phase: PhaseStatus = { status: "success" };
      return [initRuntimeDoneRecord(phase), initReportRecord(phase, event.durationMs)];
    }
    case "initFailed":
      return [initRuntimeDoneRecord(event.phase), initReportRecord(event.phase, event.durationMs)];
    case "start":
      return [startRecord(event.requestId)];
    case "notices":
      return [];
    case "end":
      return [
        runtimeDoneRecord(event.requestId, event.phase, {
          durationMs: event.durationMs,
          producedBytes: event.producedBytes,
        }),
      ];
    case "report": {
      const { figures } = event;
      return [
        reportRecord(figures.requestId, event.phase, {
          durationMs: figures.durationMs,
          billedDurationMs: figures.billedDurationMs,
          memorySizeMB: figures.memoryMb,
          maxMemoryUsedMB: figures.maxMemoryUsedMb,
          ...(figures.initDurationMs === undefined ? {} : { initDurationMs: figures.initDurationMs }),
        }),
      ];
    }
  }
}

/** The log events the platform writes for one step, in the function's format and at its system log level. */
export function platformLines(logging: LoggingSpec, event: PlatformEvent, now: Date): readonly string[] {
  if (logging.format === "Text") return textLines(event);
  return jsonRecords(event)
    .filter((record) => systemLevelAllows(logging.systemLogLevel, record.level))
    .map((record) => renderRecord(record, now));
}
