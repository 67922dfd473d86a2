/**
 * One sandbox: a worker process and its invocations, one at a time. It spawns the process, reads its frames and
 * raw output, samples its memory (Linux) and kills it at the timeout or over the memory size, as Lambda's cgroup
 * does, and turns its death into the outcome Lambda reports. Which invocation runs where is the pool's business.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import type { FunctionSpec, ResponseStreamSink } from "../types";
import { LambdaServiceError } from "./errors";
import { describeExit, isHeapExhaustion } from "./exit";
import { logText, readLines } from "./line-splitter";
import { workerArgs } from "./node-runtime";
import type { InitOutcome, RunOutcome } from "./outcome";
import { type ProcMemory, readProcMemory } from "./proc-status";
import {
  type ErrorPayload,
  type InvokeMessage,
  KIB_PER_MIB,
  MAX_RESPONSE_BYTES,
  type MemorySample,
  responseTooLarge,
  TELEMETRY_FD,
  type WorkerFrame,
} from "./protocol";

/** The Init phase may take 10 s; AWS then retries it within the invocation, under the function's timeout. */
const INIT_LIMIT_MS = 10_000;
/** How often a busy worker's RSS is sampled (Linux). */
const MEMORY_SAMPLE_MS = 100;
/** How long to wait for the pipes to drain after the exit (a grandchild may hold them). */
const DRAIN_AFTER_EXIT_MS = 2000;

/**
 * A streamified handler invoked without a sink is buffered, as AWS buffers it: the chunks are the payload, under the
 * synchronous response limit.
 */
function streamedResult(pending: Pending, payload: string): RunOutcome {
  if (!pending.streamed) return { kind: "ok", payload };
  if (pending.sink) return { kind: "ok", payload: Buffer.alloc(0) };
  if (pending.bufferedBytes > MAX_RESPONSE_BYTES) return { kind: "error", error: responseTooLarge() };
  return { kind: "ok", payload: Buffer.concat(pending.chunks) };
}

export type KillReason = "timeout" | "init-timeout" | "oom" | "close" | "retire";

export interface SandboxStats {
  readonly pid: number;
  readonly logStream: string;
  readonly state: "init" | "idle" | "busy";
  readonly invocations: number;
  readonly rssMb: number;
  readonly maxRssMb: number;
  readonly startedAt: number;
}

export interface SandboxOptions {
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
  /** Where a streamed response goes as it comes; without one its chunks are kept for the payload. */
  readonly sink: ResponseStreamSink | undefined;
  /** The handler opened a response stream. */
  streamed: boolean;
  readonly chunks: Buffer[];
  bufferedBytes: number;
}

export class Sandbox {
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
    try {
      this.child = spawn(options.nodeBinary, workerArgs(this.spec.memoryMb, options.workerScript), {
        cwd: this.spec.codeDir,
        env: options.env,
        stdio: ["ignore", "pipe", "pipe", "ipc", "pipe"],
        // V8's serializer: the event (JSON text) crosses as the string it is; the default JSON channel would encode
        // it a second time (escaping every quote) and the worker would parse it twice.
        serialization: "advanced",
        detached: process.platform !== "win32",
        windowsHide: true,
      });
    } catch (error) {
      throw new LambdaServiceError("ServiceException", `could not start a worker for ${this.spec.name}`, 500, {
        cause: error,
      });
    }
    // spawn reports ENOENT and the like asynchronously; the 'error' listener below finalises.
    this.pid = this.child.pid ?? -1;
    this.watchChild();
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

  /** Marked to die (timeout, out of memory, retirement, close): it must not be handed another invocation. */
  get doomed(): boolean {
    return this.killReason !== undefined;
  }

  /** Sends one invocation; resolves with how it ended. The timeout runs from now. */
  invoke(message: InvokeMessage, timeoutMs: number, sink?: ResponseStreamSink): Promise<RunOutcome> {
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
        sink,
        streamed: false,
        chunks: [],
        bufferedBytes: 0,
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

  /** SIGKILLs the worker and everything it spawned; a reason, if given, is kept unless one is already set. */
  kill(reason?: KillReason): void {
    if (reason) this.killReason ??= reason;
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
    return this.procMemory()?.rssKb ?? this.rssKb;
  }

  describe(): SandboxStats {
    return {
      pid: this.pid,
      logStream: this.logStream,
      state: this.state === "init" ? "init" : this.leased ? "busy" : "idle",
      invocations: this.invocations,
      rssMb: Math.round(this.currentRssKb() / KIB_PER_MIB),
      maxRssMb: Math.round(this.maxRssKb / KIB_PER_MIB),
      startedAt: this.startedAt,
    };
  }

  private watchChild(): void {
    const child = this.child;
    child.on("error", (error) => {
      this.stderrTail += `\n${error.message}`;
      this.options.emit(this, `Error: could not run the worker process: ${error.message}`);
      if (this.pid === -1) this.finalize();
    });
    const telemetry = child.stdio[TELEMETRY_FD] as Readable | null;
    if (telemetry) readLines(telemetry, (line) => this.onFrame(line));
    if (child.stdout) readLines(child.stdout, (line) => this.onRawLine(line));
    if (child.stderr) {
      readLines(child.stderr, (line) => {
        this.stderrTail = `${this.stderrTail}\n${line}`.slice(-8192);
        this.onRawLine(line);
      });
    }
    child.on("exit", (code, signal) => {
      this.exit = { code, signal };
      this.later(() => this.finalize(), DRAIN_AFTER_EXIT_MS);
    });
    child.on("close", (code, signal) => {
      this.exit ??= { code, signal };
      this.finalize();
    });
  }

  private procMemory(): ProcMemory | undefined {
    return this.state === "dead" ? undefined : readProcMemory(this.pid);
  }

  private sampleMemory(): NodeJS.Timeout | undefined {
    if (process.platform !== "linux") return undefined;
    const limitKb = this.spec.memoryMb * KIB_PER_MIB;
    const sample = () => {
      const memory = this.procMemory();
      if (!memory) return;
      this.rssKb = memory.rssKb;
      this.maxRssKb = Math.max(this.maxRssKb, memory.hwmKb);
      if (this.options.enforceMemoryLimit && memory.rssKb > limitKb && !this.killReason) {
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

  /** Output that bypassed the worker's patched streams (native code, V8's fatal errors): one event a line. */
  private onRawLine(line: string): void {
    const text = logText(line);
    if (text !== undefined) this.options.emit(this, text);
  }

  private remember(mem: MemorySample): void {
    this.rssKb = mem.rssKb;
    this.maxRssKb = Math.max(this.maxRssKb, mem.maxRssKb);
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
        this.remember(frame.mem);
        if (this.state === "init") {
          this.state = "idle";
          this.settleInit?.({ ok: true, durationMs: performance.now() - this.spawnedAt });
          this.settleInit = undefined;
        }
        return;
      case "initError":
        this.initError = frame.error;
        return;
      case "streamStart":
      case "chunk":
        this.onStreamFrame(frame);
        return;
      case "done":
      case "fail": {
        this.remember(frame.mem);
        // The worker is exiting: it must not be handed another invocation before its exit is seen.
        if (frame.t === "fail" && frame.fatal) this.killReason ??= "retire";
        const pending = this.pending;
        if (!pending || pending.id !== frame.id) return;
        pending.settle(
          frame.t === "done" ? streamedResult(pending, frame.payload) : { kind: "error", error: frame.error },
        );
        return;
      }
    }
  }

  /** A streamed response's start or chunk: to the sink as it comes, else kept for the payload. */
  private onStreamFrame(frame: Extract<WorkerFrame, { t: "streamStart" | "chunk" }>): void {
    const pending = this.pending;
    if (!pending || pending.id !== frame.id) return;
    if (frame.t === "streamStart") {
      pending.streamed = true;
      pending.sink?.start(frame.contentType);
      return;
    }
    const data = Buffer.from(frame.data, "base64");
    if (pending.sink) {
      pending.sink.chunk(data);
    } else if (pending.bufferedBytes <= MAX_RESPONSE_BYTES) {
      pending.bufferedBytes += data.length;
      pending.chunks.push(data);
    }
  }

  private deathOutcome(): RunOutcome {
    if (this.killReason === "timeout") return { kind: "timeout" };
    if (this.killReason === "close") return { kind: "closed" };
    const outOfMemory = this.killReason === "oom" || isHeapExhaustion(this.stderrTail);
    return { kind: "exit", description: describeExit(this.exit?.code ?? null, this.exit?.signal ?? null), outOfMemory };
  }

  /** How a death during init reads: the worker's own init error, else its exit. */
  private initFailure(): InitOutcome {
    const durationMs = performance.now() - this.spawnedAt;
    if (this.killReason === "init-timeout") return { ok: false, durationMs, status: "timeout" };
    const outcome = this.deathOutcome();
    const error: ErrorPayload =
      this.initError ??
      (outcome.kind === "exit"
        ? {
            errorType: outcome.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError",
            errorMessage: `Runtime exited with error: ${outcome.description}`,
          }
        : { errorType: "Runtime.ExitError", errorMessage: "Runtime exited without providing a reason" });
    return { ok: false, durationMs, status: "error", error };
  }

  private finalize(): void {
    if (this.state === "dead") return;
    const wasInit = this.state === "init";
    this.state = "dead";
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (wasInit && this.settleInit) {
      this.settleInit(this.initFailure());
      this.settleInit = undefined;
    }
    this.pending?.settle(this.deathOutcome());
    this.markClosed?.();
    this.options.onDeath(this);
  }
}
