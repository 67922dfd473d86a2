/**
 * The invocation record and dead-letter attributes, against the shapes in AWS's "Capturing records of
 * Lambda asynchronous invocations" page (its example record, field by field).
 */
import { deadLetterAttributes, errorMessageOf, invocationRecord } from "#local/lambda-service/async/record";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:my-function";

describe("invocationRecord", () => {
  it("has the documented shape for a failure", () => {
    const record = invocationRecord({
      requestId: "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
      functionArn: ARN,
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
      payload: '{"ORDER_IDS":["9e07af03-ce31-4ff3-xmpl-36dce652cb4f"]}',
      response: {
        statusCode: 200,
        functionError: "Unhandled",
        payload: '{"errorMessage":"RequestId: e4b46cbf Process exited before completing request"}',
      },
      nowMs: Date.parse("2019-11-14T18:16:05.568Z"),
    });
    expect(record).toEqual({
      version: "1.0",
      timestamp: "2019-11-14T18:16:05.568Z",
      requestContext: {
        requestId: "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
        functionArn: "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
      },
      requestPayload: { ORDER_IDS: ["9e07af03-ce31-4ff3-xmpl-36dce652cb4f"] },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorMessage: "RequestId: e4b46cbf Process exited before completing request" },
    });
  });

  it("has no functionError on success, and keeps a response that is not JSON as text", () => {
    const record = invocationRecord({
      requestId: "r",
      functionArn: ARN,
      condition: "Success",
      approximateInvokeCount: 1,
      payload: "{}",
      response: { statusCode: 200, payload: "null" },
      nowMs: 0,
    });
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: "$LATEST" });
    expect(record.responsePayload).toBeNull();
    expect(
      invocationRecord({
        ...{ requestId: "r", functionArn: ARN, condition: "Success", approximateInvokeCount: 1 },
        payload: "x",
        nowMs: 0,
      }).requestPayload,
    ).toBe("x");
  });

  it("has no response when the function was never reached", () => {
    const record = invocationRecord({
      requestId: "r",
      functionArn: ARN,
      condition: "EventAgeExceeded",
      approximateInvokeCount: 0,
      payload: "{}",
      nowMs: 0,
    });
    expect(record).not.toHaveProperty("responseContext");
    expect(record).not.toHaveProperty("responsePayload");
  });
});

describe("dead letters", () => {
  it("carries RequestID, ErrorCode (Number) and ErrorMessage", () => {
    expect(deadLetterAttributes("req-1", 200, "boom")).toEqual({
      RequestID: { DataType: "String", StringValue: "req-1" },
      ErrorCode: { DataType: "Number", StringValue: "200" },
      ErrorMessage: { DataType: "String", StringValue: "boom" },
    });
  });

  it("takes the error message from the function's error, cut to 1 KB", () => {
    expect(
      errorMessageOf({ statusCode: 200, functionError: "Unhandled", payload: '{"errorMessage":"boom"}' }, "x"),
    ).toBe("boom");
    expect(errorMessageOf(undefined, "Rate Exceeded.")).toBe("Rate Exceeded.");
    const long = "é".repeat(2000);
    expect(
      Buffer.byteLength(errorMessageOf({ statusCode: 200, payload: JSON.stringify({ errorMessage: long }) }, "")),
    ).toBeLessThanOrEqual(1024);
  });
});
