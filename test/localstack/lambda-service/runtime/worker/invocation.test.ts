/**
 * How an invocation ends inside a real worker process, by the Node.js runtime's rules (./invocation.ts of the
 * worker): thrown errors and rejections, results that cannot be serialised, promises that never settle, uncaught
 * errors, and callback handlers with callbackWaitsForEmptyEventLoop.
 */
import type { FunctionExecutor } from "#local/lambda-service/executor";
import { event, ISO, json, type MemorySink, REPORT, spec, useExecutors } from "../executor-harness";

jest.setTimeout(60_000);

const { newExecutor } = useExecutors();

describe("FunctionExecutor", () => {
  const functions = [
    spec("throws", "throws"),
    spec("rejects", "rejects"),
    spec("throws-string", "rejects", { handler: "index.throwsString" }),
    spec("circular", "circular"),
    spec("never-settles", "never-settles"),
    spec("uncaught", "uncaught"),
    spec("unhandled-rejection", "unhandled-rejection"),
    spec("callback", "callback"),
    spec("callback-fails", "callback", { handler: "index.fails" }),
    spec("callback-waits", "callback", { handler: "index.waits" }),
    spec("callback-no-wait", "callback", { handler: "index.noWait" }),
    spec("callback-succeeds", "callback", { handler: "index.succeeds" }),
    spec("callback-forgets", "callback", { handler: "index.forgets" }),
  ];
  let executor: FunctionExecutor;
  let sink: MemorySink;

  beforeAll(() => {
    ({ executor, sink } = newExecutor(functions));
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
});
