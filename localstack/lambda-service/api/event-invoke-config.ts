/**
 * Where the event-invoke-config API (Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s)) meets the
 * server: the answers come from async/config-store.ts, for the functions this service runs, when it
 * queues Event invocations itself.
 */
import { answerEventInvokeConfig } from "../async/config-store";
import { ApiError, readBody, send } from "./http";
import type { LambdaCall, RouteContext } from "./route";
import { functionNameOf } from "./shapes";

export async function eventInvokeConfigRoute({ backend }: RouteContext, call: LambdaCall): Promise<boolean> {
  const { req, res, url, path, method } = call;
  if (backend.asyncInvocation && path.startsWith("/2019-09-25/functions/")) {
    const answer = await answerEventInvokeConfig(backend.asyncInvocation.configs, {
      method,
      path,
      query: url.searchParams,
      functionName: (identifier) => {
        const name = functionNameOf(identifier);
        return backend.functions().some((f) => f.name === name) ? name : undefined;
      },
      body: async () => JSON.parse((await readBody(req, 256 * 1024)).toString() || "{}") as Record<string, unknown>,
    });
    if (answer) {
      if ("error" in answer) throw new ApiError(answer.status, answer.error.type, answer.error.message);
      send(res, answer.status, answer.body);
      return true;
    }
  }
  return false;
}
