/**
 * A sandbox's deaths against real worker processes (./sandbox.ts): killed at the timeout, exiting mid-invocation,
 * out of memory (by the RSS watchdog or V8's heap limit), and failing its Init phase in each way the runtime reports.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FunctionExecutor } from "#local/lambda-service/executor";
import { isAlive } from "#local/support/proc";
import { event, ISO, json, type MemorySink, REPORT, spec, useExecutors } from "./executor-harness";

jest.setTimeout(60_000);

const { newExecutor, stateDir } = useExecutors();
let syntaxErrorDir: string;

beforeAll(() => {
  // Not a checked-in fixture: the linter would refuse it.
  syntaxErrorDir = join(stateDir(), "syntax-error");
  mkdirSync(syntaxErrorDir);
  writeFileSync(join(syntaxErrorDir, "index.js"), "exports.handler = async () => {\n  return { unclosed: true ;\n};\n");
});

describe("FunctionExecutor", () => {
  const functions = [
    spec("timeout", "timeout", { timeoutSeconds: 1 }),
    spec("crash", "crash"),
    spec("memhog", "memhog"),
    spec("missing-handler", "missing-handler"),
    spec("missing-module", "ok", { handler: "nope.handler" }),
    spec("init-throws", "init-throws"),
  ];
  let executor: FunctionExecutor;
  let sink: MemorySink;

  beforeAll(() => {
    // The syntax-error fixture lives in the temporary state directory.
    functions.push(spec("syntax-error", "syntax-error", { codeDir: syntaxErrorDir }));
    ({ executor, sink } = newExecutor(functions));
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
});
