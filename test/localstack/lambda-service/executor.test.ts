/**
 * The function executor against real worker processes (Node.js 22, whichever Node.js runs the tests), with tiny
 * fixture handlers in ./fixtures. No mocks: every invocation crosses a process boundary.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ExecutorClosedError,
  FunctionExecutor,
  type FunctionExecutorOptions,
  InvocationAbortedError,
  LambdaServiceError,
  MAX_REQUEST_BYTES,
} from "../../../localstack/lambda-service/executor";
import type { FunctionSpec, InvokeResult, LogEvent, LogSink } from "../../../localstack/lambda-service/types";
import { isAlive } from "../../../localstack/support/proc";

jest.setTimeout(60_000);

const FIXTURES = join(__dirname, "fixtures");
const REGION = "eu-west-1";
const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const LOG_STREAM = /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/;

interface SinkRecord {
  readonly fn: string;
  readonly logStream: string;
  readonly event: LogEvent;
}

class MemorySink implements LogSink {
  readonly records: SinkRecord[] = [];
  onWrite: ((record: SinkRecord) => void) | undefined;

  write(fn: FunctionSpec, logStream: string, event: LogEvent): void {
    const record = { fn: fn.name, logStream, event };
    this.records.push(record);
    this.onWrite?.(record);
  }

  /** The messages of one invocation, START to REPORT. */
  invocation(requestId: string): string[] {
    const messages = this.records.map((record) => record.event.message);
    const start = messages.indexOf(`START RequestId: ${requestId} Version: $LATEST`);
    const end = messages.findIndex((message) => message.startsWith(`REPORT RequestId: ${requestId}\t`));
    if (start < 0 || end < 0) throw new Error(`no complete log for ${requestId}`);
    return messages.slice(start, end + 1);
  }

  of(fn: string): string[] {
    return this.records.filter((record) => record.fn === fn).map((record) => record.event.message);
  }
}

function spec(name: string, fixture: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name,
    stackName: "sluice-test",
    logicalId: name.replace(/[^A-Za-z0-9]/g, ""),
    handler: "index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    codeDir: join(FIXTURES, fixture),
    layerDirs: [],
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    logGroup: `/aws/lambda/${name}`,
    codeSha256: `${fixture}-1`,
    ...overrides,
  };
}

const json = (result: InvokeResult): unknown => JSON.parse(result.payload.toString("utf8"));
const event = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const REPORT = (requestId: string, status = "\t") =>
  new RegExp(
    `^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\t` +
      `Max Memory Used: \\d+ MB(\\tInit Duration: \\d+\\.\\d{2} ms)?${status.replace(/\./g, "\\.")}$`,
  );

let stateDir: string;
let syntaxErrorDir: string;

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "sluice-lambda-test-"));
  // Not a checked-in fixture: the linter would refuse it.
  syntaxErrorDir = join(stateDir, "syntax-error");
  mkdirSync(syntaxErrorDir);
  writeFileSync(join(syntaxErrorDir, "index.js"), "exports.handler = async () => {\n  return { unclosed: true ;\n};\n");
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

const executors: FunctionExecutor[] = [];

function newExecutor(functions: FunctionSpec[], options: Partial<FunctionExecutorOptions> = {}) {
  const sink = new MemorySink();
  const executor = new FunctionExecutor({
    functions,
    runDir: join(stateDir, "run"),
    baseEnv: {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "test-key",
      AWS_SECRET_ACCESS_KEY: "test-secret",
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
    },
    logSink: sink,
    ...options,
  });
  executors.push(executor);
  return { executor, sink };
}

afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
});

describe("FunctionExecutor", () => {
  const functions = [
    spec("ok", "ok"),
    spec("echo", "echo"),
    spec("env", "env", {
      environment: { MY_VAR: "mine", NODE_OPTIONS: "--enable-source-maps", AWS_REGION: "not-allowed" },
    }),
    spec("logging", "logging"),
    spec("slow-log", "slow-log"),
    spec("chatty", "chatty"),
    spec("throws", "throws"),
    spec("rejects", "rejects"),
    spec("throws-string", "rejects", { handler: "index.throwsString" }),
    spec("callback", "callback"),
    spec("callback-fails", "callback", { handler: "index.fails" }),
    spec("callback-waits", "callback", { handler: "index.waits" }),
    spec("callback-no-wait", "callback", { handler: "index.noWait" }),
    spec("callback-succeeds", "callback", { handler: "index.succeeds" }),
    spec("callback-forgets", "callback", { handler: "index.forgets" }),
    spec("circular", "circular"),
    spec("nothing", "circular", { handler: "index.nothing" }),
    spec("nested", "nested", { handler: "lib/handlers/fn.deep.handler" }),
    spec("esm", "esm"),
    spec("layered", "layered", { layerDirs: [join(FIXTURES, "layer-a"), join(FIXTURES, "layer-b")] }),
    spec("timeout", "timeout", { timeoutSeconds: 1 }),
    spec("crash", "crash"),
    spec("memhog", "memhog"),
    spec("missing-handler", "missing-handler"),
    spec("missing-module", "ok", { handler: "nope.handler" }),
    spec("init-throws", "init-throws"),
    spec("uncaught", "uncaught"),
    spec("unhandled-rejection", "unhandled-rejection"),
    spec("never-settles", "never-settles"),
    spec("big-response", "big-response"),
    spec("slow", "slow", { reservedConcurrency: 2 }),
    spec("serial", "slow", { reservedConcurrency: 1 }),
    spec("throttled", "ok", { reservedConcurrency: 0 }),
  ];
  let executor: FunctionExecutor;
  let sink: MemorySink;

  beforeAll(() => {
    // The syntax-error fixture lives in the temporary state directory.
    functions.push(spec("syntax-error", "syntax-error", { codeDir: syntaxErrorDir }));
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
          LAMBDA_RUNTIME_DIR: join(stateDir, "run"),
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

  describe("logs", () => {
    it("writes START, END and REPORT lines as Lambda does", async () => {
      const { executor: own, sink: ownSink } = newExecutor([spec("report", "ok")]);
      const cold = await own.invoke("report", Buffer.from("{}"));
      const warm = await own.invoke("report", Buffer.from("{}"));
      for (const result of [cold, warm]) {
        const lines = ownSink.invocation(result.requestId);
        expect(lines[0]).toBe(`START RequestId: ${result.requestId} Version: $LATEST`);
        expect(lines.at(-2)).toBe(`END RequestId: ${result.requestId}`);
        expect(lines.at(-1)).toMatch(REPORT(result.requestId));
        expect(result.logTail).toBe(`${lines.join("\n")}\n`);
        expect(result.billedDurationMs).toBeGreaterThanOrEqual(Math.ceil(result.durationMs));
        expect(result.maxMemoryUsedMb).toBeGreaterThan(1);
      }
      expect(ownSink.invocation(cold.requestId).at(-1)).toMatch(/\tInit Duration: \d+\.\d{2} ms\t$/);
      expect(ownSink.invocation(warm.requestId).at(-1)).toMatch(/\tMax Memory Used: \d+ MB\t$/);
    });

    it("formats console output like the Node.js runtime, one event per call", async () => {
      const result = await executor.invoke("logging", Buffer.from("{}"));
      const id = result.requestId;
      const all = sink.of("logging");
      const init = all.slice(0, all.indexOf(`START RequestId: ${id} Version: $LATEST`));
      expect(init).toEqual([expect.stringMatching(new RegExp(`^${ISO}\\tundefined\\tINFO\\tinit says hello$`))]);
      const lines = sink.invocation(id);
      const at = (level: string, text: string) => new RegExp(`^${ISO}\\t${id}\\t${level}\\t${text}$`);
      expect(lines.slice(1, -2)).toEqual([
        expect.stringMatching(at("INFO", "hello world 42")),
        expect.stringMatching(at("INFO", "an info")),
        expect.stringMatching(at("WARN", "a warning")),
        expect.stringMatching(at("ERROR", String.raw`an error \{ detail: 1 \}`)),
        expect.stringMatching(at("DEBUG", "a debug")),
        expect.stringMatching(at("TRACE", "a trace")),
        expect.stringMatching(at("INFO", "line one\nline two")),
        '{"level":"INFO","message":"structured"}',
        "partial line",
        "to stderr",
        "no newline at the end",
      ]);
      // The cold start's tail includes what init logged.
      expect(result.logTail.startsWith(`${init[0]}\nSTART RequestId: ${id}`)).toBe(true);
    });

    it("delivers each log event as it happens, not when the invocation ends", async () => {
      let resolved = false;
      let firstBeforeResult: boolean | undefined;
      sink.onWrite = (record) => {
        if (record.fn === "slow-log" && record.event.message.endsWith("\tfirst")) firstBeforeResult = !resolved;
      };
      try {
        const result = await executor.invoke("slow-log", Buffer.from("{}"));
        resolved = true;
        expect(result.payload.toString()).toBe('"done"');
        expect(firstBeforeResult).toBe(true);
      } finally {
        sink.onWrite = undefined;
      }
    });

    it("returns the last 4 KB of the invocation's log as the tail", async () => {
      const result = await executor.invoke("chatty", Buffer.from("{}"));
      expect(Buffer.byteLength(result.logTail)).toBeLessThanOrEqual(4096);
      expect(Buffer.byteLength(result.logTail)).toBeGreaterThan(4000);
      expect(result.logTail).toMatch(new RegExp(`${REPORT(result.requestId).source.slice(1, -1)}\\n$`));
      expect(result.logTail).not.toContain("\uFFFD");
    });
  });

  describe("function errors", () => {
    it("returns a thrown error in Lambda's shape and logs it as an Invoke Error", async () => {
      const result = await executor.invoke("throws", Buffer.from("{}"));
      expect(result.functionError).toBe("Unhandled");
      const body = json(result) as { errorType: string; errorMessage: string; trace: string[] };
      expect(body).toEqual({ errorType: "Error", errorMessage: "boom", trace: expect.any(Array) });
      expect(body.trace[0]).toBe("Error: boom");
      const lines = sink.invocation(result.requestId);
      expect(lines[1]).toMatch(
        new RegExp(
          `^${ISO}\\t${result.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"Error","errorMessage":"boom","code":"E_BOOM","stack":\\["Error: boom",`,
        ),
      );
      expect(lines.at(-1)).toMatch(REPORT(result.requestId));
      // The worker survives a function error.
      expect((await executor.invoke("throws", Buffer.from("{}"))).initDurationMs).toBeUndefined();
    });

    it("returns rejections and thrown non-errors as the runtime does", async () => {
      const rejected = await executor.invoke("rejects", Buffer.from("{}"));
      expect(json(rejected)).toMatchObject({ errorType: "ValidationError", errorMessage: "bad input" });
      const thrown = await executor.invoke("throws-string", Buffer.from("{}"));
      expect(json(thrown)).toEqual({ errorType: "string", errorMessage: "just a string", trace: [] });
      expect(thrown.functionError).toBe("Unhandled");
    });

    it("fails a result that cannot be serialised", async () => {
      const result = await executor.invoke("circular", Buffer.from("{}"));
      expect(result.functionError).toBe("Unhandled");
      expect(json(result)).toMatchObject({ errorType: "Error", errorMessage: "Unable to stringify response body" });
    });

    it("reports an async handler whose promise never settles as Runtime.NodeJsExit", async () => {
      const result = await executor.invoke("never-settles", Buffer.from("{}"));
      expect(result.functionError).toBe("Unhandled");
      expect(json(result)).toMatchObject({
        errorType: "Runtime.NodeJsExit",
        errorMessage: expect.stringContaining("a Promise that was never settled"),
      });
    });

    it("crashes the worker on an uncaught exception and reports it for the running invocation", async () => {
      const result = await executor.invoke("uncaught", Buffer.from("{}"));
      expect(result.functionError).toBe("Unhandled");
      expect(json(result)).toMatchObject({ errorType: "Error", errorMessage: "async boom" });
      expect(sink.invocation(result.requestId)[1]).toMatch(
        new RegExp(`^${ISO}\\t${result.requestId}\\tERROR\\tUncaught Exception \\t\\{"errorType":"Error"`),
      );
      const next = await executor.invoke("uncaught", event({}));
      expect(next.initDurationMs).toBeGreaterThan(0);
    });

    it("crashes the worker on an unhandled rejection", async () => {
      const result = await executor.invoke("unhandled-rejection", Buffer.from("{}"));
      expect(json(result)).toMatchObject({
        errorType: "Runtime.UnhandledPromiseRejection",
        errorMessage: "Error: nobody catches me",
      });
      expect(sink.invocation(result.requestId)[1]).toContain("\tERROR\tUnhandled Promise Rejection \t{");
    });
  });

  describe("callback handlers", () => {
    it("returns what the callback is given", async () => {
      expect(json(await executor.invoke("callback", event({ n: 7 })))).toEqual({ via: "callback", n: 7 });
      expect(json(await executor.invoke("callback-succeeds", Buffer.from("{}")))).toEqual({ via: "succeed" });
      const failed = await executor.invoke("callback-fails", Buffer.from("{}"));
      expect(failed.functionError).toBe("Unhandled");
      expect(json(failed)).toMatchObject({ errorType: "Error", errorMessage: "callback failure" });
    });

    it("waits for the event loop to drain unless callbackWaitsForEmptyEventLoop is false", async () => {
      const waited = await executor.invoke("callback-waits", Buffer.from("{}"));
      expect(waited.payload.toString()).toBe('"waited"');
      expect(sink.invocation(waited.requestId).some((line) => line.endsWith("\tINFO\ttimer fired"))).toBe(true);

      const notWaited = await executor.invoke("callback-no-wait", Buffer.from("{}"));
      expect(notWaited.payload.toString()).toBe('"did not wait"');
      expect(sink.invocation(notWaited.requestId).some((line) => line.includes("late timer fired"))).toBe(false);
    });

    it("returns null when a sync handler never calls back", async () => {
      const result = await executor.invoke("callback-forgets", Buffer.from("{}"));
      expect(result.functionError).toBeUndefined();
      expect(result.payload.toString()).toBe("null");
    });
  });

  describe("timeouts and crashes", () => {
    it("kills a worker at the timeout, reports Sandbox.Timedout, and cold-starts the next invocation", async () => {
      const result = await executor.invoke("timeout", event({}));
      const id = result.requestId;
      expect(result.functionError).toBe("Unhandled");
      expect(json(result)).toEqual({
        errorType: "Sandbox.Timedout",
        errorMessage: `RequestId: ${id} Error: Task timed out after 1.00 seconds`,
      });
      const lines = sink.invocation(id);
      const pid = Number(/sleeping in (\d+)$/.exec(lines[1] ?? "")?.[1]);
      expect(pid).toBeGreaterThan(0);
      expect(isAlive(pid)).toBe(false);
      expect(lines.at(-3)).toMatch(new RegExp(`^${ISO} ${id} Task timed out after 1\\.00 seconds$`));
      expect(lines.at(-1)).toMatch(REPORT(id, "\tStatus: timeout"));
      expect(result.durationMs).toBeLessThanOrEqual(1000);

      const next = await executor.invoke("timeout", event({ sleepMs: 0 }));
      expect(next.functionError).toBeUndefined();
      expect(next.initDurationMs).toBeGreaterThan(0);
      expect((json(next) as { pid: number }).pid).not.toBe(pid);
      expect(executor.stats().timeout).toMatchObject({ timeouts: 1, errors: 1, coldStarts: 2, workers: 1 });
    });

    it("reports a worker that exits mid-invocation as Runtime.ExitError and replaces it", async () => {
      const result = await executor.invoke("crash", Buffer.from("{}"));
      const id = result.requestId;
      expect(result.functionError).toBe("Unhandled");
      expect(json(result)).toEqual({
        errorType: "Runtime.ExitError",
        errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status 1`,
      });
      const lines = sink.invocation(id);
      // Written right before process.exit(1), and not lost.
      expect(lines[1]).toMatch(new RegExp(`^${ISO}\\t${id}\\tINFO\\tabout to exit$`));
      expect(lines).toContain(`RequestId: ${id} Error: Runtime exited with error: exit status 1\nRuntime.ExitError`);
      expect(lines.at(-1)).toMatch(REPORT(id, "\tStatus: error\tError Type: Runtime.ExitError"));
      expect(executor.stats().crash?.workers).toBe(0);
      expect((await executor.invoke("crash", Buffer.from("{}"))).initDurationMs).toBeGreaterThan(0);
    });

    it("reports a worker that outgrows its memory as Runtime.OutOfMemory", async () => {
      const result = await executor.invoke("memhog", Buffer.from("{}"));
      expect(result.functionError).toBe("Unhandled");
      const body = json(result) as { errorType: string; errorMessage: string };
      expect(body.errorType).toBe("Runtime.OutOfMemory");
      expect(body.errorMessage).toMatch(
        new RegExp(`^RequestId: ${result.requestId} Error: Runtime exited with error: signal: (killed|aborted)$`),
      );
      expect(sink.invocation(result.requestId).at(-1)).toContain("\tStatus: error\tError Type: Runtime.OutOfMemory");
    });

    it("also when only the V8 heap limit stops it (no RSS watchdog)", async () => {
      // Near its limit V8 collects garbage for seconds before it gives up: more than the 3 s default timeout.
      const { executor: own } = newExecutor([spec("heap-hog", "memhog", { timeoutSeconds: 30 })], {
        enforceMemoryLimit: false,
      });
      const result = await own.invoke("heap-hog", Buffer.from("{}"));
      expect(json(result)).toMatchObject({ errorType: "Runtime.OutOfMemory" });
    });
  });

  describe("init errors", () => {
    const initFailure = async (name: string) => {
      const result = await executor.invoke(name, Buffer.from("{}"));
      expect(result.functionError).toBe("Unhandled");
      const body = json(result) as { errorType: string; errorMessage: string; trace: string[] };
      const all = sink.of(name);
      const start = all.indexOf(`START RequestId: ${result.requestId} Version: $LATEST`);
      return { result, body, before: all.slice(0, start), lines: sink.invocation(result.requestId) };
    };

    it("reports a handler that is not exported as Runtime.HandlerNotFound", async () => {
      const { body, before, lines, result } = await initFailure("missing-handler");
      expect(body).toMatchObject({
        errorType: "Runtime.HandlerNotFound",
        errorMessage: "index.handler is undefined or not exported",
      });
      expect(before[0]).toMatch(
        new RegExp(`^${ISO}\\tundefined\\tERROR\\tUncaught Exception \\t\\{"errorType":"Runtime.HandlerNotFound"`),
      );
      expect(before.at(-1)).toMatch(
        /^INIT_REPORT Init Duration: \d+\.\d{2} ms\tPhase: init\tStatus: error\tError Type: Runtime\.HandlerNotFound$/,
      );
      expect(lines.at(-1)).toMatch(REPORT(result.requestId, "\tStatus: error\tError Type: Runtime.HandlerNotFound"));
      expect(executor.stats()["missing-handler"]?.workers).toBe(0);
    });

    it("reports a missing module as Runtime.ImportModuleError", async () => {
      const { body } = await initFailure("missing-module");
      expect(body.errorType).toBe("Runtime.ImportModuleError");
      expect(body.errorMessage).toMatch(/^Error: Cannot find module 'nope'/);
    });

    it("reports a syntax error as Runtime.UserCodeSyntaxError", async () => {
      const { body } = await initFailure("syntax-error");
      expect(body.errorType).toBe("Runtime.UserCodeSyntaxError");
      expect(body.errorMessage).toMatch(/^SyntaxError: /);
    });

    it("reports an error thrown while the module loads, after what it logged", async () => {
      const { body, before } = await initFailure("init-throws");
      expect(body).toMatchObject({ errorType: "Error", errorMessage: "init failed" });
      expect(before[0]).toMatch(new RegExp(`^${ISO}\\tundefined\\tINFO\\tinitialising$`));
      // Every invocation tries the init again.
      expect((await executor.invoke("init-throws", Buffer.from("{}"))).functionError).toBe("Unhandled");
      expect(executor.stats()["init-throws"]?.coldStarts).toBe(2);
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
