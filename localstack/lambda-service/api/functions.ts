/**
 * The function routes: ListFunctions, GetFunction / GetFunctionConfiguration and GetFunctionUrlConfig /
 * ListFunctionUrlConfigs for the functions this service runs. A function it does not run is left to
 * LocalStack, which may host it.
 */
import type { FunctionSpec } from "../types";
import { functionUrlConfig } from "../urls/config";
import type { LambdaBackend } from "./backend";
import { ApiError, send } from "./http";
import type { LambdaCall, RouteContext } from "./route";
import { functionArn, functionConfiguration, functionNameOf } from "./shapes";

/** The function a name or ARN names, or the Lambda API's ResourceNotFoundException. */
export function functionByName(backend: LambdaBackend, identifier: string): FunctionSpec {
  const name = functionNameOf(identifier);
  const fn = backend.functions().find((f) => f.name === name);
  if (!fn) {
    throw new ApiError(404, "ResourceNotFoundException", `Function not found: ${functionArn(backend, name)}`);
  }
  return fn;
}

export async function functionRoutes(ctx: RouteContext, { res, url, path, method }: LambdaCall): Promise<boolean> {
  const { backend } = ctx;
  if (/^\/2015-03-31\/functions$/.test(path) && method === "GET") {
    const functions = backend.functions().map((f) => functionConfiguration(backend, f, ctx.startedAt));
    send(res, 200, { Functions: functions });
    return true;
  }
  let m = /^\/2015-03-31\/functions\/([^/]+)(\/configuration)?$/.exec(path);
  if (m && method === "GET") {
    const name = functionNameOf(m[1] ?? "");
    if (!backend.functions().some((f) => f.name === name)) return false; // maybe a LocalStack-hosted function
    const fn = functionByName(backend, name);
    const configuration = functionConfiguration(backend, fn, ctx.startedAt);
    if (m[2]) send(res, 200, configuration);
    else {
      send(res, 200, {
        Configuration: configuration,
        Code: { RepositoryType: "Local", Location: fn.codeDir },
        ...(fn.reservedConcurrency === undefined
          ? {}
          : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }),
      });
    }
    return true;
  }
  m = /^\/2021-10-31\/functions\/([^/]+)\/(url|urls)$/.exec(path);
  if (m && method === "GET") {
    const name = functionNameOf(m[1] ?? "");
    if (!backend.functions().some((f) => f.name === name)) return false;
    const qualifier = url.searchParams.get("Qualifier") ?? undefined;
    const { region, accountId } = backend;
    const env = { region, accountId, port: ctx.port(), createdAt: ctx.startedAt };
    const configs = backend
      .functionUrls()
      .filter((u) => u.functionName === name && (m?.[2] === "urls" || u.qualifier === qualifier))
      .map((u) => functionUrlConfig(u, env));
    if (m[2] === "urls") send(res, 200, { FunctionUrlConfigs: configs });
    else if (configs[0]) send(res, 200, configs[0]);
    else throw new ApiError(404, "ResourceNotFoundException", "The resource you requested does not exist.");
    return true;
  }
  return false;
}
