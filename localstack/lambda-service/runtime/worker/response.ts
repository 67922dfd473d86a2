/**
 * A handler's result as the invocation's last frame: JSON (undefined becomes null), and refused as
 * Function.ResponseSizeTooLarge above Lambda's 6 MB response limit. Bundled into the worker: no imports beyond the
 * protocol.
 */
import { MAX_RESPONSE_BYTES, type MemorySample, responseTooLarge, type WorkerFrame } from "../protocol";

/** The result as JSON text; throws (with the cause) what JSON cannot represent, e.g. a circular object. */
export function responseBody(result: unknown): string {
  try {
    return JSON.stringify(result === undefined ? null : result) ?? "null";
  } catch (error) {
    throw new Error("Unable to stringify response body", { cause: error });
  }
}

/** "done" with the body, or "fail" when it is over the limit. */
export function resultFrame(id: string, body: string, mem: MemorySample): WorkerFrame {
  if (Buffer.byteLength(body, "utf8") > MAX_RESPONSE_BYTES) {
    return { t: "fail", id, error: responseTooLarge(), mem };
  }
  return { t: "done", id, payload: body, mem };
}
