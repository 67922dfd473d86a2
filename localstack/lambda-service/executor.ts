/**
 * Runs Lambda handlers locally with AWS Lambda's semantics: per function a pool of warm worker processes
 * ("sandboxes", one invocation at a time each), at most the reserved concurrency of them, a FIFO queue for the
 * rest, cold starts with Init Duration, timeouts, crashes and out-of-memory reported as Lambda reports them, and
 * every log line (START/END/REPORT included) handed to a {@link LogSink} as it happens.
 *
 * A worker runs `worker.ts` (compiled with esbuild into `<runDir>/lambda-worker.js`) on the Node.js binary of the
 * function's runtime major: this process's own when the majors match, else the `node` npm package's binary
 * (node@22 ships one), else {@link FunctionExecutorOptions.nodeBinaries}.
 *
 * Memory: like AWS's Node.js bootstrap, a worker gets `--max-semi-space-size=<memory/20>` and
 * `--max-old-space-size=<memory - memory/10>` (MB), so a heap that outgrows the function's memory aborts the
 * process; on Linux the executor also samples the worker's RSS while it runs and SIGKILLs it above the memory
 * size, as Lambda's cgroup does. Either death is reported as `Runtime.OutOfMemory`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { buildSync } from "esbuild";
import type { FunctionSpec, InvokeResult, Invoker, LogSink } from "./types";
import { type ErrorPayload, type InvokeMessage, TELEMETRY_FD_ENV, type WorkerFrame } from "./worker";

/** AWS's maximum synchronous request payload, in bytes (6 MiB). */
export const MAX_REQUEST_BYTES = 6_291_456;
/** `--log-type Tail` returns the last 4 KB of the invocation's log. */
const LOG_TAIL_BYTES = 4096;
/** The Init phase may take 10 s; AWS then retries it within the invocation, under the function's timeout. */
const INIT_LIMIT_MS = 10_000;
/** How often a busy worker's RSS is sampled (Linux). */
const MEMORY_SAMPLE_MS = 100;
/** The fd of the worker → executor frame pipe: stdin, stdout, stderr, IPC, then this one. */
const TELEMETRY_FD = 4;

/** An error of the Invoke API itself (the request never ran), named after AWS's exception. */
export class LambdaServiceError extends Error {
  constructor(
    readonly code:
      | "ResourceNotFoundException"
      | "RequestEntityTooLargeException"
      | "InvalidRequestContentException"
      | "TooManyRequestsException"
      | "InvalidRuntimeException"
      | "ServiceException",
    message: string,
    readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

/** The caller's signal aborted the invocation (while queued, it never runs; while running, it runs on unobserved). */
export class InvocationAbortedError extends Error {
  constructor(functionName: string, options?: { cause?: unknown }) {
    super(`invocation of ${functionName} aborted`, options);
    this.name = "AbortError";
  }
}

export class ExecutorClosedError extends Error {
  constructor(what: string) {
    super(`the Lambda executor is closed: ${what}`);
    this.name = "ExecutorClosedError";
  }
}

export interface FunctionExecutorOptions {
  /** The deployed functions, or a lookup by name (consulted on every invoke). */
  readonly functions: readonly FunctionSpec[] | ((name: string) => FunctionSpec | undefined);
  /** Directory for runtime files (the compiled worker bootstrap), e.g. `<stateDir>/run`. */
  readonly runDir: string;
  /** AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION …, for every function. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  readonly logSink: LogSink;
  /** Workers per function when it has no reserved concurrency. Default 10. */
  readonly maxConcurrencyDefault?: number;
  /** Default: baseEnv.AWS_REGION, else "us-east-1". */
  readonly region?: string;
  /** Default "000000000000". */
  readonly accountId?: string;
  /** Node.js binaries by major version ("22" → path), overriding the lookup. */
  readonly nodeBinaries?: Readonly<Record<string, string>>;
  /** SIGKILL a worker whose RSS exceeds the function's memory (Linux). Default true. */
  readonly enforceMemoryLimit?: boolean;
}

export interface SandboxStats {
  readonly pid: number;
  readonly logStream: string;
  readonly state: "init" | "idle" | "busy";
  readonly invocations: number;
  readonly rssMb: number;
  readonly maxRssMb: number;
  readonly startedAt: number;
}

export interface FunctionStats {
  /** Live workers: initialising, idle and busy. */
  readonly workers: number;
  readonly busy: number;
  readonly idle: number;
  /** Invocations waiting for a worker. */
  readonly queued: number;
  readonly concurrencyLimit: number;
  readonly invocations: number;
  /** Invocations that returned a function error (timeouts and crashes included). */
  readonly errors: number;
  readonly coldStarts: number;
  readonly timeouts: number;
  /** Workers that died mid-invocation or during init (timeouts excluded). */
  readonly crashes: number;
  readonly sandboxes: readonly SandboxStats[];
}

// ---------------------------------------------------------------------------------------------------------------
// Formats.

const MIB = 1024;

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, the stream of one execution environment. */
function newLogStreamName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}`;
  return `${day}/[$LATEST]${randomBytes(16).toString("hex")}`;
}

/** The X-Ray header Lambda passes even with tracing off (Sampled=0). */
function newTraceId(): string {
  const time = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${time}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
}

/** Go's wording for a process exit (Lambda's init is written in Go): "exit status 1", "signal: killed". */
function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) {
    const names: Partial<Record<NodeJS.Signals, string>> = {
      SIGKILL: "killed",
      SIGABRT: "aborted",
      SIGSEGV: "segmentation fault",
      SIGTERM: "terminated",
      SIGBUS: "bus error",
      SIGILL: "illegal instruction",
      SIGFPE: "floating point exception",
      SIGINT: "interrupt",
      SIGHUP: "hangup",
      SIGPIPE: "broken pipe",
      SIGTRAP: "trace/breakpoint trap",
    };
    return `signal: ${names[signal] ?? signal.toLowerCase()}`;
  }
  return `exit status ${code ?? "unknown"}`;
}

function lastBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  let start = bytes.length - limit;
  // Do not start inside a multi-byte character.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString("utf8");
}

function errorPayloadBuffer(error: ErrorPayload): Buffer {
  return Buffer.from(JSON.stringify(error), "utf8");
}

// ---------------------------------------------------------------------------------------------------------------
// The worker bootstrap and the Node.js binaries.

const builtWorkers = new Map<string, string>();

/** Compiles worker.ts to `<runDir>/lambda-worker.js` (once per process, and again when the source is newer). */
function ensureWorkerScript(runDir: string): string {
  const outfile = join(runDir, "lambda-worker.js");
  const cached = builtWorkers.get(outfile);
  if (cached) return cached;
  const source = join(__dirname, "worker.ts");
  if (!existsSync(source)) {
    // Running from compiled JavaScript: the bootstrap sits next to this file.
    const compiled = join(__dirname, "lambda-worker.js");
    if (!existsSync(compiled))
      throw new Error(`the Lambda worker bootstrap is missing: neither ${source} nor ${compiled}`);
    builtWorkers.set(outfile, compiled);
    return compiled;
  }
  const fresh = existsSync(outfile) && statSync(outfile).mtimeMs >= statSync(source).mtimeMs;
  if (!fresh) {
    mkdirSync(runDir, { recursive: true });
    const temporary = `${outfile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      buildSync({
        entryPoints: [source],
        outfile: temporary,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node18",
        logLevel: "silent",
        legalComments: "none",
      });
      renameSync(temporary, outfile);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new Error(`could not compile the Lambda worker bootstrap ${source} with esbuild`, { cause: error });
    }
  }
  builtWorkers.set(outfile, outfile);
  return outfile;
}

function majorOf(version: string): string | undefined {
  return /^v?(\d+)\./.exec(version)?.[1];
}

/** The binary of the `node` npm package (node@22 ships Node 22), when its major is the one wanted. */
function npmNodeBinary(major: string): string | undefined {
  let packageJson: string;
  try {
    packageJson = require.resolve("node/package.json", { paths: [__dirname, process.cwd()] });
  } catch {
    return undefined;
  }
  try {
    const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version?: unknown };
    if (typeof version !== "string" || majorOf(version) !== major) return undefined;
  } catch {
    return undefined;
  }
  const directory = dirname(packageJson);
  return [join(directory, "bin", "node"), join(directory, "bin", "node.exe")].find((file) => existsSync(file));
}

// ---------------------------------------------------------------------------------------------------------------
// One sandbox: a worker process and its invocations.

type InitOutcome =
  | { readonly ok: true; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly durationMs: number;
      readonly status: "error" | "timeout";
      /** Set for "error". */
      readonly error?: ErrorPayload;
    };

type RunOutcome =
  | { readonly kind: "ok"; readonly payload: string }
  | { readonly kind: "error"; readonly error: ErrorPayload }
  | { readonly kind: "timeout" }
  | { readonly kind: "exit"; readonly description: string; readonly outOfMemory: boolean }
  | { readonly kind: "closed" };

type KillReason = "timeout" | "init-timeout" | "oom" | "close" | "retire";

interface SandboxOptions {
  readonly spec: FunctionSpec;
  readonly generation: number;
  readonly nodeBinary: string;
  readonly workerScript: string;
  readonly env: Record<string, string>;
  readonly logStream: string;
  readonly enforceMemoryLimit: boolean;
  readonly emit: (sandbox: Sandbox, message: string, timestamp?: number) => void;
  readonly onDeath: (sandbox: Sandbox) => void;
}

interface Pending {
  readonly id: string;
  readonly settle: (outcome: RunOutcome) => void;
}

class Sandbox {
  readonly spec: FunctionSpec;
  readonly generation: number;
  readonly logStream: string;
  readonly startedAt = Date.now();
  readonly pid: number;
  state: "init" | "idle" | "busy" | "dead" = "init";
  /** Leased to an invocation (from the lease until release). */
  leased = true;
  invocations = 0;
  rssKb = 0;
  maxRssKb = 0;
  killReason: KillReason | undefined;
  /** Collects the log text of the current invocation (and of init, for the cold start's tail). */
  lines: string[] | undefined = [];
  readonly ready: Promise<InitOutcome>;
  readonly closed: Promise<void>;

  private readonly child: ChildProcess;
  private readonly options: SandboxOptions;
  private readonly spawnedAt = performance.now();
  private settleInit: ((outcome: InitOutcome) => void) | undefined;
  private initError: ErrorPayload | undefined;
  private pending: Pending | undefined;
  private stderrTail = "";
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private markClosed: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: SandboxOptions) {
    this.options = options;
    this.spec = options.spec;
    this.generation = options.generation;
    this.logStream = options.logStream;
    this.ready = new Promise((resolve) => {
      this.settleInit = resolve;
    });
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    const memory = this.spec.memoryMb;
    const newSpace = Math.floor(memory / 10);
    const args = [
      "--expose-gc",
      "--max-http-header-size",
      "81920",
      `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`,
      `--max-old-space-size=${memory - newSpace}`,
      options.workerScript,
    ];
    try {
      this.child = spawn(options.nodeBinary, args, {
        cwd: this.spec.codeDir,
        env: options.env,
        stdio: ["ignore", "pipe", "pipe", "ipc", "pipe"],
        detached: process.platform !== "win32",
        windowsHide: true,
      });
    } catch (error) {
      throw new LambdaServiceError("ServiceException", `could not start a worker for ${this.spec.name}`, 500, {
        cause: error,
      });
    }
    if (this.child.pid === undefined) {
      // spawn reports ENOENT and the like asynchronously; the 'error' listener below finalises.
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
    }
    this.child.on("error", (error) => {
      this.stderrTail += `\n${error.message}`;
      this.options.emit(this, `Error: could not run the worker process: ${error.message}`);
      if (this.pid === -1) this.finalize();
    });
    const telemetry = this.child.stdio[TELEMETRY_FD] as Readable | null;
    if (telemetry) this.readLines(telemetry, (line) => this.onFrame(line));
    if (this.child.stdout) this.readLines(this.child.stdout, (line) => this.onRawLine(line));
    if (this.child.stderr) {
      this.readLines(this.child.stderr, (line) => {
        this.stderrTail = `${this.stderrTail}\n${line}`.slice(-8192);
        this.onRawLine(line);
      });
    }
    this.child.on("exit", (code, signal) => {
      this.exit = { code, signal };
      // 'close' follows once the pipes drained; a grandchild holding them must not keep us waiting.
      this.later(() => this.finalize(), 2000);
    });
    this.child.on("close", (code, signal) => {
      this.exit ??= { code, signal };
      this.finalize();
    });
    this.later(
      () => {
        if (this.state !== "init") return;
        this.killReason = "init-timeout";
        this.kill();
      },
      INIT_LIMIT_MS + this.spec.timeoutSeconds * 1000,
    );
  }

  get alive(): boolean {
    return this.state !== "dead";
  }

  /** Sends one invocation; resolves with how it ended. The timeout runs from now. */
  invoke(message: InvokeMessage, timeoutMs: number): Promise<RunOutcome> {
    this.invocations++;
    return new Promise<RunOutcome>((resolve) => {
      if (this.state === "dead") {
        resolve(this.deathOutcome());
        return;
      }
      this.state = "busy";
      const timer = setTimeout(() => {
        this.killReason = "timeout";
        this.kill();
      }, timeoutMs);
      const sampler = this.sampleMemory();
      this.pending = {
        id: message.id,
        settle: (outcome) => {
          clearTimeout(timer);
          if (sampler) clearInterval(sampler);
          this.pending = undefined;
          if (this.state === "busy") this.state = "idle";
          resolve(outcome);
        },
      };
      this.child.send(message, (error) => {
        // The worker died under us: the exit handling settles the invocation.
        if (error && this.state !== "dead") this.kill();
      });
    });
  }

  kill(): void {
    if (this.exit || this.pid === -1) return;
    try {
      // detached: the worker leads its own process group; take anything it spawned along.
      if (process.platform !== "win32") process.kill(-this.pid, "SIGKILL");
      else this.child.kill("SIGKILL");
    } catch {
      try {
        this.child.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }

  /** Current RSS (Linux: from /proc), else the last the worker reported. */
  currentRssKb(): number {
    const status = this.procStatus();
    return status?.rssKb ?? this.rssKb;
  }

  private procStatus(): { rssKb: number; hwmKb: number } | undefined {
    if (process.platform !== "linux" || this.pid <= 0 || this.state === "dead") return undefined;
    try {
      const text = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text)?.[1];
      const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(text)?.[1];
      if (rss === undefined) return undefined;
      return { rssKb: Number(rss), hwmKb: Number(hwm ?? rss) };
    } catch {
      return undefined;
    }
  }

  private sampleMemory(): NodeJS.Timeout | undefined {
    if (process.platform !== "linux") return undefined;
    const limitKb = this.spec.memoryMb * MIB;
    const sample = () => {
      const status = this.procStatus();
      if (!status) return;
      this.rssKb = status.rssKb;
      this.maxRssKb = Math.max(this.maxRssKb, status.hwmKb);
      if (this.options.enforceMemoryLimit && status.rssKb > limitKb && !this.killReason) {
        this.killReason = "oom";
        this.kill();
      }
    };
    sample();
    const timer = setInterval(sample, MEMORY_SAMPLE_MS);
    timer.unref();
    return timer;
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private readLines(stream: Readable, onLine: (line: string) => void): void {
    const decoder = new StringDecoder("utf8");
    let partial = "";
    stream.on("data", (chunk: Buffer) => {
      partial += decoder.write(chunk);
      let newline = partial.indexOf("\n");
      while (newline >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        onLine(line);
        newline = partial.indexOf("\n");
      }
    });
    stream.on("end", () => {
      partial += decoder.end();
      if (partial !== "") onLine(partial);
      partial = "";
    });
    stream.on("error", () => {
      /* the process is gone; its exit is handled */
    });
  }

  /** Output that bypassed the worker's patched streams (native code, V8's fatal errors): one event a line. */
  private onRawLine(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text !== "") this.options.emit(this, text);
  }

  private onFrame(line: string): void {
    let frame: WorkerFrame;
    try {
      frame = JSON.parse(line) as WorkerFrame;
    } catch {
      this.onRawLine(line);
      return;
    }
    switch (frame.t) {
      case "log":
        this.options.emit(this, frame.msg, frame.ts);
        return;
      case "ready":
        this.rssKb = frame.mem.rssKb;
        this.maxRssKb = Math.max(this.maxRssKb, frame.mem.maxRssKb);
        if (this.state === "init") {
          this.state = "idle";
          this.settleInit?.({ ok: true, durationMs: performance.now() - this.spawnedAt });
          this.settleInit = undefined;
        }
        return;
      case "initError":
        this.initError = frame.error;
        return;
      case "done":
      case "fail": {
        this.rssKb = frame.mem.rssKb;
        this.maxRssKb = Math.max(this.maxRssKb, frame.mem.maxRssKb);
        // The worker is exiting: it must not be handed another invocation before its exit is seen.
        if (frame.t === "fail" && frame.fatal) this.killReason ??= "retire";
        const pending = this.pending;
        if (!pending || pending.id !== frame.id) return;
        pending.settle(
          frame.t === "done" ? { kind: "ok", payload: frame.payload } : { kind: "error", error: frame.error },
        );
        return;
      }
    }
  }

  private deathOutcome(): RunOutcome {
    if (this.killReason === "timeout") return { kind: "timeout" };
    if (this.killReason === "close") return { kind: "closed" };
    const outOfMemory =
      this.killReason === "oom" || /JavaScript heap out of memory|Reached heap limit/.test(this.stderrTail);
    return { kind: "exit", description: describeExit(this.exit?.code ?? null, this.exit?.signal ?? null), outOfMemory };
  }

  private finalize(): void {
    if (this.state === "dead") return;
    const wasInit = this.state === "init";
    this.state = "dead";
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (wasInit && this.settleInit) {
      const durationMs = performance.now() - this.spawnedAt;
      if (this.killReason === "init-timeout") {
        this.settleInit({ ok: false, durationMs, status: "timeout" });
      } else {
        const outcome = this.deathOutcome();
        const error: ErrorPayload =
          this.initError ??
          (outcome.kind === "exit"
            ? {
                errorType: outcome.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError",
                errorMessage: `Runtime exited with error: ${outcome.description}`,
              }
            : { errorType: "Runtime.ExitError", errorMessage: "Runtime exited without providing a reason" });
        this.settleInit({ ok: false, durationMs, status: "error", error });
      }
      this.settleInit = undefined;
    }
    this.pending?.settle(this.deathOutcome());
    this.markClosed?.();
    this.options.onDeath(this);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pools and the executor.

interface Lease {
  readonly sandbox: Sandbox;
  readonly cold: boolean;
}

interface Waiter {
  readonly grant: (lease: Lease) => void;
  readonly refuse: (error: Error) => void;
}

class FunctionPool {
  generation = 0;
  readonly sandboxes = new Set<Sandbox>();
  readonly idle: Sandbox[] = [];
  readonly queue: Waiter[] = [];
  invocations = 0;
  errors = 0;
  coldStarts = 0;
  timeouts = 0;
  crashes = 0;

  constructor(public spec: FunctionSpec) {}
}

export class FunctionExecutor implements Invoker {
  private readonly options: FunctionExecutorOptions;
  private readonly specs = new Map<string, FunctionSpec>();
  private readonly lookup: ((name: string) => FunctionSpec | undefined) | undefined;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly region: string;
  private readonly accountId: string;
  private readonly maxConcurrencyDefault: number;
  private readonly exitHook = () => this.killAllNow();
  private closing: Promise<void> | undefined;

  constructor(options: FunctionExecutorOptions) {
    this.options = options;
    if (typeof options.functions === "function") {
      this.lookup = options.functions;
    } else {
      for (const spec of options.functions) this.specs.set(spec.name, spec);
    }
    this.region = options.region ?? options.baseEnv?.AWS_REGION ?? "us-east-1";
    this.accountId = options.accountId ?? "000000000000";
    this.maxConcurrencyDefault = options.maxConcurrencyDefault ?? 10;
    process.once("exit", this.exitHook);
  }

  async invoke(functionName: string, payload: Buffer, options: { signal?: AbortSignal } = {}): Promise<InvokeResult> {
    if (this.closing) throw new ExecutorClosedError(`cannot invoke ${functionName}`);
    const spec = this.specFor(functionName);
    if (!spec) {
      throw new LambdaServiceError(
        "ResourceNotFoundException",
        `Function not found: ${this.functionArn(functionName)}`,
        404,
      );
    }
    if (payload.length > MAX_REQUEST_BYTES) {
      throw new LambdaServiceError(
        "RequestEntityTooLargeException",
        `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    const eventText = payload.length === 0 ? "{}" : payload.toString("utf8");
    try {
      JSON.parse(eventText);
    } catch (error) {
      throw new LambdaServiceError(
        "InvalidRequestContentException",
        `Could not parse request body into json: ${(error as Error).message}`,
        400,
        { cause: error },
      );
    }
    const pool = this.poolFor(spec);
    if (this.limitOf(pool.spec) <= 0) {
      throw new LambdaServiceError(
        "TooManyRequestsException",
        "Rate Exceeded. (Reason: ReservedFunctionConcurrentInvocationLimitExceeded)",
        429,
      );
    }
    const { signal } = options;
    if (signal?.aborted) throw new InvocationAbortedError(functionName, { cause: signal.reason });

    const requestId = randomUUID();
    const lease = await this.acquire(pool, signal);
    const run = this.run(pool, lease, requestId, eventText);
    if (!signal) return run;
    return new Promise<InvokeResult>((resolve, reject) => {
      const onAbort = () => reject(new InvocationAbortedError(functionName, { cause: signal.reason }));
      signal.addEventListener("abort", onAbort, { once: true });
      if (signal.aborted) onAbort();
      run.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Replaces a function's spec: idle workers are killed now, busy ones when their invocation ends. */
  reload(spec: FunctionSpec): void {
    // With a lookup, the lookup stays the source of truth (it is expected to return the new spec too).
    if (!this.lookup) this.specs.set(spec.name, spec);
    const pool = this.pools.get(spec.name);
    if (!pool) return;
    pool.spec = spec;
    pool.generation++;
    for (const sandbox of [...pool.idle]) this.retire(pool, sandbox);
    this.pump(pool);
  }

  /** Forgets a function: its queued invocations are refused and its workers killed. */
  remove(functionName: string): void {
    this.specs.delete(functionName);
    const pool = this.pools.get(functionName);
    if (!pool) return;
    this.pools.delete(functionName);
    pool.generation++;
    for (const waiter of pool.queue.splice(0)) {
      waiter.refuse(
        new LambdaServiceError(
          "ResourceNotFoundException",
          `Function not found: ${this.functionArn(functionName)}`,
          404,
        ),
      );
    }
    for (const sandbox of [...pool.idle]) this.retire(pool, sandbox);
  }

  stats(): Record<string, FunctionStats> {
    const result: Record<string, FunctionStats> = {};
    for (const [name, pool] of this.pools) {
      const live = [...pool.sandboxes].filter((sandbox) => sandbox.alive);
      result[name] = {
        workers: live.length,
        busy: live.filter((sandbox) => sandbox.leased).length,
        idle: live.filter((sandbox) => !sandbox.leased).length,
        queued: pool.queue.length,
        concurrencyLimit: this.limitOf(pool.spec),
        invocations: pool.invocations,
        errors: pool.errors,
        coldStarts: pool.coldStarts,
        timeouts: pool.timeouts,
        crashes: pool.crashes,
        sandboxes: live.map((sandbox) => ({
          pid: sandbox.pid,
          logStream: sandbox.logStream,
          state: sandbox.state === "init" ? "init" : sandbox.leased ? "busy" : "idle",
          invocations: sandbox.invocations,
          rssMb: Math.round(sandbox.currentRssKb() / MIB),
          maxRssMb: Math.round(sandbox.maxRssKb / MIB),
          startedAt: sandbox.startedAt,
        })),
      };
    }
    return result;
  }

  /** Kills every worker and waits until they are gone; queued and running invocations fail with ExecutorClosedError. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const sandboxes: Sandbox[] = [];
    for (const pool of this.pools.values()) {
      for (const waiter of pool.queue.splice(0)) waiter.refuse(new ExecutorClosedError("the invocation was queued"));
      for (const sandbox of pool.sandboxes) {
        sandbox.killReason ??= "close";
        sandbox.kill();
        sandboxes.push(sandbox);
      }
    }
    await Promise.all(sandboxes.map((sandbox) => sandbox.closed));
    process.removeListener("exit", this.exitHook);
  }

  private killAllNow(): void {
    for (const pool of this.pools.values()) for (const sandbox of pool.sandboxes) sandbox.kill();
  }

  private specFor(name: string): FunctionSpec | undefined {
    return this.specs.get(name) ?? this.lookup?.(name);
  }

  private poolFor(spec: FunctionSpec): FunctionPool {
    let pool = this.pools.get(spec.name);
    if (!pool) {
      pool = new FunctionPool(spec);
      this.pools.set(spec.name, pool);
    } else if (pool.spec !== spec && pool.spec.codeSha256 !== spec.codeSha256) {
      this.reload(spec);
    } else {
      pool.spec = spec;
    }
    return pool;
  }

  private limitOf(spec: FunctionSpec): number {
    return spec.reservedConcurrency ?? this.maxConcurrencyDefault;
  }

  private functionArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  // --- leasing ---------------------------------------------------------------------------------------------------

  private acquire(pool: FunctionPool, signal: AbortSignal | undefined): Promise<Lease> {
    if (pool.queue.length === 0) {
      const sandbox = this.takeIdle(pool);
      if (sandbox) return Promise.resolve({ sandbox, cold: false });
      if (pool.sandboxes.size < this.limitOf(pool.spec)) {
        try {
          return Promise.resolve({ sandbox: this.spawn(pool), cold: true });
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        const index = pool.queue.indexOf(waiter);
        if (index >= 0) pool.queue.splice(index, 1);
        reject(new InvocationAbortedError(pool.spec.name, { cause: signal?.reason }));
      };
      const waiter: Waiter = {
        grant: (lease) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(lease);
        },
        refuse: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      pool.queue.push(waiter);
    });
  }

  private takeIdle(pool: FunctionPool): Sandbox | undefined {
    for (;;) {
      const sandbox = pool.idle.pop();
      if (!sandbox) return undefined;
      if (sandbox.alive && sandbox.generation === pool.generation) {
        sandbox.leased = true;
        return sandbox;
      }
      this.retire(pool, sandbox);
    }
  }

  /** Hands idle or new workers to queued invocations, as far as the concurrency limit allows. */
  private pump(pool: FunctionPool): void {
    while (pool.queue.length > 0 && !this.closing) {
      const idle = this.takeIdle(pool);
      if (idle) {
        pool.queue.shift()?.grant({ sandbox: idle, cold: false });
        continue;
      }
      if (pool.sandboxes.size >= this.limitOf(pool.spec)) return;
      const waiter = pool.queue.shift();
      if (!waiter) return;
      try {
        waiter.grant({ sandbox: this.spawn(pool), cold: true });
      } catch (error) {
        waiter.refuse(error as Error);
      }
    }
  }

  private release(pool: FunctionPool, sandbox: Sandbox): void {
    sandbox.leased = false;
    sandbox.lines = undefined;
    if (!sandbox.alive) return; // its death already left the pool
    if (
      this.closing ||
      sandbox.generation !== pool.generation ||
      sandbox.killReason ||
      this.pools.get(pool.spec.name) !== pool
    ) {
      this.retire(pool, sandbox);
      return;
    }
    pool.idle.push(sandbox);
    this.pump(pool);
  }

  private retire(pool: FunctionPool, sandbox: Sandbox): void {
    const index = pool.idle.indexOf(sandbox);
    if (index >= 0) pool.idle.splice(index, 1);
    pool.sandboxes.delete(sandbox);
    sandbox.killReason ??= "retire";
    sandbox.kill();
  }

  private onDeath(pool: FunctionPool, sandbox: Sandbox): void {
    const index = pool.idle.indexOf(sandbox);
    if (index >= 0) pool.idle.splice(index, 1);
    pool.sandboxes.delete(sandbox);
    this.pump(pool);
  }

  private spawn(pool: FunctionPool): Sandbox {
    const spec = pool.spec;
    const nodeBinary = this.nodeBinaryFor(spec);
    const workerScript = ensureWorkerScript(this.options.runDir);
    const logStream = newLogStreamName();
    const sandbox = new Sandbox({
      spec,
      generation: pool.generation,
      nodeBinary,
      workerScript,
      env: this.workerEnv(spec, logStream, nodeBinary, workerScript),
      logStream,
      enforceMemoryLimit: this.options.enforceMemoryLimit ?? true,
      emit: (target, message, timestamp) => this.emit(target, message, timestamp),
      onDeath: (target) => this.onDeath(pool, target),
    });
    pool.sandboxes.add(sandbox);
    pool.coldStarts++;
    return sandbox;
  }

  private nodeBinaryFor(spec: FunctionSpec): string {
    const major = /^nodejs(\d+)\.x$/.exec(spec.runtime)?.[1];
    if (!major) {
      throw new LambdaServiceError(
        "InvalidRuntimeException",
        `${spec.name}: runtime ${spec.runtime} is not supported locally (only nodejs<major>.x)`,
        502,
      );
    }
    const configured = this.options.nodeBinaries?.[major];
    if (configured) return configured;
    if (majorOf(process.versions.node) === major) return process.execPath;
    const fromNpm = npmNodeBinary(major);
    if (fromNpm) return fromNpm;
    throw new LambdaServiceError(
      "InvalidRuntimeException",
      `${spec.name}: runtime ${spec.runtime} needs a Node.js ${major} binary, and this is Node.js ` +
        `${process.versions.node}. Install one with \`npm install --save-dev node@${major}\`, or run on Node.js ${major}.`,
      502,
    );
  }

  /** AWS Lambda's environment: the reserved variables win over the function's own, which win over baseEnv. */
  private workerEnv(
    spec: FunctionSpec,
    logStream: string,
    nodeBinary: string,
    workerScript: string,
  ): Record<string, string> {
    const env: Record<string, string> = {};
    const path = [dirname(nodeBinary), process.env.PATH].filter((part) => part).join(delimiter);
    env.PATH = path;
    for (const [key, value] of Object.entries(this.options.baseEnv ?? {})) {
      if (value !== undefined) env[key] = value;
    }
    Object.assign(env, spec.environment);
    const base = this.options.baseEnv ?? {};
    const reserved: Record<string, string | undefined> = {
      _HANDLER: spec.handler,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_ACCESS_KEY_ID: base.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: base.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: base.AWS_SESSION_TOKEN,
      LAMBDA_TASK_ROOT: spec.codeDir,
      LAMBDA_RUNTIME_DIR: dirname(workerScript),
      NODE_PATH: nodePath(spec),
      TZ: ":UTC",
      LANG: "en_US.UTF-8",
      [TELEMETRY_FD_ENV]: String(TELEMETRY_FD),
    };
    for (const [key, value] of Object.entries(reserved)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    return env;
  }

  private emit(sandbox: Sandbox, message: string, timestamp = Date.now()): void {
    sandbox.lines?.push(message);
    try {
      this.options.logSink.write(sandbox.spec, sandbox.logStream, { timestamp, message });
    } catch (error) {
      process.emitWarning(new Error(`the Lambda log sink failed for ${sandbox.spec.name}`, { cause: error }));
    }
  }

  // --- one invocation --------------------------------------------------------------------------------------------

  private async run(pool: FunctionPool, lease: Lease, requestId: string, eventText: string): Promise<InvokeResult> {
    const { sandbox, cold } = lease;
    try {
      return await this.runOn(pool, sandbox, cold, requestId, eventText);
    } finally {
      this.release(pool, sandbox);
    }
  }

  private async runOn(
    pool: FunctionPool,
    sandbox: Sandbox,
    cold: boolean,
    requestId: string,
    eventText: string,
  ): Promise<InvokeResult> {
    const spec = sandbox.spec;
    // A cold start's tail includes its init logs, which the sandbox has been collecting.
    const lines = cold ? (sandbox.lines ?? []) : [];
    sandbox.lines = lines;
    pool.invocations++;
    const emit = (message: string) => this.emit(sandbox, message);
    const timeoutMs = spec.timeoutSeconds * 1000;
    const timedOutMessage = `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`;

    let initDurationMs: number | undefined;
    if (cold) {
      const init = await sandbox.ready;
      initDurationMs = init.durationMs;
      if (!init.ok) {
        if (this.closing) throw new ExecutorClosedError(`the invocation of ${spec.name} was starting`);
        // AWS retries a failed init inside the invocation; its time is the invocation's duration.
        const error: ErrorPayload =
          init.status === "timeout"
            ? { errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: ${timedOutMessage}` }
            : (init.error ?? { errorType: "Runtime.Unknown", errorMessage: "Unknown application error occurred" });
        const statusText =
          init.status === "timeout" ? "\tStatus: timeout" : `\tStatus: error\tError Type: ${error.errorType}`;
        emit(`INIT_REPORT Init Duration: ${init.durationMs.toFixed(2)} ms\tPhase: init${statusText}`);
        emit(`START RequestId: ${requestId} Version: $LATEST`);
        if (init.status === "timeout") emit(`${new Date().toISOString()} ${requestId} ${timedOutMessage}`);
        pool.errors++;
        if (init.status === "timeout") pool.timeouts++;
        else pool.crashes++;
        return this.finish(sandbox, lines, {
          requestId,
          payload: errorPayloadBuffer(error),
          functionError: "Unhandled",
          durationMs: init.durationMs,
          statusText,
        });
      }
    }

    emit(`START RequestId: ${requestId} Version: $LATEST`);
    const started = performance.now();
    const outcome = await sandbox.invoke(
      {
        t: "invoke",
        id: requestId,
        event: eventText,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: this.functionArn(spec.name),
        traceId: newTraceId(),
      },
      timeoutMs,
    );
    const durationMs = performance.now() - started;

    switch (outcome.kind) {
      case "ok":
        return this.finish(sandbox, lines, {
          requestId,
          payload: Buffer.from(outcome.payload, "utf8"),
          durationMs,
          initDurationMs,
        });
      case "error":
        pool.errors++;
        return this.finish(sandbox, lines, {
          requestId,
          payload: errorPayloadBuffer(outcome.error),
          functionError: "Unhandled",
          durationMs,
          initDurationMs,
        });
      case "timeout":
        pool.errors++;
        pool.timeouts++;
        emit(`${new Date().toISOString()} ${requestId} ${timedOutMessage}`);
        return this.finish(sandbox, lines, {
          requestId,
          payload: errorPayloadBuffer({
            errorType: "Sandbox.Timedout",
            errorMessage: `RequestId: ${requestId} Error: ${timedOutMessage}`,
          }),
          functionError: "Unhandled",
          durationMs: Math.min(durationMs, timeoutMs),
          initDurationMs,
          statusText: "\tStatus: timeout",
        });
      case "exit": {
        pool.errors++;
        pool.crashes++;
        const errorType = outcome.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
        const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: ${outcome.description}`;
        emit(`${errorMessage}\n${errorType}`);
        return this.finish(sandbox, lines, {
          requestId,
          payload: errorPayloadBuffer({ errorType, errorMessage }),
          functionError: "Unhandled",
          durationMs,
          initDurationMs,
          statusText: `\tStatus: error\tError Type: ${errorType}`,
        });
      }
      case "closed":
        throw new ExecutorClosedError(`the invocation of ${spec.name} was running`);
    }
  }

  /** Emits END and REPORT and assembles the result. */
  private finish(
    sandbox: Sandbox,
    lines: string[],
    outcome: {
      requestId: string;
      payload: Buffer;
      functionError?: "Unhandled";
      durationMs: number;
      initDurationMs?: number;
      /** Appended to REPORT, e.g. "\tStatus: timeout"; none: REPORT ends with a tab, as AWS's does. */
      statusText?: string;
    },
  ): InvokeResult {
    const spec = sandbox.spec;
    const { requestId, durationMs, initDurationMs } = outcome;
    // Since August 2025 the Init phase of on-demand ZIP functions is billed too.
    const billedDurationMs = Math.ceil(durationMs + (initDurationMs ?? 0));
    const maxMemoryUsedMb = Math.min(spec.memoryMb, Math.max(1, Math.ceil(sandbox.maxRssKb / MIB)));
    const initText = initDurationMs !== undefined ? `\tInit Duration: ${initDurationMs.toFixed(2)} ms` : "";
    this.emit(sandbox, `END RequestId: ${requestId}`);
    this.emit(
      sandbox,
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedDurationMs} ms\t` +
        `Memory Size: ${spec.memoryMb} MB\tMax Memory Used: ${maxMemoryUsedMb} MB${initText}${outcome.statusText ?? "\t"}`,
    );
    return {
      requestId,
      payload: outcome.payload,
      ...(outcome.functionError ? { functionError: outcome.functionError } : {}),
      logTail: lastBytes(`${lines.join("\n")}\n`, LOG_TAIL_BYTES),
      durationMs,
      billedDurationMs,
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
      maxMemoryUsedMb,
    };
  }
}

/**
 * Lambda's Node.js NODE_PATH (`/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:…:/var/task`),
 * with each layer's directory standing in for /opt; a later layer wins, as when Lambda extracts it on top.
 */
export function nodePath(spec: Pick<FunctionSpec, "codeDir" | "layerDirs" | "runtime">): string {
  const major = /^nodejs(\d+)/.exec(spec.runtime)?.[1];
  const opt = [...spec.layerDirs]
    .reverse()
    .flatMap((dir) => [
      ...(major ? [join(dir, "nodejs", `node${major}`, "node_modules")] : []),
      join(dir, "nodejs", "node_modules"),
    ]);
  return [...opt, spec.codeDir].join(delimiter);
}
