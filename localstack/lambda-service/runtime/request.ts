/**
 * Checks an Invoke request's payload before anything runs, with the exceptions AWS's Invoke API answers: the
 * executor stays about running, and the limits are testable without a worker.
 */
import { LambdaServiceError } from "./errors";

/** AWS's maximum synchronous request payload, in bytes (6 MiB). */
export const MAX_REQUEST_BYTES = 6_291_456;

/**
 * The event as JSON text (an empty payload is `{}`), or the Invoke API's refusal. A string is JSON the service
 * rendered itself: only its size is checked (UTF-8 takes at most 3 bytes per UTF-16 unit, so short text is not
 * measured).
 */
export function eventTextOf(payload: Buffer | string): string {
  if (typeof payload === "string") {
    if (payload.length * 3 > MAX_REQUEST_BYTES && Buffer.byteLength(payload) > MAX_REQUEST_BYTES) throw tooLarge();
    return payload;
  }
  if (payload.length > MAX_REQUEST_BYTES) throw tooLarge();
  const eventText = payload.length === 0 ? "{}" : payload.toString("utf8");
  try {
    JSON.parse(eventText);
  } catch (error) {
    throw new LambdaServiceError(
      "InvalidRequestContentException",
      `Could not parse request body into json: ${(error as Error).message}`,
      400,
      { cause: error },
    );
  }
  return eventText;
}

const tooLarge = (): LambdaServiceError =>
  new LambdaServiceError(
    "RequestEntityTooLargeException",
    `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
    413,
  );
