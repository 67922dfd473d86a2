/**
 * `console` inside the worker, as AWS's Node.js runtime patches it: one log event per call, in the text format
 * (`<ISO time>\t<request id>\t<LEVEL>\t<message>`) or, with AWS_LAMBDA_LOG_FORMAT=JSON, one JSON object, filtered
 * by AWS_LAMBDA_LOG_LEVEL. Bundled into the worker: Node.js built-ins only.
 */
import { format } from "node:util";
import { formatError, intoError } from "./errors";
import { sendLog } from "./telemetry";

const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
const globalSlots = globalThis as unknown as Record<symbol, unknown>;

/** The running invocation's id, where the runtime keeps it (libraries such as Powertools read it there). */
export function currentRequestId(): string | undefined {
  const id = globalSlots[REQUEST_ID];
  return typeof id === "string" ? id : undefined;
}

export function setCurrentRequestId(id: string): void {
  globalSlots[REQUEST_ID] = id;
}

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 } as const;
export type Level = keyof typeof LEVELS;

function isLevel(value: string): value is Level {
  return Object.hasOwn(LEVELS, value);
}

let jsonFormat = false;
/** AWS_LAMBDA_LOG_LEVEL's priority; TRACE (everything) when it is not set, as with the Text format. */
let minimumLevel: number = LEVELS.TRACE;

/**
 * The level Lambda gives a line a function wrote to stdout or stderr itself (Powertools' logger does): the `level`
 * of a JSON object, any case; INFO when it is missing or not a level name (developer guide, "Log-level filtering").
 */
export function rawLineLevel(text: string): Level {
  if (!text.startsWith("{")) return "INFO";
  try {
    const level = (JSON.parse(text) as { level?: unknown }).level;
    const name = typeof level === "string" ? level.toUpperCase() : "";
    return isLevel(name) ? name : "INFO";
  } catch {
    return "INFO";
  }
}

/** In the JSON format, a raw line below the application log level is dropped, as Lambda drops it. */
export function keepsRawLine(text: string): boolean {
  return !jsonFormat || LEVELS[rawLineLevel(text)] >= minimumLevel;
}

function jsonErrorReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value.constructor?.name ?? "UnknownError",
      errorMessage: value.message,
      stackTrace: typeof value.stack === "string" ? value.stack.split("\n") : value.stack,
    },
    value,
  );
}

/** AWS_LAMBDA_LOG_FORMAT=JSON: one JSON object a call, as the runtime writes it. */
function formatJson(ts: string, level: Level, requestId: string | undefined, params: readonly unknown[]): string {
  const record: Record<string, unknown> = { timestamp: ts, level, requestId };
  if (params.length === 1) {
    record.message = params[0];
    try {
      return JSON.stringify(record, jsonErrorReplacer);
    } catch {
      record.message = format(params[0]);
      return JSON.stringify(record);
    }
  }
  record.message = format(...params);
  const error = params.find((param): param is Error => param instanceof Error);
  if (error) {
    record.errorType = error.constructor?.name ?? "UnknownError";
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === "string" ? error.stack.split("\n") : [];
  }
  return JSON.stringify(record);
}

export interface LogEntry {
  readonly now: Date;
  readonly level: Level;
  /** Like the runtime, prints as "undefined" outside an invocation (during init). */
  readonly requestId: string | undefined;
  readonly params: readonly unknown[];
  readonly json: boolean;
}

/** One console call as one log event's text; a multi-line message stays one event. */
export function formatLogEntry(entry: LogEntry): string {
  const ts = entry.now.toISOString();
  if (entry.json) return formatJson(ts, entry.level, entry.requestId, entry.params);
  const [message, ...rest] = entry.params;
  return `${ts}\t${entry.requestId}\t${entry.level}\t${format(message, ...rest)}`;
}

function logAt(level: Level, params: readonly unknown[]): void {
  const now = new Date();
  sendLog(formatLogEntry({ now, level, requestId: currentRequestId(), params, json: jsonFormat }), now.getTime());
}

/** Replaces console's methods, with the format and minimum level of the function's configuration. */
export function patchConsole(env: NodeJS.ProcessEnv): void {
  jsonFormat = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON";
  const configured = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? "";
  minimumLevel = isLevel(configured) ? LEVELS[configured] : LEVELS.TRACE;
  const minimum = minimumLevel;
  const at =
    (level: Level) =>
    (...params: unknown[]): void => {
      if (LEVELS[level] >= minimum) logAt(level, params);
    };
  console.trace = at("TRACE");
  console.debug = at("DEBUG");
  console.info = at("INFO");
  console.log = console.info;
  console.warn = at("WARN");
  console.error = at("ERROR");
  // Never filtered in AWS's runtime: FATAL is the highest level.
  (console as unknown as Record<string, unknown>).fatal = (...params: unknown[]): void => logAt("FATAL", params);
}

/** How the runtime logs "Invoke Error", "Uncaught Exception" and "Unhandled Promise Rejection". */
export function logError(label: string, error: unknown): void {
  if (jsonFormat) {
    console.error(intoError(error));
    return;
  }
  console.error(label, formatError(intoError(error)));
}
