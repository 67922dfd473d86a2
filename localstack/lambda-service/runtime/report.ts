/**
 * The platform lines Lambda writes around an invocation (START, END, REPORT, INIT_REPORT, the timeout notice) and
 * the numbers in them, as pure functions: their exact text is what log tooling parses, so it is pinned by tests.
 */
import { KIB_PER_MIB } from "./protocol";

/** `--log-type Tail` returns the last 4 KB of the invocation's log. */
export const LOG_TAIL_BYTES = 4096;

/** REPORT's suffix for an invocation that ran out of time. */
export const TIMEOUT_STATUS = "\tStatus: timeout";

/** REPORT's (and INIT_REPORT's) suffix for a runtime error. */
export function errorStatus(errorType: string): string {
  return `\tStatus: error\tError Type: ${errorType}`;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** "Task timed out after 3.00 seconds". */
export function timedOutMessage(timeoutSeconds: number): string {
  return `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** The platform's own log line at a timeout: `<ISO time> <request id> Task timed out after … seconds`. */
export function timedOutLine(requestId: string, timeoutSeconds: number, now: Date): string {
  return `${now.toISOString()} ${requestId} ${timedOutMessage(timeoutSeconds)}`;
}

/** Logged before START when the Init phase failed (AWS then retries it inside the invocation). */
export function initReportLine(initDurationMs: number, statusText: string): string {
  return `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init${statusText}`;
}

/** Since August 2025 the Init phase of on-demand ZIP functions is billed too. */
export function billedDurationMs(durationMs: number, initDurationMs?: number): number {
  return Math.ceil(durationMs + (initDurationMs ?? 0));
}

/** The peak RSS in whole MB, at least 1 and at most the function's memory. */
export function maxMemoryUsedMb(memoryMb: number, maxRssKb: number): number {
  return Math.min(memoryMb, Math.max(1, Math.ceil(maxRssKb / KIB_PER_MIB)));
}

export interface ReportFigures {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs?: number;
  /** Appended to REPORT, e.g. "\tStatus: timeout"; none: REPORT ends with a tab, as AWS's does. */
  readonly statusText?: string;
}

export function reportLine(figures: ReportFigures): string {
  const { requestId, durationMs, initDurationMs } = figures;
  const initText = initDurationMs !== undefined ? `\tInit Duration: ${initDurationMs.toFixed(2)} ms` : "";
  return (
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${figures.billedDurationMs} ms\t` +
    `Memory Size: ${figures.memoryMb} MB\tMax Memory Used: ${figures.maxMemoryUsedMb} MB${initText}${figures.statusText ?? "\t"}`
  );
}

/** The last `limit` bytes of a text, never starting inside a multi-byte character. */
export function lastBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  let start = bytes.length - limit;
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString("utf8");
}

/** What `--log-type Tail` returns for an invocation's log lines. */
export function logTail(lines: readonly string[]): string {
  return lastBytes(`${lines.join("\n")}\n`, LOG_TAIL_BYTES);
}
