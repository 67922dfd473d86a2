/** A function's pool with fake workers: leasing, the queue, the concurrency limit, retirement and the counters. */
import { ExecutorClosedError, InvocationAbortedError } from "#local/lambda-service/runtime/errors";
import type { SandboxStats } from "#local/lambda-service/runtime/sandbox";
import { type PooledWorker, WorkerPool } from "#local/lambda-service/runtime/worker-pool";
import type { FunctionSpec } from "#local/lambda-service/types";

class FakeWorker implements PooledWorker {
  alive = true;
  leased = true;
  killedFor: "retire" | "close" | undefined;

  constructor(
    readonly id: number,
    readonly generation: number,
  ) {}

  get doomed(): boolean {
    return this.killedFor !== undefined;
  }

  kill(reason: "retire" | "close"): void {
    this.killedFor ??= reason;
  }

  describe(): SandboxStats {
    return {
      pid: this.id,
      logStream: `stream-${this.id}`,
      state: "idle",
      invocations: 0,
      rssMb: 0,
      maxRssMb: 0,
      startedAt: 0,
    };
  }
}

function spec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name: "fn",
    stackName: "stack",
    logicalId: "Fn",
    handler: "index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    codeDir: "/code",
    layerDirs: [],
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    logGroup: "/aws/lambda/fn",
    logging: { format: "Text" },
    codeSha256: "v1",
    ...overrides,
  };
}

function newPool(overrides: Partial<FunctionSpec> = {}, defaultLimit = 10) {
  const spawned: FakeWorker[] = [];
  let closing = false;
  const pool: WorkerPool<FakeWorker> = new WorkerPool<FakeWorker>(spec(overrides), defaultLimit, {
    spawn: (target) => {
      const worker = new FakeWorker(spawned.length + 1, target.generation);
      spawned.push(worker);
      return worker;
    },
    isClosing: () => closing,
  });
  return { pool, spawned, close: () => (closing = true) };
}

describe("WorkerPool", () => {
  it("starts a worker for a cold invocation and reuses it warm after release", async () => {
    const { pool, spawned } = newPool();
    const first = await pool.acquire(undefined);
    expect(first).toEqual({ sandbox: spawned[0], cold: true });
    pool.release(first.sandbox);
    const second = await pool.acquire(undefined);
    expect(second).toEqual({ sandbox: spawned[0], cold: false });
    expect(spawned).toHaveLength(1);
    expect(pool.stats()).toMatchObject({ workers: 1, busy: 1, idle: 0, coldStarts: 1, queued: 0 });
  });

  it("uses the reserved concurrency as its limit, else the default", () => {
    expect(newPool({ reservedConcurrency: 2 }).pool.limit).toBe(2);
    expect(newPool({}, 7).pool.limit).toBe(7);
    expect(newPool({ reservedConcurrency: 0 }, 7).pool.limit).toBe(0);
  });

  it("queues beyond the limit and serves the queue in order as workers free up", async () => {
    const { pool, spawned } = newPool({ reservedConcurrency: 1 });
    const first = await pool.acquire(undefined);
    const order: number[] = [];
    const second = pool.acquire(undefined).then((lease) => {
      order.push(2);
      return lease;
    });
    const third = pool.acquire(undefined).then((lease) => {
      order.push(3);
      return lease;
    });
    expect(pool.stats()).toMatchObject({ workers: 1, queued: 2 });
    pool.release(first.sandbox);
    const lease2 = await second;
    expect(lease2).toEqual({ sandbox: spawned[0], cold: false });
    pool.release(lease2.sandbox);
    await third;
    expect(order).toEqual([2, 3]);
    expect(spawned).toHaveLength(1);
  });

  it("takes an aborted invocation off the queue", async () => {
    const { pool } = newPool({ reservedConcurrency: 1 });
    await pool.acquire(undefined);
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(waiting).rejects.toBeInstanceOf(InvocationAbortedError);
    await expect(waiting).rejects.toMatchObject({ name: "AbortError", cause: reason });
    expect(pool.stats().queued).toBe(0);
  });

  it("starts a new worker for the queue when one dies", async () => {
    const { pool, spawned } = newPool({ reservedConcurrency: 1 });
    const first = await pool.acquire(undefined);
    const waiting = pool.acquire(undefined);
    first.sandbox.alive = false;
    pool.onDeath(first.sandbox);
    expect(await waiting).toEqual({ sandbox: spawned[1], cold: true });
    expect(pool.stats()).toMatchObject({ workers: 1, coldStarts: 2 });
  });

  it("retires a doomed worker at release instead of keeping it", async () => {
    const { pool, spawned } = newPool();
    const lease = await pool.acquire(undefined);
    lease.sandbox.kill("retire");
    pool.release(lease.sandbox);
    expect(pool.stats().workers).toBe(0);
    expect((await pool.acquire(undefined)).sandbox).toBe(spawned[1]);
  });

  it("on reload retires idle workers now and busy ones at release", async () => {
    const { pool, spawned } = newPool();
    const busy = await pool.acquire(undefined);
    const idle = await pool.acquire(undefined);
    pool.release(idle.sandbox);
    pool.reload(spec({ codeSha256: "v2" }));
    expect(spawned[1]?.killedFor).toBe("retire");
    expect(pool.spec.codeSha256).toBe("v2");
    pool.release(busy.sandbox);
    expect(spawned[0]?.killedFor).toBe("retire");
    const fresh = await pool.acquire(undefined);
    expect(fresh).toEqual({ sandbox: spawned[2], cold: true });
    expect(fresh.sandbox.generation).toBe(1);
  });

  it("on remove refuses the queue and retires every worker as it frees up", async () => {
    const { pool, spawned } = newPool({ reservedConcurrency: 1 });
    const busy = await pool.acquire(undefined);
    const waiting = pool.acquire(undefined);
    const gone = new Error("Function not found");
    pool.remove(gone);
    await expect(waiting).rejects.toBe(gone);
    pool.release(busy.sandbox);
    expect(spawned[0]?.killedFor).toBe("retire");
  });

  it("on close refuses the queue and kills every worker, busy or idle", async () => {
    const { pool, spawned, close } = newPool({ reservedConcurrency: 2 });
    const busy = await pool.acquire(undefined);
    const idle = await pool.acquire(undefined);
    pool.release(idle.sandbox);
    const waiting = pool.acquire(undefined);
    const waitingTooLong = pool.acquire(undefined);
    await expect(waiting).resolves.toEqual({ sandbox: spawned[1], cold: false });
    close();
    const closed = new ExecutorClosedError("the invocation was queued");
    expect(pool.close(closed)).toEqual([spawned[0], spawned[1]]);
    await expect(waitingTooLong).rejects.toBe(closed);
    expect(spawned.map((worker) => worker.killedFor)).toEqual(["close", "close"]);
    pool.release(busy.sandbox);
    expect(spawned[0]?.killedFor).toBe("close");
  });

  it("reports live workers, busy and idle, with the counters", async () => {
    const { pool, spawned } = newPool();
    const a = await pool.acquire(undefined);
    await pool.acquire(undefined);
    pool.release(a.sandbox);
    pool.tallies.invocations = 2;
    pool.tallies.record("timeout");
    expect(pool.stats()).toEqual({
      workers: 2,
      busy: 1,
      idle: 1,
      queued: 0,
      concurrencyLimit: 10,
      invocations: 2,
      errors: 1,
      coldStarts: 2,
      timeouts: 1,
      crashes: 0,
      sandboxes: spawned.map((worker) => worker.describe()),
    });
  });
});
