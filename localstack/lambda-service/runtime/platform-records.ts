/**
 * The platform's own records in the JSON log format, as Lambda writes them to CloudWatch Logs instead of START / END
 * / REPORT: one JSON object a record, `{"time", "type", "record"}`, with the Telemetry API's record shapes (developer
 * guide, "Telemetry API Event schema reference"), and the system log level each is written at (developer guide,
 * "Log-level filtering", system log level event mapping). Pure functions, pinned by tests.
 *
 * Key order follows what Lambda writes to CloudWatch (`requestId`, `metrics`, `status` in platform.report).
 * `platform.initStart` leaves out runtimeVersion / runtimeVersionArn (no AWS runtime build runs here) but keeps the
 * INFO level AWS gives a managed runtime's initStart, which always has them.
 */
import type { SystemLogLevel } from "../types";

export type PlatformStatus = "success" | "error" | "timeout";

/** What an ended phase reports: its status, and the error type when it is not a success. */
export interface PhaseStatus {
  readonly status: PlatformStatus;
  readonly errorType?: string;
}

export interface PlatformRecord {
  readonly type: string;
  readonly level: SystemLogLevel;
  readonly record: Readonly<Record<string, unknown>>;
}

/** Milliseconds as Lambda's records carry them: at most three decimals. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function statusFields(phase: PhaseStatus): Record<string, unknown> {
  return phase.status === "success" || phase.errorType === undefined
    ? { status: phase.status }
    : { status: phase.status, errorType: phase.errorType };
}

/** success: the quieter level; anything else: WARN, so that failures survive SystemLogLevel WARN. */
function levelOf(phase: PhaseStatus, onSuccess: SystemLogLevel): SystemLogLevel {
  return phase.status === "success" ? onSuccess : "WARN";
}

const ON_DEMAND = { initializationType: "on-demand", phase: "init" } as const;

export function initStartRecord(functionName: string): PlatformRecord {
  return {
    type: "platform.initStart",
    level: "INFO",
    record: { ...ON_DEMAND, functionName, functionVersion: "$LATEST" },
  };
}

export function initRuntimeDoneRecord(phase: PhaseStatus): PlatformRecord {
  return {
    type: "platform.initRuntimeDone",
    level: levelOf(phase, "DEBUG"),
    record: { ...ON_DEMAND, ...statusFields(phase) },
  };
}

export function initReportRecord(phase: PhaseStatus, durationMs: number): PlatformRecord {
  return {
    type: "platform.initReport",
    level: levelOf(phase, "DEBUG"),
    record: { ...ON_DEMAND, ...statusFields(phase), metrics: { durationMs: ms(durationMs) } },
  };
}

export function startRecord(requestId: string): PlatformRecord {
  return { type: "platform.start", level: "INFO", record: { requestId, version: "$LATEST" } };
}

export function runtimeDoneRecord(
  requestId: string,
  phase: PhaseStatus,
  metrics: { readonly durationMs: number; readonly producedBytes: number },
): PlatformRecord {
  return {
    type: "platform.runtimeDone",
    level: levelOf(phase, "DEBUG"),
    record: {
      requestId,
      ...statusFields(phase),
      metrics: { durationMs: ms(metrics.durationMs), producedBytes: metrics.producedBytes },
    },
  };
}

export interface ReportMetrics {
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB: number;
  /** A cold start's Init phase. */
  readonly initDurationMs?: number;
}

export function reportRecord(requestId: string, phase: PhaseStatus, metrics: ReportMetrics): PlatformRecord {
  const { initDurationMs } = metrics;
  return {
    type: "platform.report",
    level: levelOf(phase, "INFO"),
    record: {
      requestId,
      metrics: {
        durationMs: ms(metrics.durationMs),
        billedDurationMs: metrics.billedDurationMs,
        memorySizeMB: metrics.memorySizeMB,
        maxMemoryUsedMB: metrics.maxMemoryUsedMB,
        ...(initDurationMs === undefined ? {} : { initDurationMs: ms(initDurationMs) }),
      },
      ...statusFields(phase),
    },
  };
}

/** One log event's text: `{"time":"<ISO>","type":"platform.…","record":{…}}`. */
export function renderRecord(record: PlatformRecord, now: Date): string {
  return JSON.stringify({ time: now.toISOString(), type: record.type, record: record.record });
}
