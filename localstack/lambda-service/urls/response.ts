/**
 * How a function URL turns the function's result into the HTTP answer, by AWS's rules: a result without a
 * `statusCode` is a 200 JSON answer; one with it says status, headers, cookies and body; a function error
 * or a result that cannot be read is AWS's 502. Pure, so each rule is testable on its own.
 */

export interface UrlResponse {
  readonly statusCode: number;
  /** Lower-case names; a name with several values (multiValueHeaders) holds a list. */
  readonly headers: Record<string, string | string[]>;
  /** Each becomes one Set-Cookie header. */
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/** AWS's answer when the function fails or returns something a URL cannot answer with. */
export function badGateway(): UrlResponse {
  return {
    statusCode: 502,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from("Internal Server Error"),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The structured result (it has a statusCode); undefined when it breaks the format. */
function structured(result: Record<string, unknown>): UrlResponse | undefined {
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const headers: Record<string, string | string[]> = {};
  if (result.headers !== undefined) {
    if (!isRecord(result.headers)) return undefined;
    for (const [name, value] of Object.entries(result.headers)) {
      const text = scalarText(value);
      if (text === undefined) return undefined;
      headers[name.toLowerCase()] = text;
    }
  }
  if (result.multiValueHeaders !== undefined) {
    if (!isRecord(result.multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(values)) return undefined;
      const texts = values.map(scalarText);
      if (texts.some((t) => t === undefined)) return undefined;
      const key = name.toLowerCase();
      const existing = headers[key];
      const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
      headers[key] = [...before, ...(texts as string[])];
    }
  }
  let cookies: string[] = [];
  if (result.cookies !== undefined) {
    if (!Array.isArray(result.cookies) || result.cookies.some((c) => typeof c !== "string")) return undefined;
    cookies = result.cookies as string[];
  }
  let body = Buffer.alloc(0);
  if (result.body !== undefined && result.body !== null) {
    if (typeof result.body !== "string") return undefined;
    body = result.isBase64Encoded === true ? Buffer.from(result.body, "base64") : Buffer.from(result.body, "utf8");
  }
  if (headers["content-type"] === undefined) headers["content-type"] = "application/json";
  return { statusCode: status, headers, cookies, body };
}

/**
 * The HTTP answer for an invocation's result: `payload` is the function's JSON result, `functionError` set
 * when it failed (then the answer is 502 whatever the payload).
 */
export function urlResponse(payload: Buffer, functionError: string | undefined): UrlResponse {
  if (functionError) return badGateway();
  let result: unknown;
  try {
    result = JSON.parse(payload.toString("utf8"));
  } catch {
    return badGateway();
  }
  if (isRecord(result) && "statusCode" in result) return structured(result) ?? badGateway();
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(typeof result === "string" ? result : JSON.stringify(result)),
  };
}
