/**
 * The bootstrap of one local Lambda sandbox: it runs inside a worker process that the executor spawns
 * with the Node.js binary of the function's runtime, and plays the part of AWS's Node.js runtime
 * (aws-lambda-nodejs-runtime-interface-client) for exactly one function. This entry only wires the parts in
 * ./runtime/worker/ to the process: frames out, console and streams patched, the handler loaded, invocations in.
 *
 * It is plain Node.js, no tsx: the executor compiles this file and every module it imports with esbuild into
 * `<runDir>/lambda-worker.js` (the daemon does the same for its bundle). Only node: built-ins may be imported by
 * any of them. The protocol with the executor is in ./runtime/protocol.ts.
 *
 * Settings come from the environment AWS gives a function: _HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME,
 * AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME,
 * AWS_LAMBDA_LOG_STREAM_NAME, AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL.
 */
import { isInvokeMessage, TELEMETRY_FD_ENV } from "./runtime/protocol";
import type { Handler } from "./runtime/worker/context";
import { intoError, UnhandledPromiseRejection } from "./runtime/worker/errors";
import { loadHandler } from "./runtime/worker/handler-loader";
import { InvokeLoop } from "./runtime/worker/invoke-loop";
import { keepsRawLine, patchConsole } from "./runtime/worker/logging";
import { installAwsLambdaGlobal } from "./runtime/worker/streaming";
import { patchStream } from "./runtime/worker/streams";
import { openTelemetry, sendLog } from "./runtime/worker/telemetry";

async function main(): Promise<void> {
  openTelemetry(process.env);
  patchConsole(process.env);
  // Raw lines (Powertools' JSON among them) are the function's own records: kept whole, filtered by their level.
  const raw = (text: string): void => {
    if (keepsRawLine(text)) sendLog(text);
  };
  patchStream(process.stdout, raw);
  patchStream(process.stderr, raw);
  installAwsLambdaGlobal();

  // Typed, so that TypeScript sees that crash() does not return.
  const loop: InvokeLoop = new InvokeLoop();
  process.on("uncaughtException", (error) => loop.crash("Uncaught Exception", intoError(error), 129));
  process.on("unhandledRejection", (reason, promise) =>
    loop.crash("Unhandled Promise Rejection", new UnhandledPromiseRejection(reason, promise), 128),
  );
  process.on("beforeExit", () => loop.onBeforeExit());
  // Without the parent nobody can invoke us: end with it.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (message: unknown) => {
    if (isInvokeMessage(message)) loop.invoke(message);
  });

  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const handlerName = process.env._HANDLER ?? "";
  let handler: Handler;
  try {
    handler = await loadHandler(taskRoot, handlerName);
  } catch (error) {
    loop.crash("Uncaught Exception", intoError(error), 129);
  }
  loop.ready(handler);
}

if (process.env[TELEMETRY_FD_ENV] !== undefined && process.send !== undefined) {
  void main();
}
