/**
 * Errors inside the worker, named and shaped as AWS's Node.js runtime names and shapes them: the payload a failed
 * invocation returns, and the text the runtime logs for "Invoke Error", "Uncaught Exception" and the like.
 * Bundled into the worker: Node.js built-ins only.
 */
import { types } from "node:util";
import type { ErrorPayload } from "../protocol";

/** `Runtime.<name>`, the runtime's own errors (HandlerNotFound, ImportModuleError, …). */
export class RuntimeError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = `Runtime.${name}`;
  }
}

/** An `unhandledRejection`: the message is the reason as text, e.g. "Error: nope". */
export class UnhandledPromiseRejection extends Error {
  constructor(
    readonly reason: unknown,
    readonly promise: unknown,
  ) {
    super(String(reason));
    this.name = "Runtime.UnhandledPromiseRejection";
  }
}

/** An async handler whose promise never settled when the event loop ran empty. */
export function nodeJsExitError(): Error {
  return new RuntimeError(
    "NodeJsExit",
    "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a " +
      "Promise that was never settled. For more information, see " +
      "https://nodejs.org/docs/latest/api/process.html#exit-codes",
  );
}

function isErrorLike(value: unknown): value is Error {
  if (types.isNativeError(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const { name, message, stack } = value as Record<string, unknown>;
  return typeof name === "string" && typeof message === "string" && typeof stack === "string";
}

/** The invoke payload of an error: {errorType, errorMessage, trace}. */
export function toErrorPayload(error: unknown): ErrorPayload {
  try {
    if (isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? "").split("\n") };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

export function intoError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Errors with their enumerable properties, as the runtime logs them: errorType, errorMessage, code, …, stack[]. */
function withEnumerableProperties(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const shaped: Record<string, unknown> = {
    errorType: value.name,
    errorMessage: value.message,
    code: (value as NodeJS.ErrnoException).code,
    ...value,
  };
  if (typeof value.stack === "string") shaped.stack = value.stack.split("\n");
  return shaped;
}

/** "\t" + the error as JSON: the text format's rendering of "Invoke Error", "Uncaught Exception" and the like. */
export function formatError(error: Error): string {
  try {
    return `\t${JSON.stringify(error, withEnumerableProperties)}`;
  } catch {
    return `\t${JSON.stringify(toErrorPayload(error))}`;
  }
}
