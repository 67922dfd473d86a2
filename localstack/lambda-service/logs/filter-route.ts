/**
 * The Logs API's FilterLogEvents with a filter pattern, answered here because LocalStack's CloudWatch Logs
 * ignores patterns: the call goes to LocalStack without the pattern (page after page, as long as the
 * caller's limit allows), the pattern is matched against each event's message, and the answer keeps AWS's
 * shape. Without a pattern the call is passed through as it came. Calls reach this endpoint because the
 * SDK and the AWS CLI send every service to the one --endpoint-url.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { send } from "../api/http";
import { readBodyWithin } from "../request-body";
import { compileFilterPattern, FilterPatternError, type Matcher } from "./filter-pattern";

const TARGET = "Logs_20140328.FilterLogEvents";
const JSON_11 = "application/x-amz-json-1.1";
/** FilterLogEvents' largest and default page (AWS: limit 1..10000). */
const MAX_LIMIT = 10_000;
/** The request is a few names and a pattern; AWS's own request limit is 1 MB. */
const MAX_BODY = 1024 * 1024;
/** Past this many LocalStack pages the answer is returned with the token to go on from, as AWS may do. */
const MAX_PAGES = 100;

interface FilterRequest {
  filterPattern?: string;
  limit?: number;
  nextToken?: string;
  [key: string]: unknown;
}

interface FilterResponse {
  events?: { message?: string }[];
  searchedLogStreams?: { logStreamName?: string }[];
  nextToken?: string;
}

export function isFilterLogEvents(req: IncomingMessage): boolean {
  return req.method === "POST" && req.headers["x-amz-target"] === TARGET;
}

/** Answers one FilterLogEvents call; a call LocalStack refuses comes back with LocalStack's answer. */
export async function serveFilterLogEvents(upstream: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBodyWithin(req, MAX_BODY);
  if (body === undefined) return sendLogsError(res, 400, "InvalidParameterException", "Request is too large");
  let request: FilterRequest;
  try {
    request = JSON.parse(body.toString("utf8") || "{}") as FilterRequest;
  } catch {
    return sendLogsError(res, 400, "SerializationException", "Request body is not valid JSON");
  }
  const headers = forwardedHeaders(req);
  if (!request.filterPattern) {
    const answer = await call(upstream, headers, body);
    return sendUpstream(res, answer);
  }
  let match: Matcher;
  try {
    match = compileFilterPattern(request.filterPattern);
  } catch (error) {
    if (error instanceof FilterPatternError) return sendLogsError(res, 400, error.code, error.message);
    throw error;
  }
  const { filterPattern: _pattern, limit, nextToken, ...rest } = request;
  const want = Math.min(Math.max(1, Math.trunc(limit ?? MAX_LIMIT)), MAX_LIMIT);
  const events: NonNullable<FilterResponse["events"]> = [];
  const streams = new Map<string, { logStreamName?: string }>();
  let token = nextToken;
  for (let page = 0; page < MAX_PAGES && events.length < want; page++) {
    const ask = { ...rest, limit: want - events.length, ...(token ? { nextToken: token } : {}) };
    const answer = await call(upstream, headers, Buffer.from(JSON.stringify(ask)));
    if (answer.status !== 200) return sendUpstream(res, answer);
    const found = JSON.parse(answer.body.toString("utf8")) as FilterResponse;
    for (const event of found.events ?? []) {
      if (events.length < want && match(event.message ?? "")) events.push(event);
    }
    for (const stream of found.searchedLogStreams ?? []) streams.set(stream.logStreamName ?? "", stream);
    const next = found.nextToken && found.nextToken !== token ? found.nextToken : undefined;
    token = next;
    if (!token) break;
  }
  const answer = { events, searchedLogStreams: [...streams.values()], ...(token ? { nextToken: token } : {}) };
  send(res, 200, answer, { "Content-Type": JSON_11 });
}

interface Upstream {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
}

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || /^(host|content-length|connection|transfer-encoding|expect)$/i.test(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

async function call(upstream: URL, headers: Record<string, string>, body: Buffer): Promise<Upstream> {
  const response = await fetch(new URL("/", upstream), { method: "POST", headers, body }).catch((error: unknown) => {
    throw new Error(`LocalStack is not reachable at ${upstream.origin}`, { cause: error });
  });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

function sendUpstream(res: ServerResponse, answer: Upstream): void {
  const headers: Record<string, string> = { "Content-Type": answer.headers.get("content-type") ?? JSON_11 };
  const requestId = answer.headers.get("x-amzn-requestid");
  if (requestId) headers["x-amzn-RequestId"] = requestId;
  send(res, answer.status, answer.body, headers);
}

/** An error in the JSON 1.1 protocol's shape: {"__type", "message"}. */
function sendLogsError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message }, { "Content-Type": JSON_11, "x-amzn-ErrorType": type });
}
