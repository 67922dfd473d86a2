/**
 * Response streaming against real worker processes: a streamified handler's chunks reach the invoke's sink while
 * the handler still runs (it waits for a file the test writes on the first chunk, so a buffered delivery would time
 * out), the prelude travels as the stream's first bytes, an error or a timeout mid-stream ends the stream with the
 * function error, and an invoke without a sink gets the chunks concatenated, as AWS buffers them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResponseStreamSink } from "#local/lambda-service/types";
import { event, json, spec, useExecutors } from "./executor-harness";

jest.setTimeout(60_000);

const { newExecutor, stateDir } = useExecutors();

/** Records what the sink is given, in order, with the log lines that came in between. */
function recorder(onChunk?: (data: Buffer) => void) {
  const seen: string[] = [];
  const chunks: Buffer[] = [];
  const sink: ResponseStreamSink = {
    start: (contentType) => seen.push(`start ${contentType}`),
    chunk: (data) => {
      chunks.push(data);
      seen.push(`chunk ${data.toString("latin1")}`);
      onChunk?.(data);
    },
  };
  return { sink, seen, chunks };
}

describe("response streaming", () => {
  const functions = [
    spec("streams", "streams"),
    spec("stream-timeout", "streams", { timeoutSeconds: 1 }),
    spec("stream-prelude", "stream-prelude"),
    spec("stream-throws", "stream-throws"),
  ];

  test("chunks reach the sink while the handler runs, before its last log line", async () => {
    const { executor, sink: logs } = newExecutor(functions);
    const waitFile = join(stateDir(), "first-chunk-seen");
    const { sink, seen } = recorder(() => writeFileSync(waitFile, ""));
    logs.onWrite = (record) => {
      if (record.event.message.includes("handler done")) seen.push("log handler done");
    };
    const result = await executor.invoke("streams", event({ pauseMs: 10, waitFile }), { stream: sink });
    seen.push("resolved");
    expect(result.functionError).toBeUndefined();
    expect(result.payload.length).toBe(0);
    expect(seen).toEqual([
      "start text/plain",
      "chunk one ",
      "chunk two ",
      "chunk three",
      "log handler done",
      "resolved",
    ]);
  });

  test("the prelude is the stream's first bytes, then the body, binary intact", async () => {
    const { executor } = newExecutor(functions);
    const { sink, seen, chunks } = recorder();
    const result = await executor.invoke("stream-prelude", event({}), { stream: sink });
    expect(result.functionError).toBeUndefined();
    expect(seen[0]).toBe("start application/vnd.awslambda.http-integration-response");
    const prelude = '{"statusCode":201,"headers":{"Content-Type":"text/csv","X-Custom":"yes"},"cookies":["a=1","b=2"]}';
    expect(Buffer.concat(chunks)).toEqual(
      Buffer.concat([
        Buffer.from(prelude),
        Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]),
        Buffer.from("id,name\n"),
        Buffer.from([0x00, 0xff, 0x0a]),
        Buffer.from("1,x\n"),
      ]),
    );
  });

  test("an error mid-stream ends the stream: the chunks so far, then the function error", async () => {
    const { executor } = newExecutor(functions);
    const { sink, seen } = recorder();
    const result = await executor.invoke("stream-throws", event({}), { stream: sink });
    expect(seen).toEqual(["start application/octet-stream", "chunk partial"]);
    expect(result.functionError).toBe("Unhandled");
    expect(json(result)).toMatchObject({ errorType: "Error", errorMessage: "broke mid-stream" });
  });

  test("a timeout mid-stream ends the stream with Sandbox.Timedout", async () => {
    const { executor } = newExecutor(functions);
    const { sink, seen } = recorder();
    const waitFile = join(stateDir(), "never-written");
    const result = await executor.invoke("stream-timeout", event({ pauseMs: 10, waitFile }), { stream: sink });
    expect(seen).toEqual(["start text/plain", "chunk one ", "chunk two ", "chunk three"]);
    expect(result.functionError).toBe("Unhandled");
    expect(json(result)).toMatchObject({ errorType: "Sandbox.Timedout" });
  });

  test("without a sink the streamed chunks are the payload, as AWS buffers them", async () => {
    const { executor } = newExecutor(functions);
    const result = await executor.invoke("streams", event({ pauseMs: 1 }));
    expect(result.functionError).toBeUndefined();
    expect(result.payload.toString()).toBe("one two three");
  });
});
