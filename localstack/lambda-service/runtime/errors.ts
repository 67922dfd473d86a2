/**
 * The errors the executor throws to its callers (as opposed to function errors, which are invoke results): kept in
 * one place so the HTTP API, the pool and the executor agree on names and status codes.
 */

/** An error of the Invoke API itself (the request never ran), named after AWS's exception. */
export class LambdaServiceError extends Error {
  constructor(
    readonly code:
      | "ResourceNotFoundException"
      | "RequestEntityTooLargeException"
      | "InvalidRequestContentException"
      | "TooManyRequestsException"
      | "InvalidRuntimeException"
      | "ServiceException",
    message: string,
    readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

/** The caller's signal aborted the invocation (while queued, it never runs; while running, it runs on unobserved). */
export class InvocationAbortedError extends Error {
  constructor(functionName: string, options?: { cause?: unknown }) {
    super(`invocation of ${functionName} aborted`, options);
    this.name = "AbortError";
  }
}

export class ExecutorClosedError extends Error {
  constructor(what: string) {
    super(`the Lambda executor is closed: ${what}`);
    this.name = "ExecutorClosedError";
  }
}
