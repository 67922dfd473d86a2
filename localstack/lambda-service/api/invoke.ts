/**
 * The Invoke route (POST /2015-03-31/functions/<name>/invocations) with its three invocation types:
 * RequestResponse runs the function and answers with its result, Event answers 202 once the event is
 * queued, DryRun only checks the request.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_REQUEST_BYTES } from "../executor";
import type { FunctionSpec } from "../types";
import { functionByName } from "./functions";
import { ApiError, readBody, send } from "./http";
import type { LambdaCall, RouteContext } from "./route";

/** Asynchronous (Event) invocations take at most 1 MB (the limit since 2025; 256 KB before). */
const MAX_ASYNC_PAYLOAD = 1024 * 1024;

export async function invokeRoute(ctx: RouteContext, { req, res, path, method }: LambdaCall): Promise<boolean> {
  const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
  if (!(m && method === "POST")) return false;
  const fn = functionByName(ctx.backend, m[1] ?? "");
  await invoke(ctx, req, res, fn);
  return true;
}

async function invoke(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, fn: FunctionSpec): Promise<void> {
  const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
  if (!["RequestResponse", "Event", "DryRun"].includes(type)) {
    throw new ApiError(400, "InvalidParameterValueException", `Invalid InvocationType: ${type}`);
  }
  const payload = await readBody(req, type === "Event" ? MAX_ASYNC_PAYLOAD : MAX_REQUEST_BYTES);
  // A synchronous payload is checked by the executor (its errors map to the API's below); an Event one is
  // checked here, because the caller has its 202 before the executor sees it.
  if (type === "Event" && payload.length > 0) {
    try {
      JSON.parse(payload.toString("utf8"));
    } catch {
      throw new ApiError(400, "InvalidRequestContentException", "Could not parse request body into json");
    }
  }
  const body = payload.length === 0 ? Buffer.from("{}") : payload;
  if (type === "DryRun") {
    send(res, 204, undefined);
    return;
  }
  const queue = ctx.backend.asyncInvocation;
  if (type === "Event" && queue) {
    // 202 only once the event is on disk: an accepted event is never lost.
    const requestId = await queue.enqueue(fn.name, body);
    send(res, 202, undefined, { "x-amzn-RequestId": requestId });
    return;
  }
  if (type === "Event") {
    const requestId = randomUUID();
    ctx.backend.invoke(fn.name, body, { requestId }).catch((error: unknown) => {
      ctx.log("asynchronous invocation failed", { function: fn.name, error: (error as Error).message });
    });
    send(res, 202, undefined, { "x-amzn-RequestId": requestId });
    return;
  }
  const result = await ctx.backend.invoke(fn.name, body);
  const headers: Record<string, string> = {
    "x-amzn-RequestId": result.requestId,
    "X-Amz-Executed-Version": "$LATEST",
  };
  if (result.functionError) headers["X-Amz-Function-Error"] = result.functionError;
  if (String(req.headers["x-amz-log-type"] ?? "") === "Tail") {
    headers["X-Amz-Log-Result"] = Buffer.from(result.logTail).toString("base64");
  }
  send(res, 200, result.payload, headers);
}
