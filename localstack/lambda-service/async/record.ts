/**
 * The invocation record Lambda sends to an asynchronous invocation's destination, and the message
 * attributes of a dead-letter message, in AWS's shapes, so a consumer written against AWS reads them as is.
 *
 * From the Lambda developer guide ("Capturing records of Lambda asynchronous invocations"):
 *   { version: "1.0", timestamp: ISO-8601,
 *     requestContext: { requestId, functionArn: "<function ARN>:$LATEST", condition, approximateInvokeCount },
 *     requestPayload: <the event>,
 *     responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError?: "Unhandled" },
 *     responsePayload: <the function's response or error> }
 * condition: "Success", "RetriesExhausted" or "EventAgeExceeded". A dead-letter queue gets the event alone,
 * with the attributes RequestID (String), ErrorCode (Number: the 3-digit HTTP status) and ErrorMessage
 * (String: the first 1 KB of the error message).
 */

export type RecordCondition = "Success" | "RetriesExhausted" | "EventAgeExceeded";

/** The last attempt's answer; absent when the function was never reached (throttled until too old). */
export interface LastResponse {
  readonly statusCode: number;
  readonly functionError?: string;
  /** The response or error payload, as JSON text. */
  readonly payload: string;
}

export interface InvocationRecord {
  readonly version: "1.0";
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: RecordCondition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  readonly responsePayload?: unknown;
}

/** JSON text as a value; text that is not JSON stays a string (the record must still be written). */
function parsed(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface RecordInput {
  readonly requestId: string;
  /** The unqualified function ARN; the record names $LATEST, the version that ran. */
  readonly functionArn: string;
  readonly condition: RecordCondition;
  readonly approximateInvokeCount: number;
  /** The event, as JSON text. */
  readonly payload: string;
  readonly response?: LastResponse;
  readonly nowMs: number;
}

export function invocationRecord(input: RecordInput): InvocationRecord {
  const { response } = input;
  return {
    version: "1.0",
    timestamp: new Date(input.nowMs).toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: `${input.functionArn}:$LATEST`,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: parsed(input.payload),
    ...(response === undefined
      ? {}
      : {
          responseContext: {
            statusCode: response.statusCode,
            executedVersion: "$LATEST",
            ...(response.functionError === undefined ? {} : { functionError: response.functionError }),
          },
          responsePayload: parsed(response.payload),
        }),
  };
}

/** The error message of a failed attempt: a function error's errorMessage, or a service error's text. */
export function errorMessageOf(response: LastResponse | undefined, fallback: string): string {
  const value = response === undefined ? undefined : parsed(response.payload);
  const message =
    value !== null &&
    typeof value === "object" &&
    typeof (value as { errorMessage?: unknown }).errorMessage === "string"
      ? (value as { errorMessage: string }).errorMessage
      : fallback;
  return Buffer.from(message).subarray(0, 1024).toString("utf8");
}

export interface DeadLetterAttributes {
  readonly RequestID: { readonly DataType: "String"; readonly StringValue: string };
  readonly ErrorCode: { readonly DataType: "Number"; readonly StringValue: string };
  readonly ErrorMessage: { readonly DataType: "String"; readonly StringValue: string };
}

/** The attributes of a dead-letter message (SQS message attributes; SNS message attributes alike). */
export function deadLetterAttributes(
  requestId: string,
  statusCode: number,
  errorMessage: string,
): DeadLetterAttributes {
  return {
    RequestID: { DataType: "String", StringValue: requestId },
    ErrorCode: { DataType: "Number", StringValue: String(statusCode) },
    ErrorMessage: { DataType: "String", StringValue: errorMessage },
  };
}
