/**
 * Response streaming inside the worker, as AWS's Node.js runtime offers it: the global `awslambda` with
 * `streamifyResponse` (which marks a handler with the runtime's symbol) and `HttpResponseStream.from` (which puts a
 * JSON prelude and 8 NUL bytes before the body), and the writable `responseStream` a marked handler is given. Each
 * chunk leaves as a frame the moment it is written, so the executor sees it before the handler ends; whether it is
 * streamed to a client or concatenated into one payload is the executor's business. Bundled into the worker:
 * Node.js built-ins only.
 */
import { Writable } from "node:stream";
import { DEFAULT_STREAM_CONTENT_TYPE, HTTP_INTEGRATION_CONTENT_TYPE, type WorkerFrame } from "../protocol";

/** Where the runtime looks for the mark `streamifyResponse` leaves (aws-lambda-nodejs-runtime-interface-client). */
export const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const STREAM_RESPONSE = "response";
/** Between the prelude's JSON and the body. */
const PRELUDE_DELIMITER = new Uint8Array(8);

export function isStreamingHandler(handler: unknown): boolean {
  return (
    typeof handler === "function" &&
    (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === STREAM_RESPONSE
  );
}

/** The frame of one written chunk: the bytes as base64, so that any byte survives the JSON line. */
export function chunkFrame(id: string, data: Uint8Array): WorkerFrame {
  return { t: "chunk", id, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") };
}

/** The handler's `responseStream`: a Writable whose chunks become frames as they are written. */
export class ResponseStream extends Writable {
  private contentType = DEFAULT_STREAM_CONTENT_TYPE;
  private started = false;
  /** Runs once before the first chunk (or the end, when nothing is written): the prelude goes out there. */
  private beforeFirstWrite: ((write: (data: Uint8Array) => void) => void) | undefined;

  constructor(
    private readonly id: string,
    private readonly send: (frame: WorkerFrame) => void,
  ) {
    super();
  }

  /** The runtime's ResponseStream method; only before the first chunk, as there. */
  setContentType(contentType: string): void {
    if (this.started) throw new Error("Cannot set content-type, the stream has already started");
    this.contentType = contentType;
  }

  /** `HttpResponseStream.from`: the prelude becomes the stream's first bytes. */
  setPrelude(prelude: unknown): void {
    this.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const text = JSON.stringify(prelude ?? {});
    this.beforeFirstWrite = (write) => {
      write(Buffer.from(text, "utf8"));
      write(PRELUDE_DELIMITER);
    };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.start();
    this.send(chunkFrame(this.id, chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.start();
    callback();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.send({ t: "streamStart", id: this.id, contentType: this.contentType });
    const before = this.beforeFirstWrite;
    this.beforeFirstWrite = undefined;
    before?.((data) => this.send(chunkFrame(this.id, data)));
  }
}

/**
 * Settles when the stream has ended (resolved) or failed (rejected with its first error). It keeps listening for
 * errors: a write after the invocation failed must not become the worker's uncaught exception.
 */
export function streamEnded(stream: ResponseStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("finish", () => resolve());
    stream.on("error", reject);
  });
}

/** Defines the global `awslambda`, as the runtime does before the handler loads. */
export function installAwsLambdaGlobal(): void {
  const awslambda = {
    streamifyResponse<H extends object>(handler: H, _options?: unknown): H {
      (handler as Record<symbol, unknown>)[HANDLER_STREAMING] = STREAM_RESPONSE;
      return handler;
    },
    HttpResponseStream: {
      from(stream: ResponseStream, prelude: unknown): ResponseStream {
        stream.setPrelude(prelude);
        return stream;
      },
    },
  };
  Object.defineProperty(globalThis, "awslambda", { value: awslambda, writable: true, configurable: true });
}
