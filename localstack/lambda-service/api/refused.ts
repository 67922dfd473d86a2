/**
 * Calls that would change a function this service runs — its configuration, code, concurrency, versions,
 * aliases, permissions or URL, or deleting it — are refused by name: these functions are what the deployed CDK
 * app says, so a change belongs in the app, then `deploy:local`. Passed through instead, LocalStack (which does
 * not host them) would answer "Function not found" for a function ListFunctions lists. The same calls for a
 * function this service does not run still go to LocalStack.
 */

import { ApiError } from "./http";
import type { LambdaCall, RouteContext } from "./route";
import { functionNameOf } from "./shapes";

/** [method, path, operation]; the path's first group is the function's name or ARN. */
const CHANGES: readonly (readonly [string, RegExp, string])[] = [
  ["PUT", /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, "UpdateFunctionConfiguration"],
  ["PUT", /^\/2015-03-31\/functions\/([^/]+)\/code$/, "UpdateFunctionCode"],
  ["DELETE", /^\/2015-03-31\/functions\/([^/]+)$/, "DeleteFunction"],
  ["PUT", /^\/2017-10-31\/functions\/([^/]+)\/concurrency$/, "PutFunctionConcurrency"],
  ["DELETE", /^\/2017-10-31\/functions\/([^/]+)\/concurrency$/, "DeleteFunctionConcurrency"],
  ["PUT", /^\/2019-09-30\/functions\/([^/]+)\/provisioned-concurrency$/, "PutProvisionedConcurrencyConfig"],
  ["POST", /^\/2015-03-31\/functions\/([^/]+)\/versions$/, "PublishVersion"],
  ["POST", /^\/2015-03-31\/functions\/([^/]+)\/aliases$/, "CreateAlias"],
  ["POST", /^\/2015-03-31\/functions\/([^/]+)\/policy$/, "AddPermission"],
  ["DELETE", /^\/2015-03-31\/functions\/([^/]+)\/policy\/[^/]+$/, "RemovePermission"],
  ["POST", /^\/2021-10-31\/functions\/([^/]+)\/url$/, "CreateFunctionUrlConfig"],
  ["PUT", /^\/2021-10-31\/functions\/([^/]+)\/url$/, "UpdateFunctionUrlConfig"],
  ["DELETE", /^\/2021-10-31\/functions\/([^/]+)\/url$/, "DeleteFunctionUrlConfig"],
];

export async function refusedChangeRoute(ctx: RouteContext, { path, method }: LambdaCall): Promise<boolean> {
  for (const [changeMethod, pattern, operation] of CHANGES) {
    if (method !== changeMethod) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    const name = functionNameOf(m[1] ?? "");
    if (!ctx.backend.functions().some((f) => f.name === name)) return false; // maybe a LocalStack-hosted function
    throw new ApiError(
      409,
      "ResourceConflictException",
      `${operation} is not supported for ${name}: the local Lambda service runs the functions of the deployed CDK app, so change the app and run deploy:local`,
    );
  }
  return false;
}
