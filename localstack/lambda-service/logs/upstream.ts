/**
 * Talking to LocalStack's CloudWatch Logs on behalf of a caller, for the Logs calls this endpoint answers itself
 * (FilterLogEvents with a pattern, Logs Insights): the caller's headers are forwarded (LocalStack reads the
 * account and region from the signature's scope), FilterLogEvents is read page after page, and answers and
 * errors keep the JSON 1.1 protocol's shape. One home, so the routes read events the same way.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { send } from "../api/http";

export const JSON_11 = "application/x-amz-json-1.1";
/** The Logs API's X-Amz-Target names its operations "Logs_20140328.<Operation>". */
export const TARGET_PREFIX = "Logs_20140328.";

export interface Upstream {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
}

/** One event as FilterLogEvents returns it. */
export interface FilteredEvent {
  readonly logStreamName?: string;
  readonly timestamp?: number;
  readonly message?: string;
  readonly ingestionTime?: number;
  readonly eventId?: string;
}

export interface FilterPage {
  readonly events?: FilteredEvent[];
  readonly searchedLogStreams?: { logStreamName?: string }[];
  readonly nextToken?: string;
}

/** LocalStack refused a call: its answer goes back to the caller as it came. */
export class UpstreamRefusal extends Error {
  constructor(readonly answer: Upstream) {
    super(`LocalStack answered ${answer.status}: ${answer.body.toString("utf8").slice(0, 200)}`);
  }
}

/** The caller's headers, less those that describe the caller's own connection and body. */
export function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || /^(host|content-length|connection|transfer-encoding|expect)$/i.test(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export async function call(upstream: URL, headers: Record<string, string>, body: Buffer): Promise<Upstream> {
  const response = await fetch(new URL("/", upstream), { method: "POST", headers, body }).catch((error: unknown) => {
    throw new Error(`LocalStack is not reachable at ${upstream.origin}`, { cause: error });
  });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** One Logs API call (e.g. "DescribeLogGroups") with the caller's headers; throws UpstreamRefusal if refused. */
export async function callLogs(
  upstream: URL,
  callerHeaders: Record<string, string>,
  operation: string,
  request: Record<string, unknown>,
): Promise<unknown> {
  const headers = {
    ...withoutTarget(callerHeaders),
    "x-amz-target": `${TARGET_PREFIX}${operation}`,
    "content-type": JSON_11,
  };
  const answer = await call(upstream, headers, Buffer.from(JSON.stringify(request)));
  if (answer.status !== 200) throw new UpstreamRefusal(answer);
  return JSON.parse(answer.body.toString("utf8"));
}

/**
 * FilterLogEvents without a pattern, page after page, up to maxPages: `limit` says how many events the next page
 * may hold (it is asked before each page). Throws UpstreamRefusal when LocalStack refuses a page.
 */
export async function* filterLogEventPages(
  upstream: URL,
  callerHeaders: Record<string, string>,
  request: Record<string, unknown>,
  options: { readonly maxPages: number; readonly limit: () => number; readonly nextToken?: string },
): AsyncGenerator<FilterPage> {
  let token = options.nextToken;
  for (let page = 0; page < options.maxPages; page++) {
    const ask = { ...request, limit: options.limit(), ...(token ? { nextToken: token } : {}) };
    const found = (await callLogs(upstream, callerHeaders, "FilterLogEvents", ask)) as FilterPage;
    const next = found.nextToken && found.nextToken !== token ? found.nextToken : undefined;
    token = next;
    yield { ...found, nextToken: next };
    if (!token) return;
  }
}

function withoutTarget(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(x-amz-target|content-type)$/i.test(name)));
}

export function sendUpstream(res: ServerResponse, answer: Upstream): void {
  const headers: Record<string, string> = { "Content-Type": answer.headers.get("content-type") ?? JSON_11 };
  const requestId = answer.headers.get("x-amzn-requestid");
  if (requestId) headers["x-amzn-RequestId"] = requestId;
  send(res, answer.status, answer.body, headers);
}

/** An error in the JSON 1.1 protocol's shape: {"__type", "message"} and any more members the error has. */
export function sendLogsError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  more: Record<string, unknown> = {},
): void {
  send(res, status, { __type: type, message, ...more }, { "Content-Type": JSON_11, "x-amzn-ErrorType": type });
}

/** A JSON answer in the protocol's content type. */
export function sendLogsAnswer(res: ServerResponse, body: unknown): void {
  send(res, 200, body, { "Content-Type": JSON_11 });
}
