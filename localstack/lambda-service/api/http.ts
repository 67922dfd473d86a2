/**
 * Request and response helpers every route shares: a bounded body read, a JSON answer with a request id,
 * and errors in the Lambda API's shape (the x-amzn-ErrorType header, {Type, message}). Its own file so the
 * routes and the server answer alike without depending on each other.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBodyWithin } from "../request-body";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly kind: "User" | "Service" = "User",
  ) {
    super(message);
    this.name = type;
  }
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const body = await readBodyWithin(req, limit);
  if (body === undefined) {
    throw new ApiError(
      413,
      "RequestEntityTooLargeException",
      `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    );
  }
  return body;
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    "x-amzn-RequestId": headers["x-amzn-RequestId"] ?? randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  send(res, error.status, { Type: error.kind, message: error.message }, { "x-amzn-ErrorType": error.type });
}
