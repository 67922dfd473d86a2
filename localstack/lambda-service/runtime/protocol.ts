/**
 * The contract between the executor and the worker process it spawns, kept apart because both sides compile it:
 * the executor into the service, the worker into its self-contained bootstrap (so: no imports; types, constants and
 * the worker's check of IPC messages only).
 *
 * - parent → worker: IPC messages (`process.send`), one {@link InvokeMessage} per invocation, never two at once.
 * - worker → parent: newline-delimited JSON {@link WorkerFrame}s written synchronously to a dedicated pipe (the fd
 *   named by {@link TELEMETRY_FD_ENV}), like AWS's `_LAMBDA_TELEMETRY_LOG_FD`.
 */

/** Names the fd the worker writes its frames to; removed from the environment before user code loads. */
export const TELEMETRY_FD_ENV = "_SLUICE_LAMBDA_TELEMETRY_FD";

/** The fd of the worker → executor frame pipe: stdin, stdout, stderr, IPC, then this one. */
export const TELEMETRY_FD = 4;

/** AWS's maximum synchronous response payload, in bytes (6 MiB + 100, as Lambda enforces it). */
export const MAX_RESPONSE_BYTES = 6_291_556;

/** Lambda's error for a response over {@link MAX_RESPONSE_BYTES}. */
export function responseTooLarge(): ErrorPayload {
  return {
    errorType: "Function.ResponseSizeTooLarge",
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

/** Memory figures travel in KiB, as Linux and `process.resourceUsage()` report them. */
export const KIB_PER_MIB = 1024;

/** An error in the shape Lambda returns it as the invoke payload (`Errors.toRapidResponse` of the runtime). */
export interface ErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export interface MemorySample {
  /** Resident set size now, KiB. */
  readonly rssKb: number;
  /** Peak resident set size of the process, KiB. */
  readonly maxRssKb: number;
}

/** Sent by the parent to start one invocation. */
export interface InvokeMessage {
  readonly t: "invoke";
  readonly id: string;
  /** The event as JSON text. */
  readonly event: string;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  /** The X-Ray trace header (`_X_AMZN_TRACE_ID`). */
  readonly traceId?: string;
}

/** The content type of a response stream whose handler set none (the Node.js runtime's default). */
export const DEFAULT_STREAM_CONTENT_TYPE = "application/octet-stream";

/** The content type `awslambda.HttpResponseStream.from` sets: a JSON prelude, 8 NUL bytes, then the body. */
export const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";

export type WorkerFrame =
  | { readonly t: "ready"; readonly mem: MemorySample }
  /** A streamified handler's response stream opened (sent once, before its first chunk or its end). */
  | { readonly t: "streamStart"; readonly id: string; readonly contentType: string }
  /** One chunk written to the response stream, base64 (frames are JSON text lines). */
  | { readonly t: "chunk"; readonly id: string; readonly data: string }
  | { readonly t: "initError"; readonly error: ErrorPayload }
  | { readonly t: "log"; readonly ts: number; readonly msg: string }
  | { readonly t: "done"; readonly id: string; readonly payload: string; readonly mem: MemorySample }
  | {
      readonly t: "fail";
      readonly id: string;
      readonly error: ErrorPayload;
      readonly mem: MemorySample;
      /** The worker exits right after this frame (uncaught exception, unhandled rejection). */
      readonly fatal?: true;
    };

/** The worker's check of what arrives over IPC. */
export function isInvokeMessage(value: unknown): value is InvokeMessage {
  return typeof value === "object" && value !== null && (value as { t?: unknown }).t === "invoke";
}
