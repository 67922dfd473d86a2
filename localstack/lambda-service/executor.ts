/**
 * Runs Lambda handlers locally with AWS Lambda's semantics: per function a pool of warm worker processes
 * ("sandboxes", one invocation at a time each), at most the reserved concurrency of them, a FIFO queue for the
 * rest, cold starts with Init Duration, timeouts, crashes and out-of-memory reported as Lambda reports them, and
 * every log line (START/END/REPORT included) handed to a {@link LogSink} as it happens.
 *
 * This is the public entry of the runtime: it wires the parts in ./runtime/ together (the pool of a function, the
 * sandbox of a worker process, the invocation's log and result, the Node.js binary and the worker's environment).
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
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type FunctionMetrics, NO_FUNCTION_METRICS } from "./metrics/recorder";
import { ExecutorClosedError, InvocationAbortedError, LambdaServiceError } from "./runtime/errors";
import { newLogStreamName } from "./runtime/ids";
import { runInvocation } from "./runtime/invocation";
import { ensureWorkerScript, HOST_NODE_SOURCES, selectNodeBinary, type WorkerBootstrap } from "./runtime/node-runtime";
import { platformLines } from "./runtime/platform-log";
import { eventTextOf } from "./runtime/request";
import { Sandbox } from "./runtime/sandbox";
import { workerEnv } from "./runtime/worker-env";
import { type FunctionStats, type Lease, WorkerPool } from "./runtime/worker-pool";
import type { FunctionSpec, InvokeOptions, InvokeResult, Invoker, LogSink, ResponseStreamSink } from "./types";

export { ExecutorClosedError, InvocationAbortedError, LambdaServiceError } from "./runtime/errors";
export { MAX_REQUEST_BYTES } from "./runtime/request";
export type { SandboxStats } from "./runtime/sandbox";

export type { FunctionStats } from "./runtime/worker-pool";

/** The worker's entry sits next to this file; a bundle of this file finds the compiled bootstrap next to itself. */
const WORKER_BOOTSTRAP: WorkerBootstrap = {
  source: join(__dirname, "worker.ts"),
  prebuilt: join(__dirname, "lambda-worker.js"),
};

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
  /** Receives Invocations, Errors, Duration, ConcurrentExecutions and Throttles. Default: none. */
  readonly metrics?: FunctionMetrics;
}

export class FunctionExecutor implements Invoker {
  private readonly options: FunctionExecutorOptions;
  private readonly specs = new Map<string, FunctionSpec>();
  private readonly lookup: ((name: string) => FunctionSpec | undefined) | undefined;
  private readonly pools = new Map<string, WorkerPool<Sandbox>>();
  private readonly region: string;
  private readonly accountId: string;
  private readonly maxConcurrencyDefault: number;
  private readonly metrics: FunctionMetrics;
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
    this.metrics = options.metrics ?? NO_FUNCTION_METRICS;
    process.once("exit", this.exitHook);
  }

  /**
   * Runs one invocation (a string payload is JSON the service rendered itself: see Invoker). With `options.stream`, a streamified handler's chunks reach the sink as they are written
   * (the result then has an empty payload); a timeout, crash or error mid-stream ends the stream, and the result
   * says which, as for any invocation.
   */
  async invoke(functionName: string, payload: Buffer | string, options: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.closing) throw new ExecutorClosedError(`cannot invoke ${functionName}`);
    const spec = this.specFor(functionName);
    if (!spec) throw this.notFound(functionName);
    const eventText = eventTextOf(payload);
    const pool = this.poolFor(spec);
    if (pool.limit <= 0) {
      // The one throttle the executor answers (beyond the limit it queues): counted as AWS counts Throttles.
      this.metrics.record(functionName, "Throttles", 1);
      throw new LambdaServiceError(
        "TooManyRequestsException",
        "Rate Exceeded. (Reason: ReservedFunctionConcurrentInvocationLimitExceeded)",
        429,
      );
    }
    const { signal } = options;
    if (signal?.aborted) throw new InvocationAbortedError(functionName, { cause: signal.reason });

    const requestId = options.requestId ?? randomUUID();
    const lease = await pool.acquire(signal);
    const run = this.run(pool, lease, requestId, eventText, options.stream);
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
    this.pools.get(spec.name)?.reload(spec);
  }

  /** Forgets a function: its queued invocations are refused and its workers killed. */
  remove(functionName: string): void {
    this.specs.delete(functionName);
    const pool = this.pools.get(functionName);
    if (!pool) return;
    this.pools.delete(functionName);
    pool.remove(this.notFound(functionName));
  }

  stats(): Record<string, FunctionStats> {
    const result: Record<string, FunctionStats> = {};
    for (const [name, pool] of this.pools) result[name] = pool.stats();
    return result;
  }

  /** Kills every worker and waits until they are gone; queued and running invocations fail with ExecutorClosedError. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const sandboxes = [...this.pools.values()].flatMap((pool) =>
      pool.close(new ExecutorClosedError("the invocation was queued")),
    );
    await Promise.all(sandboxes.map((sandbox) => sandbox.closed));
    process.removeListener("exit", this.exitHook);
  }

  private killAllNow(): void {
    for (const pool of this.pools.values()) for (const sandbox of pool.sandboxes) sandbox.kill();
  }

  private specFor(name: string): FunctionSpec | undefined {
    return this.specs.get(name) ?? this.lookup?.(name);
  }

  private poolFor(spec: FunctionSpec): WorkerPool<Sandbox> {
    let pool = this.pools.get(spec.name);
    if (!pool) {
      pool = new WorkerPool<Sandbox>(spec, this.maxConcurrencyDefault, {
        spawn: (target) => this.spawn(target),
        isClosing: () => this.closing !== undefined,
      });
      this.pools.set(spec.name, pool);
    } else if (pool.spec !== spec && pool.spec.codeSha256 !== spec.codeSha256) {
      this.reload(spec);
    } else {
      pool.spec = spec;
    }
    return pool;
  }

  private functionArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  private notFound(functionName: string): LambdaServiceError {
    return new LambdaServiceError(
      "ResourceNotFoundException",
      `Function not found: ${this.functionArn(functionName)}`,
      404,
    );
  }

  private spawn(pool: WorkerPool<Sandbox>): Sandbox {
    const spec = pool.spec;
    const nodeBinary = selectNodeBinary(spec, { ...HOST_NODE_SOURCES, configured: this.options.nodeBinaries });
    const workerScript = ensureWorkerScript(this.options.runDir, WORKER_BOOTSTRAP);
    const logStream = newLogStreamName();
    const env = workerEnv({
      spec,
      logStream,
      nodeBinary,
      workerScript,
      region: this.region,
      baseEnv: this.options.baseEnv ?? {},
      hostPath: process.env.PATH,
    });
    const sandbox = new Sandbox({
      spec,
      generation: pool.generation,
      nodeBinary,
      workerScript,
      env,
      logStream,
      enforceMemoryLimit: this.options.enforceMemoryLimit ?? true,
      emit: (target, message, timestamp) => this.emit(target, message, timestamp),
      onDeath: (target) => pool.onDeath(target),
    });
    // Before anything the worker writes: its output reaches us on a later turn of the event loop.
    for (const line of platformLines(spec.logging, { kind: "initStart", functionName: spec.name }, new Date())) {
      this.emit(sandbox, line);
    }
    return sandbox;
  }

  private emit(sandbox: Sandbox, message: string, timestamp = Date.now()): void {
    sandbox.lines?.push(message);
    try {
      this.options.logSink.write(sandbox.spec, sandbox.logStream, { timestamp, message });
    } catch (error) {
      process.emitWarning(new Error(`the Lambda log sink failed for ${sandbox.spec.name}`, { cause: error }));
    }
  }

  private async run(
    pool: WorkerPool<Sandbox>,
    lease: Lease<Sandbox>,
    requestId: string,
    eventText: string,
    sink: ResponseStreamSink | undefined,
  ): Promise<InvokeResult> {
    const { sandbox, cold } = lease;
    const startedAt = Date.now();
    const name = sandbox.spec.name;
    // AWS stamps invocation metrics with the invocation's start.
    this.metrics.record(name, "ConcurrentExecutions", pool.busy, startedAt);
    try {
      const result = await runInvocation({
        sandbox,
        cold,
        requestId,
        eventText,
        invokedFunctionArn: this.functionArn(sandbox.spec.name),
        tallies: pool.tallies,
        emit: (message) => this.emit(sandbox, message),
        isClosing: () => this.closing !== undefined,
        ...(sink ? { sink } : {}),
      });
      this.metrics.record(name, "Invocations", 1, startedAt);
      this.metrics.record(name, "Errors", result.functionError ? 1 : 0, startedAt);
      this.metrics.record(name, "Duration", result.durationMs, startedAt);
      return result;
    } finally {
      sandbox.lines = undefined;
      pool.release(sandbox);
    }
  }
}
