/**
 * The event a function URL hands its function: an HTTP request as payload format version 2.0, the shape
 * AWS documents for function URLs. Pure, so every field is testable against AWS's own example.
 */

export interface UrlRequest {
  readonly method: string;
  /** The path as received (still percent-encoded), after any local /lambda-url/<id> prefix. */
  readonly rawPath: string;
  /** The query string as received, without "?". */
  readonly rawQueryString: string;
  /** Each header's values in arrival order, names in any case (Node's `headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  /** e.g. "HTTP/1.1" */
  readonly protocol: string;
}

/** The caller's identity, for a URL with AuthType AWS_IAM. */
export interface IamCaller {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly userArn: string;
  readonly userId: string;
}

export interface UrlEventContext {
  readonly urlId: string;
  readonly region: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly now: Date;
  /** The URL's host name, without a port (on AWS `<url-id>.lambda-url.<region>.on.aws`). */
  readonly domainName: string;
  readonly iam?: IamCaller;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `12/Mar/2020:19:03:58 +0000`: the requestContext.time format. */
export function requestTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Bodies of these types reach the function as text; every other body (or none declared) as base64. */
export function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    /^application\/([\w.+-]+\+)?(json|xml)$/.test(type) ||
    type === "application/javascript" ||
    type === "application/ecmascript"
  );
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** name → values joined with ",", as queryStringParameters holds repeated parameters. */
function queryParameters(raw: string): Record<string, string> | undefined {
  if (raw === "") return undefined;
  const out: Record<string, string> = {};
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decode(part.slice(eq + 1));
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface UrlEvent {
  readonly version: "2.0";
  readonly routeKey: "$default";
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly requestContext: Record<string, unknown>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** The payload format 2.0 event for one request. */
export function urlEvent(req: UrlRequest, ctx: UrlEventContext): UrlEvent {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headers)) {
    if (!values || values.length === 0) continue;
    const key = name.toLowerCase();
    if (key === "cookie") {
      // Cookies travel in their own field, one entry per cookie, and not among the headers.
      cookies = values.flatMap((v) => v.split(";").map((c) => c.trim())).filter((c) => c !== "");
      continue;
    }
    headers[key] = headers[key] === undefined ? values.join(",") : `${headers[key]},${values.join(",")}`;
  }
  const domainPrefix = ctx.urlId;
  const query = queryParameters(req.rawQueryString);
  const textual = isTextual(headers["content-type"]);
  const hasBody = req.body.length > 0;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ctx.iam ? ctx.iam.accountId : "anonymous",
      apiId: ctx.urlId,
      ...(ctx.iam
        ? {
            authorizer: {
              iam: {
                accessKey: ctx.iam.accessKey,
                accountId: ctx.iam.accountId,
                callerId: ctx.iam.callerId,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: ctx.iam.userArn,
                userId: ctx.iam.userId,
              },
            },
          }
        : {}),
      domainName: ctx.domainName,
      domainPrefix,
      http: {
        method: req.method,
        path: req.rawPath,
        protocol: req.protocol,
        sourceIp: req.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: ctx.requestId,
      routeKey: "$default",
      stage: "$default",
      time: requestTime(ctx.now),
      timeEpoch: ctx.now.getTime(),
    },
    ...(hasBody ? { body: textual ? req.body.toString("utf8") : req.body.toString("base64") } : {}),
    isBase64Encoded: hasBody && !textual,
  };
}
