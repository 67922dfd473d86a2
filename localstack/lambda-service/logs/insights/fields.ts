/**
 * The fields Logs Insights discovers in one log event ("Supported logs and discovered fields"): the system
 * fields @timestamp, @ingestionTime, @logStream, @log and @message; for Lambda's own lines the @type and
 * @requestId of START, END and REPORT, and REPORT's @duration, @billedDuration, @initDuration (milliseconds),
 * @memorySize and @maxMemoryUsed (bytes, as Insights reports them); and the fields of JSON logs, flattened with
 * dots (`a.b`, array items as `a.0`), from the whole message or, in a Lambda text line
 * (`<time>\t<request id>\t<LEVEL>\t<message>`), from its first embedded JSON fragment. A discovered field whose
 * name starts with @ is shown with one more @, as AWS does.
 */

/** A field's value: times are Dates (shown as "yyyy-MM-dd HH:mm:ss.SSS"), JSON numbers stay numbers. */
export type Value = string | number | boolean | Date;
export type Row = Map<string, Value>;

export interface LogRecord {
  readonly logGroupName: string;
  readonly accountId: string;
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime?: number;
}

const BYTES_PER_MB = 1_000_000;
const REQUEST_LINE = /^(START|END) RequestId: ([0-9A-Za-z-]+)/;
const REPORT_LINE = /^REPORT RequestId: ([0-9A-Za-z-]+)\t/;
const TEXT_LINE = /^\d{4}-\d\d-\d\dT[0-9:.]+Z\t([0-9A-Za-z-]+)\t(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t/;
const REPORT_FIGURES: readonly (readonly [label: string, field: string, scale: number])[] = [
  ["Duration", "@duration", 1],
  ["Billed Duration", "@billedDuration", 1],
  ["Memory Size", "@memorySize", BYTES_PER_MB],
  ["Max Memory Used", "@maxMemoryUsed", BYTES_PER_MB],
  ["Init Duration", "@initDuration", 1],
];

export function discoverFields(record: LogRecord): Row {
  const row: Row = new Map<string, Value>([
    ["@timestamp", new Date(record.timestamp)],
    ["@message", record.message],
    ["@logStream", record.logStreamName],
    ["@log", `${record.accountId}:${record.logGroupName}`],
  ]);
  if (record.ingestionTime !== undefined) row.set("@ingestionTime", new Date(record.ingestionTime));
  const json = lambdaFields(record.message, row);
  if (json !== undefined) flatten(json, "", row);
  return row;
}

/** Sets the Lambda fields of a line; returns the text that may hold JSON (the message, or a text line's tail). */
function lambdaFields(message: string, row: Row): unknown {
  const request = REQUEST_LINE.exec(message);
  if (request) {
    row.set("@type", request[1] ?? "");
    row.set("@requestId", request[2] ?? "");
    return undefined;
  }
  const report = REPORT_LINE.exec(message);
  if (report) {
    row.set("@type", "REPORT");
    row.set("@requestId", report[1] ?? "");
    for (const [label, field, scale] of REPORT_FIGURES) {
      const figure = new RegExp(`\\t${label}: ([0-9.]+) (?:ms|MB)`).exec(message);
      if (figure) row.set(field, Number(figure[1]) * scale);
    }
    return undefined;
  }
  const text = TEXT_LINE.exec(message);
  if (text) {
    if (text[1] !== "undefined") row.set("@requestId", text[1] ?? "");
    return firstJsonFragment(message.slice(text[0].length));
  }
  return wholeJson(message);
}

function wholeJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/** The first `{…}` of a text that parses as JSON, trying each closing brace from the last one back. */
function firstJsonFragment(text: string): unknown {
  const open = text.indexOf("{");
  if (open < 0) return undefined;
  for (let close = text.lastIndexOf("}"); close > open; close = text.lastIndexOf("}", close - 1)) {
    try {
      return JSON.parse(text.slice(open, close + 1));
    } catch {
      // a shorter fragment may parse
    }
  }
  return undefined;
}

function flatten(value: unknown, prefix: string, row: Row): void {
  if (value === null || value === undefined) return;
  if (typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, inner] of entries) {
      const name = prefix ? `${prefix}.${key}` : key.startsWith("@") ? `@${key}` : key;
      flatten(inner, name, row);
    }
    return;
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    if (prefix) row.set(prefix, value);
  }
}

/** How Insights shows a timestamp: "2026-11-29 15:45:16.123" (UTC). */
export function formatTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** A value as GetQueryResults returns it: always a string; computed numbers without binary noise (0.1 + 0.2 is 0.3). */
export function showValue(value: Value): string {
  if (value instanceof Date) return formatTime(value);
  if (typeof value === "number" && !Number.isInteger(value)) return String(Number(value.toPrecision(15)));
  return String(value);
}
