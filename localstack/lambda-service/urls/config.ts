/**
 * A function URL as the Lambda API describes it (GetFunctionUrlConfig, ListFunctionUrlConfigs), with the
 * local URL in FunctionUrl so an SDK or CLI user finds where to call it.
 */
import { localFunctionUrl } from "./server";
import type { FunctionUrlSpec } from "./url-spec";

export interface FunctionUrlConfig {
  readonly FunctionUrl: string;
  readonly FunctionArn: string;
  readonly AuthType: string;
  readonly Cors?: {
    readonly AllowCredentials: boolean;
    readonly AllowHeaders: string[];
    readonly AllowMethods: string[];
    readonly AllowOrigins: string[];
    readonly ExposeHeaders: string[];
    readonly MaxAge?: number;
  };
  readonly CreationTime: string;
  readonly LastModifiedTime: string;
  readonly InvokeMode: string;
}

export function functionUrlConfig(
  spec: FunctionUrlSpec,
  env: { region: string; accountId: string; port: number; createdAt: Date },
): FunctionUrlConfig {
  const { cors } = spec;
  const time = env.createdAt.toISOString();
  return {
    FunctionUrl: localFunctionUrl(spec.urlId, env.region, env.port),
    FunctionArn: `arn:aws:lambda:${env.region}:${env.accountId}:function:${spec.functionName}${spec.qualifier ? `:${spec.qualifier}` : ""}`,
    AuthType: spec.authType,
    ...(cors
      ? {
          Cors: {
            AllowCredentials: cors.allowCredentials,
            AllowHeaders: [...cors.allowHeaders],
            AllowMethods: [...cors.allowMethods],
            AllowOrigins: [...cors.allowOrigins],
            ExposeHeaders: [...cors.exposeHeaders],
            ...(cors.maxAge === undefined ? {} : { MaxAge: cors.maxAge }),
          },
        }
      : {}),
    CreationTime: time,
    LastModifiedTime: time,
    InvokeMode: spec.invokeMode,
  };
}
