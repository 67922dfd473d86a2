/**
 * The bootstrap of one local Lambda sandbox: it runs inside a worker process that the executor spawns
 * with the Node.js binary of the function's runtime, and plays the part of AWS's Node.js runtime
 * (aws-lambda-nodejs-runtime-interface-client) for exactly one function.
 *
 * It is plain Node.js, no tsx: the executor compiles this file with esbuild into `<runDir>/lambda-worker.js`.
 * Only node: built-ins may be imported here.
 *
 * Protocol
 * - parent → worker: IPC messages (`process.send`), one {@link InvokeMessage} per invocation, never two at once.
 * - worker → parent: newline-delimited JSON {@link WorkerFrame}s written with `fs.writeSync` to a dedicated pipe
 *   (the fd named by {@link TELEMETRY_FD_ENV}), like AWS's `_LAMBDA_TELEMETRY_LOG_FD`. Synchronous writes keep
 *   every log line and the result in order on one channel, and lose nothing when the handler calls
 *   `process.exit()` (IPC messages queued at exit are dropped).
 *
 * Settings come from the environment AWS gives a function: _HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME,
 * AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME,
 * AWS_LAMBDA_LOG_STREAM_NAME, AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL.
 */
import { existsSync, readFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { pathToFileURL } from "node:url";
import { format, types } from "node:util";

import {
  type ErrorPayload,
  type InvokeMessage,
  MAX_RESPONSE_BYTES,
  type MemorySample,
  TELEMETRY_FD_ENV,
  type WorkerFrame,
} from "./runtime/protocol";

type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;
type Callback = (error?: unknown, result?: unknown) => void;

interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  readonly succeed: (result?: unknown) => void;
  readonly fail: (error?: unknown) => void;
  readonly done: (error?: unknown, result?: unknown) => void;
  readonly functionVersion: string | undefined;
  readonly functionName: string | undefined;
  readonly memoryLimitInMB: string | undefined;
  readonly logGroupName: string | undefined;
  readonly logStreamName: string | undefined;
  readonly clientContext: undefined;
  readonly identity: undefined;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly getRemainingTimeInMillis: () => number;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors, named and shaped as the Node.js runtime names and shapes them.

class RuntimeError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = `Runtime.${name}`;
  }
}

/** An `unhandledRejection`: the message is the reason as text, e.g. "Error: nope". */
class UnhandledPromiseRejection extends Error {
  constructor(
    readonly reason: unknown,
    readonly promise: unknown,
  ) {
    super(String(reason));
    this.name = "Runtime.UnhandledPromiseRejection";
  }
}

/** An async handler whose promise never settled when the event loop ran empty. */
function nodeJsExitError(): Error {
  return new RuntimeError(
    "NodeJsExit",
    "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a " +
      "Promise that was never settled. For more information, see " +
      "https://nodejs.org/docs/latest/api/process.html#exit-codes",
  );
}

function isErrorLike(value: unknown): value is Error {
  if (types.isNativeError(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const { name, message, stack } = value as Record<string, unknown>;
  return typeof name === "string" && typeof message === "string" && typeof stack === "string";
}

/** The invoke payload of an error: {errorType, errorMessage, trace}. */
export function toErrorPayload(error: unknown): ErrorPayload {
  try {
    if (isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? "").split("\n") };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

function intoError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Errors with their enumerable properties, as the runtime logs them: errorType, errorMessage, code, …, stack[]. */
function withEnumerableProperties(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const shaped: Record<string, unknown> = {
    errorType: value.name,
    errorMessage: value.message,
    code: (value as NodeJS.ErrnoException).code,
    ...value,
  };
  if (typeof value.stack === "string") shaped.stack = value.stack.split("\n");
  return shaped;
}

/** "\t" + the error as JSON: the text format's rendering of "Invoke Error", "Uncaught Exception" and the like. */
function formatError(error: Error): string {
  try {
    return `\t${JSON.stringify(error, withEnumerableProperties)}`;
  } catch {
    return `\t${JSON.stringify(toErrorPayload(error))}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Frames to the parent.

let telemetryFd = -1;

function sendFrame(frame: WorkerFrame): void {
  const data = Buffer.from(`${JSON.stringify(frame)}\n`, "utf8");
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(telemetryFd, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      // The parent is gone: nobody is left to serve.
      process.exit(70);
    }
  }
}

function memorySample(): MemorySample {
  return { rssKb: Math.round(process.memoryUsage.rss() / 1024), maxRssKb: process.resourceUsage().maxRSS };
}

// ---------------------------------------------------------------------------------------------------------------
// Logging: console in AWS's format, raw stdout/stderr line by line.

const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
const globalSlots = globalThis as unknown as Record<symbol, unknown>;

function currentRequestId(): string | undefined {
  const id = globalSlots[REQUEST_ID];
  return typeof id === "string" ? id : undefined;
}

function setCurrentRequestId(id: string): void {
  globalSlots[REQUEST_ID] = id;
}

function emitLog(msg: string, ts = Date.now()): void {
  sendFrame({ t: "log", ts, msg });
}

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 } as const;
type Level = keyof typeof LEVELS;

function isLevel(value: string): value is Level {
  return Object.hasOwn(LEVELS, value);
}

const jsonFormat = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON";

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
function formatJson(ts: string, level: Level, params: readonly unknown[]): string {
  const record: Record<string, unknown> = { timestamp: ts, level, requestId: currentRequestId() };
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

/**
 * One console call → one log event, `<ISO time>\t<request id>\t<LEVEL>\t<util.format(...)>`; a multi-line message
 * stays one event. Like the runtime, the request id prints as "undefined" outside an invocation (during init).
 */
function logAt(level: Level, params: readonly unknown[]): void {
  const now = new Date();
  const ts = now.toISOString();
  const [message, ...rest] = params;
  const msg = jsonFormat
    ? formatJson(ts, level, params)
    : `${ts}\t${currentRequestId()}\t${level}\t${format(message, ...rest)}`;
  emitLog(msg, now.getTime());
}

function patchConsole(): void {
  const configured = process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? "";
  const minimum = isLevel(configured) ? LEVELS[configured] : LEVELS.TRACE;
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
  (console as unknown as Record<string, unknown>).fatal = at("FATAL");
}

/** How the runtime logs "Invoke Error", "Uncaught Exception" and "Unhandled Promise Rejection". */
function logError(label: string, error: unknown): void {
  if (jsonFormat) {
    console.error(intoError(error));
    return;
  }
  console.error(label, formatError(intoError(error)));
}

const streamFlushers: (() => void)[] = [];

function flushStreams(): void {
  for (const flush of streamFlushers) flush();
}

/** Raw writes (Powertools' logger writes JSON lines straight to stdout): each line becomes one log event. */
function patchStream(stream: NodeJS.WriteStream): void {
  const decoder = new StringDecoder("utf8");
  let partial = "";
  const emitLine = (line: string): void => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text !== "") emitLog(text);
  };
  const write = (chunk: unknown, encodingOrCallback?: unknown, maybeCallback?: unknown): boolean => {
    const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : "utf8";
    const callback = [encodingOrCallback, maybeCallback].find(
      (candidate): candidate is (error?: Error | null) => void => typeof candidate === "function",
    );
    if (typeof chunk === "string") {
      partial += encoding === "utf8" || encoding === "utf-8" ? chunk : decoder.write(Buffer.from(chunk, encoding));
    } else if (chunk instanceof Uint8Array) {
      partial += decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } else {
      partial += String(chunk);
    }
    let newline = partial.indexOf("\n");
    while (newline >= 0) {
      emitLine(partial.slice(0, newline));
      partial = partial.slice(newline + 1);
      newline = partial.indexOf("\n");
    }
    if (callback) process.nextTick(callback, null);
    return true;
  };
  stream.write = write as typeof stream.write;
  streamFlushers.push(() => {
    partial += decoder.end();
    if (partial !== "") emitLine(partial);
    partial = "";
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the handler: `<module path>.<export path>`, resolved against LAMBDA_TASK_ROOT like the runtime does.

function hasTypeModule(folder: string): boolean {
  if (folder.endsWith(`${sep}node_modules`)) return false;
  const packageJson = join(folder, "package.json");
  if (existsSync(packageJson)) {
    try {
      const parsed = JSON.parse(readFileSync(packageJson, "utf8")) as { type?: unknown };
      return parsed.type === "module";
    } catch {
      return false;
    }
  }
  const parent = dirname(folder);
  return parent === folder ? false : hasTypeModule(parent);
}

async function importFile(file: string): Promise<unknown> {
  return import(pathToFileURL(file).href);
}

async function loadModule(taskRoot: string, moduleRoot: string, moduleName: string): Promise<unknown> {
  const base = resolve(taskRoot, moduleRoot, moduleName);
  if (existsSync(base)) return require(base);
  const typeModule = hasTypeModule(dirname(base));
  if (!typeModule && existsSync(`${base}.js`)) return require(`${base}.js`);
  if (typeModule && existsSync(`${base}.js`)) return importFile(`${base}.js`);
  if (existsSync(`${base}.mjs`)) return importFile(`${base}.mjs`);
  if (existsSync(`${base}.cjs`)) return require(`${base}.cjs`);
  return require(require.resolve(moduleName, { paths: [taskRoot, resolve(taskRoot, moduleRoot)] }));
}

function resolveExport(moduleValue: unknown, path: string): unknown {
  let value = moduleValue;
  for (const key of path.split(".")) {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

async function loadHandler(taskRoot: string, fullHandler: string): Promise<Handler> {
  if (fullHandler.includes("..")) {
    throw new RuntimeError(
      "MalformedHandlerName",
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleAndHandler = basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - moduleAndHandler.length);
  const match = /^([^.]*)\.(.*)$/.exec(moduleAndHandler);
  const moduleName = match?.[1];
  const exportPath = match?.[2];
  if (moduleName === undefined || exportPath === undefined)
    throw new RuntimeError("MalformedHandlerName", "Bad handler");

  let moduleValue: unknown;
  try {
    moduleValue = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      const syntaxError = new RuntimeError("UserCodeSyntaxError", String(error), { cause: error });
      syntaxError.stack = error.stack;
      throw syntaxError;
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "MODULE_NOT_FOUND") throw new RuntimeError("ImportModuleError", String(error), { cause: error });
    throw error;
  }
  const handler = resolveExport(moduleValue, exportPath);
  if (!handler) throw new RuntimeError("HandlerNotFound", `${fullHandler} is undefined or not exported`);
  if (typeof handler !== "function") throw new RuntimeError("HandlerNotFound", `${fullHandler} is not a function`);
  return handler as Handler;
}

// ---------------------------------------------------------------------------------------------------------------
// Invocations.

interface Active {
  readonly id: string;
  finished: boolean;
}

let handler: Handler | undefined;
let handlerIsAsync = false;
let initializing = true;
let active: Active | undefined;
/** The runtime's BeforeExitListener: what to do when the event loop runs empty during an invocation. */
let beforeExitAction: (() => void) | undefined;

/** The IPC channel keeps the process alive between invocations; during one it must not, or "empty event loop" is never seen. */
function holdChannel(hold: boolean): void {
  const channel = process.channel;
  if (!channel) return;
  if (hold) channel.ref();
  else channel.unref();
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function invoke(message: InvokeMessage): void {
  const run = handler;
  if (!run || active) return; // the parent never sends one before "ready", nor two at once
  const invocation: Active = { id: message.id, finished: false };
  active = invocation;
  setCurrentRequestId(message.id);
  if (message.traceId) process.env._X_AMZN_TRACE_ID = message.traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  holdChannel(false);

  const finish = (frame: WorkerFrame): void => {
    if (invocation.finished) return;
    invocation.finished = true;
    beforeExitAction = undefined;
    flushStreams();
    sendFrame(frame);
    if (active === invocation) active = undefined;
    holdChannel(true);
  };
  const postError = (error: unknown): void => {
    logError("Invoke Error", error);
    finish({ t: "fail", id: invocation.id, error: toErrorPayload(error), mem: memorySample() });
  };
  let completeInvoked = false;
  const complete = (result: unknown): void => {
    if (completeInvoked) {
      console.error(
        "Invocation has already been reported as done. Cannot call complete more than once per invocation.",
      );
      return;
    }
    completeInvoked = true;
    let body: string;
    try {
      body = JSON.stringify(result === undefined ? null : result) ?? "null";
    } catch (error) {
      throw new Error("Unable to stringify response body", { cause: error });
    }
    if (Buffer.byteLength(body, "utf8") > MAX_RESPONSE_BYTES) {
      finish({
        t: "fail",
        id: invocation.id,
        error: {
          errorType: "Function.ResponseSizeTooLarge",
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        },
        mem: memorySample(),
      });
      return;
    }
    finish({ t: "done", id: invocation.id, payload: body, mem: memorySample() });
  };

  let waitForEmptyEventLoop = true;
  const callback: Callback = (error, result) => {
    beforeExitAction = undefined;
    if (error !== undefined && error !== null) postError(error);
    else if (!waitForEmptyEventLoop) complete(result);
    else beforeExitAction = () => setImmediate(() => complete(result));
  };
  const done = (error?: unknown, result?: unknown): void => {
    beforeExitAction = undefined;
    if (error !== undefined && error !== null) postError(error);
    else complete(result);
  };
  // Only the first of callback/succeed/fail/done counts, as in the runtime.
  let settled = false;
  const once =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      if (settled) return;
      fn(...args);
      settled = true;
    };
  const succeed = once((result?: unknown) => done(null, result));
  const fail = once((error?: unknown) => (error === undefined || error === null ? done("handled") : done(error, null)));
  const doneOnce = once(done);
  const callbackOnce = once(callback);

  beforeExitAction = () => {
    completeInvoked = true;
    if (handlerIsAsync) {
      const error = nodeJsExitError();
      logError("Invoke Error", error);
      finish({ t: "fail", id: invocation.id, error: toErrorPayload(error), mem: memorySample() });
    } else {
      finish({ t: "done", id: invocation.id, payload: "null", mem: memorySample() });
    }
  };

  const env = process.env;
  const context: LambdaContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitForEmptyEventLoop = value;
    },
    succeed,
    fail,
    done: doneOnce,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: message.invokedFunctionArn,
    awsRequestId: message.id,
    getRemainingTimeInMillis: () => message.deadlineMs - Date.now(),
  };

  try {
    const event: unknown = JSON.parse(message.event);
    const result = run(event, context, callbackOnce);
    if (isPromiseLike(result)) {
      Promise.resolve(result).then(succeed, fail).catch(fail);
    }
  } catch (error) {
    callbackOnce(error);
  }
}

/**
 * Outside an invocation an uncaught error ends the sandbox (exit 129 / 128, like the runtime); during one it also
 * becomes the invocation's error first; during init, the init error.
 */
function crash(label: string, error: Error, exitCode: number): never {
  logError(label, error);
  const invocation = active;
  if (invocation && !invocation.finished) {
    invocation.finished = true;
    flushStreams();
    sendFrame({ t: "fail", id: invocation.id, error: toErrorPayload(error), mem: memorySample(), fatal: true });
  } else if (initializing) {
    flushStreams();
    sendFrame({ t: "initError", error: toErrorPayload(error) });
  } else {
    flushStreams();
  }
  process.exit(exitCode);
}

function isInvokeMessage(value: unknown): value is InvokeMessage {
  return typeof value === "object" && value !== null && (value as { t?: unknown }).t === "invoke";
}

async function main(): Promise<void> {
  telemetryFd = Number(process.env[TELEMETRY_FD_ENV]);
  delete process.env[TELEMETRY_FD_ENV];
  patchConsole();
  patchStream(process.stdout);
  patchStream(process.stderr);

  process.on("uncaughtException", (error) => crash("Uncaught Exception", intoError(error), 129));
  process.on("unhandledRejection", (reason, promise) =>
    crash("Unhandled Promise Rejection", new UnhandledPromiseRejection(reason, promise), 128),
  );
  process.on("beforeExit", () => beforeExitAction?.());
  // Without the parent nobody can invoke us: end with it.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (message: unknown) => {
    if (isInvokeMessage(message)) invoke(message);
  });

  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const handlerName = process.env._HANDLER ?? "";
  try {
    handler = await loadHandler(taskRoot, handlerName);
  } catch (error) {
    crash("Uncaught Exception", intoError(error), 129);
  }
  handlerIsAsync = handler?.constructor?.name === "AsyncFunction";
  initializing = false;
  flushStreams();
  sendFrame({ t: "ready", mem: memorySample() });
}

if (process.env[TELEMETRY_FD_ENV] !== undefined && process.send !== undefined) {
  void main();
}
