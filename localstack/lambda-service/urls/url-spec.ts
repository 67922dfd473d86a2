/**
 * A function URL (`AWS::Lambda::Url`) as the local service serves it, read from a resolved template
 * resource and checked the way Lambda's CreateFunctionUrlConfig checks it, so an invalid URL fails here
 * (naming its resource) rather than at `cdk deploy`.
 */
import { createHash } from "node:crypto";

export type UrlAuthType = "NONE" | "AWS_IAM";
export type UrlInvokeMode = "BUFFERED" | "RESPONSE_STREAM";

export interface UrlCors {
  readonly allowCredentials: boolean;
  readonly allowHeaders: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowOrigins: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** Seconds, 0 – 86400; undefined = no Access-Control-Max-Age. */
  readonly maxAge?: number;
}

export interface FunctionUrlSpec {
  readonly stackName: string;
  readonly logicalId: string;
  readonly functionName: string;
  /** An alias name or $LATEST; undefined = the unqualified function. */
  readonly qualifier?: string;
  /** 32 lowercase alphanumerics, stable for the function (and qualifier): the host's first label. */
  readonly urlId: string;
  readonly authType: UrlAuthType;
  readonly cors?: UrlCors;
  readonly invokeMode: UrlInvokeMode;
}

/** A stable url-id: the same account, region, function and qualifier always get the same URL. */
export function urlIdOf(accountId: string, region: string, functionName: string, qualifier?: string): string {
  return createHash("sha256")
    .update(`${accountId}/${region}/${functionName}/${qualifier ?? ""}`)
    .digest("hex")
    .slice(0, 32);
}

/** `name`, `name:qualifier`, `123456789012:function:name[:q]` or a full ARN, as TargetFunctionArn accepts. */
function parseTarget(value: unknown): { name: string; qualifier?: string } {
  if (typeof value !== "string" || value === "") throw new Error("TargetFunctionArn is required");
  const m =
    /^(?:arn:aws[\w-]*:lambda:[a-z0-9-]+:)?(?:\d{12}:)?(?:function:)?([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]+))?$/.exec(
      value,
    );
  if (!m?.[1]) throw new Error(`TargetFunctionArn ${JSON.stringify(value)} is not a function name or ARN`);
  return m[2] === undefined ? { name: m[1] } : { name: m[1], qualifier: m[2] };
}

function stringList(value: unknown, field: string, max: number, maxLength: number, minLength = 0): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new Error(`Cors.${field} must be a list of strings`);
  }
  if (value.length > max) throw new Error(`Cors.${field} may hold at most ${max} values (got ${value.length})`);
  for (const v of value as string[]) {
    if (v.length < minLength || v.length > maxLength) {
      throw new Error(`Cors.${field} value ${JSON.stringify(v)} must be ${minLength}-${maxLength} characters`);
    }
  }
  return value as string[];
}

function corsOf(value: unknown): UrlCors | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("Cors must be an object");
  const c = value as Record<string, unknown>;
  const known = new Set([
    "AllowCredentials",
    "AllowHeaders",
    "AllowMethods",
    "AllowOrigins",
    "ExposeHeaders",
    "MaxAge",
  ]);
  for (const key of Object.keys(c)) if (!known.has(key)) throw new Error(`Cors has an unknown property ${key}`);
  const credentials = c.AllowCredentials;
  if (
    credentials !== undefined &&
    typeof credentials !== "boolean" &&
    credentials !== "true" &&
    credentials !== "false"
  ) {
    throw new Error("Cors.AllowCredentials must be a boolean");
  }
  let maxAge: number | undefined;
  if (c.MaxAge !== undefined) {
    maxAge = Number(c.MaxAge);
    if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86_400) {
      throw new Error(`Cors.MaxAge must be 0 to 86400 (got ${JSON.stringify(c.MaxAge)})`);
    }
  }
  // Lambda's API checks only count and length here (pattern .*), so this does too.
  const allowMethods = stringList(c.AllowMethods, "AllowMethods", 6, 6);
  return {
    allowCredentials: credentials === true || credentials === "true",
    allowHeaders: stringList(c.AllowHeaders, "AllowHeaders", 100, 1024),
    allowMethods: allowMethods.map((m) => m.toUpperCase()),
    allowOrigins: stringList(c.AllowOrigins, "AllowOrigins", 100, 253, 1),
    exposeHeaders: stringList(c.ExposeHeaders, "ExposeHeaders", 100, 1024),
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

/**
 * The URL of one resolved `AWS::Lambda::Url`; throws an Error saying what is wrong. A RESPONSE_STREAM URL
 * streams a streamified handler's response as it comes (./stream-response.ts).
 */
export function functionUrlSpec(
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
  env: { region: string; accountId: string },
): FunctionUrlSpec {
  const target = parseTarget(props.TargetFunctionArn);
  const qualifier = props.Qualifier === undefined ? target.qualifier : String(props.Qualifier);
  if (qualifier !== undefined && !/^(\$LATEST|(?!\d+$)[A-Za-z0-9_-]{1,128})$/.test(qualifier)) {
    throw new Error(`Qualifier ${JSON.stringify(qualifier)} must be $LATEST or an alias name (not a version number)`);
  }
  if (qualifier !== undefined && qualifier !== "$LATEST") {
    throw new Error(
      `Qualifier ${qualifier}: the local service runs only $LATEST (no versions or aliases), so an alias's URL cannot be served`,
    );
  }
  const authType = props.AuthType;
  if (authType !== "NONE" && authType !== "AWS_IAM") {
    throw new Error(`AuthType must be NONE or AWS_IAM (got ${JSON.stringify(authType)})`);
  }
  const invokeMode = props.InvokeMode ?? "BUFFERED";
  if (invokeMode !== "BUFFERED" && invokeMode !== "RESPONSE_STREAM") {
    throw new Error(`InvokeMode must be BUFFERED or RESPONSE_STREAM (got ${JSON.stringify(invokeMode)})`);
  }
  const cors = corsOf(props.Cors);
  return {
    stackName,
    logicalId,
    functionName: target.name,
    ...(qualifier === undefined ? {} : { qualifier }),
    urlId: urlIdOf(env.accountId, env.region, target.name, qualifier),
    authType,
    ...(cors === undefined ? {} : { cors }),
    invokeMode,
  };
}
