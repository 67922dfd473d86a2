/**
 * InvokeWithResponseStream (POST /2021-11-15/functions/<name>/response-streaming-invocations): the function's
 * response as an event stream, a PayloadChunk per chunk as the handler writes it, then InvokeComplete (with the
 * error's type and message when the function failed, and the log tail when asked), framed as AWS's event stream;
 * the Content-Type header is the stream's own content type (ResponseStreamContentType). The HTTP status and headers go
 * with the first event, so a refusal before it (unknown function, throttling) is an ordinary API error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_REQUEST_BYTES } from "../executor";
import type { FunctionSpec, InvokeResult, ResponseStreamSink } from "../types";
import { encodeEvent } from "./event-stream";
import { functionByName } from "./functions";
import { ApiError, readBody, send } from "./http";
import type { LambdaCall, RouteContext } from "./route";

export async function invokeStreamRoute(ctx: RouteContext, { req, res, path, method }: LambdaCall): Promise<boolean> {
  const m = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/.exec(path);
  if (!(m && method === "POST")) return false;
  const fn = functionByName(ctx.backend, m[1] ?? "");
  await invokeStream(ctx, req, res, fn);
  return true;
}

/** What AWS puts in InvokeComplete for a failed invocation: the error payload's type and message. */
function errorFields(result: InvokeResult): { ErrorCode?: string; ErrorDetails?: string } {
  if (!result.functionError) return {};
  try {
    const error = JSON.parse(result.payload.toString("utf8")) as { errorType?: unknown; errorMessage?: unknown };
    return {
      ErrorCode: typeof error.errorType === "string" ? error.errorType : result.functionError,
      ErrorDetails: typeof error.errorMessage === "string" ? error.errorMessage : "",
    };
  } catch {
    return { ErrorCode: result.functionError, ErrorDetails: "" };
  }
}

async function invokeStream(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, fn: FunctionSpec) {
  const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
  if (type !== "RequestResponse" && type !== "DryRun") {
    throw new ApiError(400, "InvalidParameterValueException", `Invalid InvocationType: ${type}`);
  }
  const payload = await readBody(req, MAX_REQUEST_BYTES);
  if (type === "DryRun") {
    send(res, 204, undefined);
    return;
  }
  let contentType: string | undefined;
  const event = (eventType: string, eventContentType: string, data: Buffer) => {
    if (!res.headersSent) {
      res.writeHead(200, {
        "Content-Type": contentType ?? "application/json",
        "X-Amz-Executed-Version": "$LATEST",
      });
    }
    res.write(encodeEvent(eventType, eventContentType, data));
  };
  const sink: ResponseStreamSink = {
    start: (streamType) => {
      contentType = streamType;
    },
    chunk: (data) => event("PayloadChunk", "application/octet-stream", data),
  };
  let result: InvokeResult;
  try {
    result = await ctx.backend.invoke(fn.name, payload.length === 0 ? Buffer.from("{}") : payload, { stream: sink });
  } catch (error) {
    // Before the first event the server answers the error; after it the stream can only be cut short.
    if (!res.headersSent) throw error;
    res.destroy();
    return;
  }
  // A handler that did not stream: its whole result is the one chunk.
  if (contentType === undefined && !result.functionError)
    event("PayloadChunk", "application/octet-stream", result.payload);
  const tail = String(req.headers["x-amz-log-type"] ?? "") === "Tail";
  const complete = {
    ...errorFields(result),
    ...(tail ? { LogResult: Buffer.from(result.logTail).toString("base64") } : {}),
  };
  event("InvokeComplete", "application/json", Buffer.from(JSON.stringify(complete)));
  res.end();
}
