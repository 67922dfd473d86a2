/**
 * The helpers every Lambda API route answers with: a body read that stops keeping bytes past its limit and
 * then refuses with AWS's 413, JSON answers with a request id, and errors in the API's shape (the
 * x-amzn-ErrorType header, {Type, message} body).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { ApiError, readBody, send, sendError } from "#local/lambda-service/api/http";

/** A response that records what was written. */
function recorder() {
  const written: { status?: number; headers?: Record<string, string>; body?: string } = {};
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      written.status = status;
      written.headers = headers;
    },
    end(body: string | Buffer) {
      written.body = body.toString();
    },
  } as unknown as ServerResponse;
  return { res, written };
}

const request = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c))) as unknown as IncomingMessage;

describe("readBody", () => {
  it("joins the chunks of a body within the limit", async () => {
    await expect(readBody(request('{"a":', "1}"), 7)).resolves.toEqual(Buffer.from('{"a":1}'));
  });

  it("refuses a body over the limit with AWS's RequestEntityTooLargeException", async () => {
    await expect(readBody(request("12345", "67"), 6)).rejects.toMatchObject({
      status: 413,
      type: "RequestEntityTooLargeException",
      kind: "User",
      message: "Request must be smaller than 6 bytes for the InvokeFunction operation",
    });
  });
});

describe("send", () => {
  it("answers JSON with its length and a fresh request id", () => {
    const { res, written } = recorder();
    send(res, 200, { Functions: [] });
    expect(written.status).toBe(200);
    expect(written.body).toBe('{"Functions":[]}');
    expect(written.headers).toMatchObject({ "Content-Type": "application/json", "Content-Length": "16" });
    expect(written.headers?.["x-amzn-RequestId"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("passes a Buffer through as it is, keeps a given request id and sends nothing for undefined", () => {
    const a = recorder();
    send(a.res, 200, Buffer.from('"ok"'), { "x-amzn-RequestId": "r-1", "X-Amz-Executed-Version": "$LATEST" });
    expect(a.written).toMatchObject({ body: '"ok"', headers: { "x-amzn-RequestId": "r-1", "Content-Length": "4" } });
    const b = recorder();
    send(b.res, 204, undefined);
    expect(b.written).toMatchObject({ status: 204, body: "", headers: { "Content-Length": "0" } });
  });
});

describe("sendError", () => {
  it("answers in the Lambda API's error shape", () => {
    const { res, written } = recorder();
    sendError(res, new ApiError(404, "ResourceNotFoundException", "Function not found: f"));
    expect(written.status).toBe(404);
    expect(written.headers).toMatchObject({ "x-amzn-ErrorType": "ResourceNotFoundException" });
    expect(JSON.parse(written.body ?? "")).toEqual({ Type: "User", message: "Function not found: f" });
  });

  it("reports a service-side error as Type Service", () => {
    const { res, written } = recorder();
    sendError(res, new ApiError(502, "ServiceUnavailableException", "LocalStack is down", "Service"));
    expect(JSON.parse(written.body ?? "")).toEqual({ Type: "Service", message: "LocalStack is down" });
  });
});

describe("ApiError", () => {
  it("is named after its type", () => {
    expect(new ApiError(400, "InvalidParameterValueException", "bad").name).toBe("InvalidParameterValueException");
  });
});
