/**
 * The function executor against real worker processes (Node.js 22, whichever Node.js runs the tests), with tiny
 * fixture handlers in ./fixtures. No mocks: every invocation crosses a process boundary. This file: what a function
 * sees of its runtime, the Invoke API, concurrency, reload and close. Logs, function errors, callbacks, timeouts,
 * crashes and init errors are in ./runtime/, beside the modules that produce them.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ExecutorClosedError,
  type FunctionExecutor,
  InvocationAbortedError,
  LambdaServiceError,
  MAX_REQUEST_BYTES,
} from "#local/lambda-service/executor";
import { isAlive } from "#local/support/proc";
import {
  event,
  FIXTURES,
  json,
  LOG_STREAM,
  type MemorySink,
  REGION,
  spec,
  UUID,
  useExecutors,
} from "./runtime/executor-harness";

jest.setTimeout(60_000);

const { newExecutor, stateDir } = useExecutors();

describe("FunctionExecutor", () => {
  const functions = [
    spec("ok", "ok"),
    spec("echo", "echo"),
    spec("env", "env", {
      environment: { MY_VAR: "mine", NODE_OPTIONS: "--enable-source-maps", AWS_REGION: "not-allowed" },
    }),
    spec("nested", "nested", { handler: "lib/handlers/fn.deep.handler" }),
    spec("esm", "esm"),
    spec("layered", "layered", { layerDirs: [join(FIXTURES, "layer-a"), join(FIXTURES, "layer-b")] }),
    spec("nothing", "circular", { handler: "index.nothing" }),
    spec("big-response", "big-response"),
    spec("slow", "slow", { reservedConcurrency: 2 }),
    spec("serial", "slow", { reservedConcurrency: 1 }),
    spec("throttled", "ok", { reservedConcurrency: 0 }),
  ];
  let executor: FunctionExecutor;
  let sink: MemorySink;

  beforeAll(() => {
    ({ executor, sink } = newExecutor(functions));
  });

  describe("the runtime", () => {
    it("runs handlers on Node.js 22, whichever Node.js runs the tests", async () => {
      const result = await executor.invoke("env", Buffer.from("{}"));
      const body = json(result) as { version: string; execArgv: string[]; cwd: string; timezoneOffset: number };
      expect(body.version).toMatch(/^v22\./);
      // AWS's bootstrap: old space = memory - memory/10, semi space = memory/20 (MB).
      expect(body.execArgv).toEqual(expect.arrayContaining(["--max-old-space-size=116", "--max-semi-space-size=6"]));
      expect(body.cwd).toBe(join(FIXTURES, "env"));
      expect(body.timezoneOffset).toBe(0);
    });

    it("gives the function AWS Lambda's environment and nothing of the executor's", async () => {
      process.env.SLUICE_TEST_MUST_NOT_LEAK = "leaked";
      try {
        const body = json(await executor.invoke("env", Buffer.from("{}"))) as {
          env: Record<string, string>;
          sourceMapsEnabled: boolean;
        };
        expect(body.env).toMatchObject({
          AWS_LAMBDA_FUNCTION_NAME: "env",
          AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
          AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/env",
          AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
          _HANDLER: "index.handler",
          AWS_REGION: REGION,
          AWS_DEFAULT_REGION: REGION,
          AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
          LAMBDA_TASK_ROOT: join(FIXTURES, "env"),
          LAMBDA_RUNTIME_DIR: join(stateDir(), "run"),
          TZ: ":UTC",
          LANG: "en_US.UTF-8",
          AWS_ACCESS_KEY_ID: "test-key",
          AWS_SECRET_ACCESS_KEY: "test-secret",
          AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
          MY_VAR: "mine",
          NODE_OPTIONS: "--enable-source-maps",
        });
        expect(body.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(LOG_STREAM);
        expect(body.env._X_AMZN_TRACE_ID).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
        // The function's NODE_OPTIONS reach Node.js.
        expect(body.sourceMapsEnabled).toBe(true);
        expect(body.env.SLUICE_TEST_MUST_NOT_LEAK).toBeUndefined();
        expect(Object.keys(body.env).filter((key) => key.startsWith("_SLUICE"))).toEqual([]);
      } finally {
        delete process.env.SLUICE_TEST_MUST_NOT_LEAK;
      }
    });

    it("runs under the request id it is given (an asynchronous event's retries keep theirs)", async () => {
      const requestId = "0f6c7bfa-3c1e-4a51-9d0f-2b7e0d2c9a11";
      const result = await executor.invoke("echo", event({}), { requestId });
      expect(result.requestId).toBe(requestId);
      expect(json(result)).toMatchObject({ awsRequestId: requestId });
    });

    it("passes the event and a Lambda context", async () => {
      const result = await executor.invoke("echo", event({ hello: "world", n: [1, 2] }));
      expect(result.functionError).toBeUndefined();
      expect(result.requestId).toMatch(new RegExp(`^${UUID}$`));
      const body = json(result) as Record<string, unknown>;
      expect(body).toMatchObject({
        event: { hello: "world", n: [1, 2] },
        awsRequestId: result.requestId,
        functionName: "echo",
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:echo`,
        memoryLimitInMB: "128",
        logGroupName: "/aws/lambda/echo",
        callbackWaitsForEmptyEventLoop: true,
      });
      expect(body.logStreamName).toMatch(LOG_STREAM);
      expect(body.remainingMs).toBeGreaterThan(0);
      expect(body.remainingMs).toBeLessThanOrEqual(3000);
      expect(executor.stats().echo?.sandboxes[0]?.logStream).toBe(body.logStreamName);
    });

    it("reuses a warm worker: no Init Duration, same process, same log stream", async () => {
      const { executor: own, sink: ownSink } = newExecutor([spec("warm", "echo")]);
      const first = await own.invoke("warm", Buffer.from("{}"));
      const second = await own.invoke("warm", Buffer.from("{}"));
      const [a, b] = [json(first), json(second)] as { pid: number; logStreamName: string }[];
      expect(first.initDurationMs).toBeGreaterThan(0);
      expect(second.initDurationMs).toBeUndefined();
      expect(b?.pid).toBe(a?.pid);
      expect(b?.logStreamName).toBe(a?.logStreamName);
      expect(ownSink.invocation(first.requestId).at(-1)).toContain("\tInit Duration: ");
      expect(ownSink.invocation(second.requestId).at(-1)).not.toContain("Init Duration");
      expect(new Set(ownSink.records.map((record) => record.logStream))).toEqual(new Set([a?.logStreamName]));
      expect(own.stats().warm).toMatchObject({
        workers: 1,
        busy: 0,
        idle: 1,
        invocations: 2,
        coldStarts: 1,
        errors: 0,
      });
    });

    it("resolves nested handler paths and ES modules", async () => {
      expect(json(await executor.invoke("nested", Buffer.from("{}")))).toEqual({ nested: true });
      expect(json(await executor.invoke("esm", event({ a: 1 })))).toEqual({ esm: true, event: { a: 1 } });
    });

    it("finds layer packages on Lambda's NODE_PATH, a later layer over an earlier one", async () => {
      const result = json(await executor.invoke("layered", Buffer.from("{}"))) as Record<string, string>;
      expect(result.dep).toBe("layered-dep from layer-a");
      expect(result.shadowed).toBe("layer-b (node22)");
      expect(result.nodePath?.split(":")).toEqual([
        join(FIXTURES, "layer-b", "nodejs", "node22", "node_modules"),
        join(FIXTURES, "layer-b", "nodejs", "node_modules"),
        join(FIXTURES, "layer-a", "nodejs", "node22", "node_modules"),
        join(FIXTURES, "layer-a", "nodejs", "node_modules"),
        join(FIXTURES, "layered"),
      ]);
    });

    it("returns null for an undefined result, and treats an empty payload as {}", async () => {
      const result = await executor.invoke("nothing", Buffer.alloc(0));
      expect(result.payload.toString()).toBe("null");
      expect((json(await executor.invoke("echo", Buffer.alloc(0))) as { event: unknown }).event).toEqual({});
    });
  });

  describe("the Invoke API", () => {
    it("enforces the 6 MB payload limits", async () => {
      const request = Buffer.from(JSON.stringify("x".repeat(MAX_REQUEST_BYTES)));
      await expect(executor.invoke("ok", request)).rejects.toMatchObject({
        name: "RequestEntityTooLargeException",
        statusCode: 413,
        message: `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
      });
      const response = await executor.invoke("big-response", Buffer.from("{}"));
      expect(response.functionError).toBe("Unhandled");
      expect(json(response)).toEqual({
        errorType: "Function.ResponseSizeTooLarge",
        errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
      });
    });

    it("refuses unknown functions, payloads that are not JSON, and functions with no concurrency", async () => {
      const unknown = executor.invoke("no-such-function", Buffer.from("{}"));
      await expect(unknown).rejects.toBeInstanceOf(LambdaServiceError);
      await expect(unknown).rejects.toMatchObject({
        code: "ResourceNotFoundException",
        message: `Function not found: arn:aws:lambda:${REGION}:000000000000:function:no-such-function`,
      });
      await expect(executor.invoke("ok", Buffer.from("{not json"))).rejects.toMatchObject({
        code: "InvalidRequestContentException",
      });
      await expect(executor.invoke("throttled", Buffer.from("{}"))).rejects.toMatchObject({
        code: "TooManyRequestsException",
      });
    });
  });

  describe("concurrency", () => {
    it("never runs more workers than the reserved concurrency; the rest wait", async () => {
      let maxWorkers = 0;
      let running = true;
      const watch = (async () => {
        while (running) {
          maxWorkers = Math.max(maxWorkers, executor.stats().slow?.workers ?? 0);
          await sleep(5);
        }
      })();
      const results = await Promise.all(Array.from({ length: 5 }, () => executor.invoke("slow", event({ ms: 200 }))));
      running = false;
      await watch;
      expect(results.map((result) => result.functionError)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      const pids = new Set(results.map((result) => (json(result) as { pid: number }).pid));
      expect(pids.size).toBeLessThanOrEqual(2);
      expect(maxWorkers).toBeLessThanOrEqual(2);
      expect(executor.stats().slow).toMatchObject({ workers: 2, coldStarts: 2, invocations: 5, queued: 0 });
    });

    it("serves the queue in order, and an aborted invocation leaves it", async () => {
      const first = executor.invoke("serial", event({ ms: 300, n: 1 }));
      const controller = new AbortController();
      const aborted = executor.invoke("serial", event({ ms: 10, n: 2 }), { signal: controller.signal });
      const third = executor.invoke("serial", event({ ms: 10, n: 3 }));
      await sleep(50);
      expect(executor.stats().serial?.queued).toBe(2);
      controller.abort(new Error("caller gave up"));
      await expect(aborted).rejects.toBeInstanceOf(InvocationAbortedError);
      await expect(aborted).rejects.toMatchObject({ name: "AbortError", cause: new Error("caller gave up") });
      const [a, c] = await Promise.all([first, third]);
      const starts = sink.of("serial").filter((line) => line.startsWith("START "));
      expect(starts).toEqual([
        `START RequestId: ${a.requestId} Version: $LATEST`,
        `START RequestId: ${c.requestId} Version: $LATEST`,
      ]);
      const alreadyAborted = AbortSignal.abort();
      await expect(executor.invoke("serial", event({}), { signal: alreadyAborted })).rejects.toMatchObject({
        name: "AbortError",
      });
    });
  });
});

describe("FunctionExecutor.reload", () => {
  it("kills idle workers so that the next invocation cold-starts with the new code", async () => {
    const { executor } = newExecutor([spec("reloadable", "ok")]);
    expect(json(await executor.invoke("reloadable", Buffer.from("{}")))).toEqual({ ok: true });
    const oldPid = executor.stats().reloadable?.sandboxes[0]?.pid ?? -1;
    expect(isAlive(oldPid)).toBe(true);

    executor.reload(spec("reloadable", "v2", { codeSha256: "v2" }));
    const result = await executor.invoke("reloadable", Buffer.from("{}"));
    const body = json(result) as { version: number; pid: number };
    expect(body.version).toBe(2);
    expect(body.pid).not.toBe(oldPid);
    expect(result.initDurationMs).toBeGreaterThan(0);
    for (let i = 0; i < 100 && isAlive(oldPid); i++) await sleep(20);
    expect(isAlive(oldPid)).toBe(false);
  });

  it("picks up a changed spec from a lookup by its code hash", async () => {
    let current = spec("looked-up", "ok");
    const { executor } = newExecutor([], { functions: (name) => (name === "looked-up" ? current : undefined) });
    expect(json(await executor.invoke("looked-up", Buffer.from("{}")))).toEqual({ ok: true });
    current = spec("looked-up", "v2", { codeSha256: "v2" });
    expect(json(await executor.invoke("looked-up", Buffer.from("{}")))).toMatchObject({ version: 2 });
  });
});

describe("FunctionExecutor.close", () => {
  it("kills every worker, idle or busy, and leaves no process behind", async () => {
    const { executor } = newExecutor([spec("idle-one", "ok"), spec("busy-one", "slow")]);
    await executor.invoke("idle-one", Buffer.from("{}"));
    const busy = executor.invoke("busy-one", event({ ms: 30_000 }));
    busy.catch(() => undefined);
    for (let i = 0; i < 200 && executor.stats()["busy-one"]?.sandboxes[0]?.state !== "busy"; i++) await sleep(10);
    await sleep(200); // let it start running
    const pids = Object.values(executor.stats()).flatMap((stats) => stats.sandboxes.map((sandbox) => sandbox.pid));
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);

    await executor.close();
    expect(pids.filter(isAlive)).toEqual([]);
    await expect(busy).rejects.toBeInstanceOf(ExecutorClosedError);
    await expect(executor.invoke("idle-one", Buffer.from("{}"))).rejects.toBeInstanceOf(ExecutorClosedError);
  });
});
