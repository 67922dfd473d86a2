/**
 * The warm workers of one function, as Lambda keeps execution environments: an idle one is reused, a new one is
 * started while the function's concurrency allows, and otherwise the invocation waits in a FIFO queue. A reload
 * bumps the generation so that older workers retire instead of serving again. Generic over the worker, so that the
 * accounting is testable without processes.
 */
import type { FunctionSpec } from "../types";
import { InvocationAbortedError } from "./errors";
import { Tallies } from "./outcome";
import type { SandboxStats } from "./sandbox";

/** What the pool needs of a worker. */
export interface PooledWorker {
  readonly alive: boolean;
  readonly generation: number;
  /** Leased to an invocation (from the lease until release). */
  leased: boolean;
  /** Marked to die: never handed out again. */
  readonly doomed: boolean;
  kill(reason: "retire" | "close"): void;
  describe(): SandboxStats;
}

export interface Lease<W> {
  readonly sandbox: W;
  /** A new worker: the invocation waits for its Init phase. */
  readonly cold: boolean;
}

interface Waiter<W> {
  readonly grant: (lease: Lease<W>) => void;
  readonly refuse: (error: Error) => void;
}

export interface WorkerPoolHost<W extends PooledWorker> {
  /** Starts a worker for the pool's current spec and generation (leased). */
  readonly spawn: (pool: WorkerPool<W>) => W;
  /** The executor is closing: no worker is handed out or kept any more. */
  readonly isClosing: () => boolean;
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

export class WorkerPool<W extends PooledWorker> {
  generation = 0;
  readonly tallies = new Tallies();
  private readonly workers = new Set<W>();
  private readonly idle: W[] = [];
  private readonly queue: Waiter<W>[] = [];
  private removed = false;

  constructor(
    public spec: FunctionSpec,
    /** Workers when the function has no reserved concurrency. */
    private readonly defaultLimit: number,
    private readonly host: WorkerPoolHost<W>,
  ) {}

  /** The function's concurrency: its reserved concurrency, else the default. */
  get limit(): number {
    return this.spec.reservedConcurrency ?? this.defaultLimit;
  }

  /** Workers running an invocation now (ConcurrentExecutions). */
  get busy(): number {
    let busy = 0;
    for (const sandbox of this.workers) if (sandbox.alive && sandbox.leased) busy++;
    return busy;
  }

  /** Every worker, alive or on its way out. */
  get sandboxes(): ReadonlySet<W> {
    return this.workers;
  }

  /** A worker for one invocation: idle, new, or the next to free up (an abort takes the invocation off the queue). */
  acquire(signal: AbortSignal | undefined): Promise<Lease<W>> {
    if (this.queue.length === 0) {
      const sandbox = this.takeIdle();
      if (sandbox) return Promise.resolve({ sandbox, cold: false });
      if (this.workers.size < this.limit) {
        try {
          return Promise.resolve({ sandbox: this.spawn(), cold: true });
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    return new Promise<Lease<W>>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new InvocationAbortedError(this.spec.name, { cause: signal?.reason }));
      };
      const waiter: Waiter<W> = {
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
      this.queue.push(waiter);
    });
  }

  /** The invocation is over: the worker serves the queue, waits idle, or retires if it is stale or doomed. */
  release(sandbox: W): void {
    sandbox.leased = false;
    if (!sandbox.alive) return; // its death already left the pool
    if (this.host.isClosing() || this.removed || sandbox.generation !== this.generation || sandbox.doomed) {
      this.retire(sandbox);
      return;
    }
    this.idle.push(sandbox);
    this.pump();
  }

  /** A worker died: it leaves the pool, and its slot may start a worker for the queue. */
  onDeath(sandbox: W): void {
    this.forget(sandbox);
    this.pump();
  }

  /** New code or configuration: idle workers retire now, busy ones when their invocation ends. */
  reload(spec: FunctionSpec): void {
    this.spec = spec;
    this.generation++;
    for (const sandbox of [...this.idle]) this.retire(sandbox);
    this.pump();
  }

  /** The function is gone: queued invocations are refused with `error`, idle workers retire, busy ones later. */
  remove(error: Error): void {
    this.removed = true;
    this.generation++;
    for (const waiter of this.queue.splice(0)) waiter.refuse(error);
    for (const sandbox of [...this.idle]) this.retire(sandbox);
  }

  /** Refuses the queue with `error` and kills every worker; returns them, to wait for their end. */
  close(error: Error): W[] {
    for (const waiter of this.queue.splice(0)) waiter.refuse(error);
    const sandboxes = [...this.workers];
    for (const sandbox of sandboxes) sandbox.kill("close");
    return sandboxes;
  }

  stats(): FunctionStats {
    const live = [...this.workers].filter((sandbox) => sandbox.alive);
    const { invocations, errors, coldStarts, timeouts, crashes } = this.tallies;
    return {
      workers: live.length,
      busy: live.filter((sandbox) => sandbox.leased).length,
      idle: live.filter((sandbox) => !sandbox.leased).length,
      queued: this.queue.length,
      concurrencyLimit: this.limit,
      invocations,
      errors,
      coldStarts,
      timeouts,
      crashes,
      sandboxes: live.map((sandbox) => sandbox.describe()),
    };
  }

  private spawn(): W {
    const sandbox = this.host.spawn(this);
    this.workers.add(sandbox);
    this.tallies.coldStarts++;
    return sandbox;
  }

  private takeIdle(): W | undefined {
    for (;;) {
      const sandbox = this.idle.pop();
      if (!sandbox) return undefined;
      if (sandbox.alive && sandbox.generation === this.generation) {
        sandbox.leased = true;
        return sandbox;
      }
      this.retire(sandbox);
    }
  }

  /** Hands idle or new workers to queued invocations, as far as the concurrency limit allows. */
  private pump(): void {
    while (this.queue.length > 0 && !this.host.isClosing()) {
      const idle = this.takeIdle();
      if (idle) {
        this.queue.shift()?.grant({ sandbox: idle, cold: false });
        continue;
      }
      if (this.workers.size >= this.limit) return;
      const waiter = this.queue.shift();
      if (!waiter) return;
      try {
        waiter.grant({ sandbox: this.spawn(), cold: true });
      } catch (error) {
        waiter.refuse(error as Error);
      }
    }
  }

  private retire(sandbox: W): void {
    this.forget(sandbox);
    sandbox.kill("retire");
  }

  private forget(sandbox: W): void {
    const index = this.idle.indexOf(sandbox);
    if (index >= 0) this.idle.splice(index, 1);
    this.workers.delete(sandbox);
  }
}
