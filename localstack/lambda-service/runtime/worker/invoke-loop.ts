/**
 * The worker's life after its bootstrap: init (the handler loads, or the init error is reported), then invocations
 * one at a time as the executor sends them, and a crash on an uncaught error, reported for whatever was running,
 * as AWS's Node.js runtime does. Bundled into the worker: Node.js built-ins only.
 */
import type { InvokeMessage } from "../protocol";
import type { Handler } from "./context";
import { toErrorPayload } from "./errors";
import { Invocation } from "./invocation";
import { logError, setCurrentRequestId } from "./logging";
import { flushStreams } from "./streams";
import { memorySample, sendFrame } from "./telemetry";

/** The IPC channel keeps the process alive between invocations; during one it must not, or "empty event loop" is never seen. */
function holdChannel(hold: boolean): void {
  const channel = process.channel;
  if (!channel) return;
  if (hold) channel.ref();
  else channel.unref();
}

export class InvokeLoop {
  private handler: Handler | undefined;
  private handlerIsAsync = false;
  private initializing = true;
  private active: Invocation | undefined;
  /** The runtime's BeforeExitListener: what to do when the event loop runs empty during an invocation. */
  private emptyEventLoopAction: (() => void) | undefined;

  /** Init is over: tells the executor, which may now send invocations. */
  ready(handler: Handler): void {
    this.handler = handler;
    this.handlerIsAsync = handler.constructor?.name === "AsyncFunction";
    this.initializing = false;
    flushStreams();
    sendFrame({ t: "ready", mem: memorySample() });
  }

  /** The process's `beforeExit`: the event loop ran empty. */
  onBeforeExit(): void {
    this.emptyEventLoopAction?.();
  }

  invoke(message: InvokeMessage): void {
    const handler = this.handler;
    if (!handler || this.active) return; // the parent never sends one before "ready", nor two at once
    const invocation = new Invocation(message, {
      handlerIsAsync: this.handlerIsAsync,
      onEmptyEventLoop: (action) => {
        this.emptyEventLoopAction = action;
      },
      onFinished: (finished) => {
        if (this.active === finished) this.active = undefined;
        holdChannel(true);
      },
    });
    this.active = invocation;
    setCurrentRequestId(message.id);
    if (message.traceId) process.env._X_AMZN_TRACE_ID = message.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    holdChannel(false);
    invocation.run(handler);
  }

  /**
   * Outside an invocation an uncaught error ends the sandbox (exit 129 / 128, like the runtime); during one it also
   * becomes the invocation's error first; during init, the init error.
   */
  crash(label: string, error: Error, exitCode: number): never {
    logError(label, error);
    if (!this.active?.failFatally(error)) {
      flushStreams();
      if (this.initializing) sendFrame({ t: "initError", error: toErrorPayload(error) });
    }
    process.exit(exitCode);
  }
}
