/**
 * The worker's response stream without a process: the frames it sends (bytes as base64, declared by hand), the
 * prelude `HttpResponseStream.from` puts first, and the mark `streamifyResponse` leaves on a handler.
 */
import type { WorkerFrame } from "#local/lambda-service/runtime/protocol";
import {
  chunkFrame,
  HANDLER_STREAMING,
  installAwsLambdaGlobal,
  isStreamingHandler,
  ResponseStream,
  streamEnded,
} from "#local/lambda-service/runtime/worker/streaming";

interface AwsLambdaGlobal {
  streamifyResponse<H>(handler: H): H;
  HttpResponseStream: { from(stream: ResponseStream, prelude: unknown): ResponseStream };
}

function capture(): { frames: WorkerFrame[]; stream: ResponseStream } {
  const frames: WorkerFrame[] = [];
  return { frames, stream: new ResponseStream("req-1", (frame) => frames.push(frame)) };
}

describe("chunkFrame", () => {
  test("carries any byte as base64", () => {
    expect(chunkFrame("r", new Uint8Array([0x00, 0xff, 0x0a, 0x41]))).toEqual({
      t: "chunk",
      id: "r",
      data: "AP8KQQ==",
    });
  });

  test("reads only the view's bytes of a larger buffer", () => {
    const backing = new Uint8Array([1, 2, 3, 4, 5]);
    expect(chunkFrame("r", backing.subarray(1, 3))).toEqual({ t: "chunk", id: "r", data: "AgM=" });
  });
});

describe("ResponseStream", () => {
  test("opens with its content type before the first chunk, then one frame a write", async () => {
    const { frames, stream } = capture();
    stream.setContentType("text/plain");
    stream.write("hi");
    stream.end(Buffer.from([0xff]));
    await streamEnded(stream);
    expect(frames).toEqual([
      { t: "streamStart", id: "req-1", contentType: "text/plain" },
      { t: "chunk", id: "req-1", data: "aGk=" },
      { t: "chunk", id: "req-1", data: "/w==" },
    ]);
  });

  test("defaults to application/octet-stream and opens even when nothing is written", async () => {
    const { frames, stream } = capture();
    stream.end();
    await streamEnded(stream);
    expect(frames).toEqual([{ t: "streamStart", id: "req-1", contentType: "application/octet-stream" }]);
  });

  test("refuses a content type once started", () => {
    const { stream } = capture();
    stream.write("x");
    expect(() => stream.setContentType("text/html")).toThrow(/already started/);
  });
});

describe("the awslambda global", () => {
  installAwsLambdaGlobal();
  const awslambda = (globalThis as unknown as { awslambda: AwsLambdaGlobal }).awslambda;

  test("streamifyResponse marks the handler with the runtime's symbol", () => {
    const handler = awslambda.streamifyResponse(async () => undefined);
    expect((handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING]).toBe("response");
    expect(isStreamingHandler(handler)).toBe(true);
    expect(isStreamingHandler(async () => undefined)).toBe(false);
  });

  test("HttpResponseStream.from: the prelude's JSON and 8 NUL bytes come first, even with no body", async () => {
    const { frames, stream } = capture();
    awslambda.HttpResponseStream.from(stream, { statusCode: 204 }).end();
    await streamEnded(stream);
    expect(frames).toEqual([
      { t: "streamStart", id: "req-1", contentType: "application/vnd.awslambda.http-integration-response" },
      // {"statusCode":204}
      { t: "chunk", id: "req-1", data: "eyJzdGF0dXNDb2RlIjoyMDR9" },
      { t: "chunk", id: "req-1", data: "AAAAAAAAAAA=" },
    ]);
  });
});

describe("streamEnded", () => {
  test("rejects with the stream's error, and a later write's error is not left unhandled", async () => {
    const { stream } = capture();
    const ended = streamEnded(stream);
    stream.destroy(new Error("first"));
    await expect(ended).rejects.toThrow("first");
    const late = new Promise<Error | null | undefined>((resolve) => stream.write("late", resolve));
    await expect(late).resolves.toMatchObject({ code: "ERR_STREAM_DESTROYED" });
  });
});
