/**
 * One invocation inside the worker, with the Node.js runtime's rules for ending it: a returned promise, the
 * callback (which by default waits for the event loop to drain), the legacy succeed/fail/done (only the first
 * counts), or, when the event loop runs empty first, null for a sync handler and Runtime.NodeJsExit for an async
 * one. Its single last frame carries the result or the error. Bundled into the worker: Node.js built-ins only.
 */
import type { InvokeMessage, WorkerFrame } from "../protocol";
import { type Callback, createContext, type Handler, type LambdaContext } from "./context";
import { nodeJsExitError, toErrorPayload } from "./errors";
import { logError } from "./logging";
import { responseBody, resultFrame } from "./response";
import { isStreamingHandler, ResponseStream, streamEnded } from "./streaming";
import { flushStreams } from "./streams";
import { memorySample, sendFrame } from "./telemetry";

export interface InvocationHooks {
  /** An `async function` handler: an empty event loop before its promise settles is an error. */
  readonly handlerIsAsync: boolean;
  /** Sets (or clears) what happens when the event loop runs empty: the runtime's BeforeExitListener. */
  readonly onEmptyEventLoop: (action: (() => void) | undefined) => void;
  /** The invocation sent its last frame. */
  readonly onFinished: (invocation: Invocation) => void;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function isError(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export class Invocation {
  finished = false;
  private completeInvoked = false;
  private waitForEmptyEventLoop = true;
  /** Only the first of callback/succeed/fail/done counts, as in the runtime. */
  private settled = false;

  constructor(
    readonly message: InvokeMessage,
    private readonly hooks: InvocationHooks,
  ) {}

  get id(): string {
    return this.message.id;
  }

  /** Calls the handler with the event, a context and a callback; the result arrives later, one way or another. */
  run(handler: Handler): void {
    const done = (error?: unknown, result?: unknown): void => {
      this.hooks.onEmptyEventLoop(undefined);
      if (isError(error)) this.postError(error);
      else this.complete(result);
    };
    const callback: Callback = (error, result) => {
      this.hooks.onEmptyEventLoop(undefined);
      if (isError(error)) this.postError(error);
      else if (!this.waitForEmptyEventLoop) this.complete(result);
      else this.hooks.onEmptyEventLoop(() => setImmediate(() => this.complete(result)));
    };
    const succeed = this.once((result?: unknown) => done(null, result));
    const fail = this.once((error?: unknown) => (isError(error) ? done(error, null) : done("handled")));
    const doneOnce = this.once(done);
    const callbackOnce = this.once(callback);
    this.hooks.onEmptyEventLoop(() => this.onEmptyEventLoop());

    const context = createContext(this.message, process.env, {
      succeed,
      fail,
      done: doneOnce,
      getWaitsForEmptyEventLoop: () => this.waitForEmptyEventLoop,
      setWaitsForEmptyEventLoop: (value) => {
        this.waitForEmptyEventLoop = value;
      },
    });
    if (isStreamingHandler(handler)) {
      this.runStreaming(handler, context);
      return;
    }
    try {
      const event: unknown = JSON.parse(this.message.event);
      const result = handler(event, context, callbackOnce);
      if (isPromiseLike(result)) {
        Promise.resolve(result).then(succeed, fail).catch(fail);
      }
    } catch (error) {
      callbackOnce(error);
    }
  }

  /**
   * A streamified handler gets the response stream instead of a callback; it is done once the stream has ended and
   * its promise (if any) resolved. The chunks went out as they were written: the last frame carries no payload.
   */
  private runStreaming(handler: Handler, context: LambdaContext): void {
    const stream = new ResponseStream(this.id, sendFrame);
    const ended = streamEnded(stream);
    const streamingHandler = handler as unknown as (
      event: unknown,
      stream: ResponseStream,
      context: unknown,
    ) => unknown;
    let result: unknown;
    try {
      result = streamingHandler(JSON.parse(this.message.event), stream, context);
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.all([ended, result])
      .then(() => {
        this.hooks.onEmptyEventLoop(undefined);
        this.finish({ t: "done", id: this.id, payload: "", mem: memorySample() });
      })
      .catch((error: unknown) => {
        this.hooks.onEmptyEventLoop(undefined);
        if (!stream.destroyed) stream.destroy();
        this.postError(error);
      });
  }

  /** The worker is about to exit: reports the error as this invocation's, unless it already ended. */
  failFatally(error: Error): boolean {
    if (this.finished) return false;
    this.finished = true;
    flushStreams();
    sendFrame({ t: "fail", id: this.id, error: toErrorPayload(error), mem: memorySample(), fatal: true });
    return true;
  }

  /** Sets `settled` only once `fn` returned: a callback that throws leaves the next one its chance. */
  private once<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A): void => {
      if (this.settled) return;
      fn(...args);
      this.settled = true;
    };
  }

  /** Sends the last frame, after what the patched streams still hold; anything later is ignored. */
  private finish(frame: WorkerFrame): void {
    if (this.finished) return;
    this.finished = true;
    this.hooks.onEmptyEventLoop(undefined);
    flushStreams();
    sendFrame(frame);
    this.hooks.onFinished(this);
  }

  private postError(error: unknown): void {
    logError("Invoke Error", error);
    this.finish({ t: "fail", id: this.id, error: toErrorPayload(error), mem: memorySample() });
  }

  private complete(result: unknown): void {
    if (this.completeInvoked) {
      console.error(
        "Invocation has already been reported as done. Cannot call complete more than once per invocation.",
      );
      return;
    }
    this.completeInvoked = true;
    const body = responseBody(result);
    this.finish(resultFrame(this.id, body, memorySample()));
  }

  private onEmptyEventLoop(): void {
    this.completeInvoked = true;
    if (this.hooks.handlerIsAsync) {
      const error = nodeJsExitError();
      logError("Invoke Error", error);
      this.finish({ t: "fail", id: this.id, error: toErrorPayload(error), mem: memorySample() });
    } else {
      this.finish({ t: "done", id: this.id, payload: "null", mem: memorySample() });
    }
  }
}
