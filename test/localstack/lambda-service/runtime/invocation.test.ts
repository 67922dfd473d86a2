/**
 * An invocation's log as Lambda writes it (START, the function's output as it happens, END, REPORT) and its tail,
 * from real worker processes: what ./invocation.ts puts in order, with the worker's console and stream capture.
 */
import type { FunctionExecutor } from "#local/lambda-service/executor";
import { ISO, type MemorySink, REPORT, spec, useExecutors } from "./executor-harness";

jest.setTimeout(60_000);

const { newExecutor } = useExecutors();

describe("FunctionExecutor", () => {
  const functions = [spec("logging", "logging"), spec("slow-log", "slow-log"), spec("chatty", "chatty")];
  let executor: FunctionExecutor;
  let sink: MemorySink;

  beforeAll(() => {
    ({ executor, sink } = newExecutor(functions));
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
});
