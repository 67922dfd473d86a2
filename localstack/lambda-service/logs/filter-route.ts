/**
 * The Logs API's FilterLogEvents with a filter pattern, answered here because LocalStack's CloudWatch Logs
 * ignores patterns: the call goes to LocalStack without the pattern (page after page, as long as the
 * caller's limit allows), the pattern is matched against each event's message, and the answer keeps AWS's
 * shape. Without a pattern the call is passed through as it came. Calls reach this endpoint because the
 * SDK and the AWS CLI send every service to the one --endpoint-url.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBodyWithin } from "../request-body";
import { compileFilterPattern, FilterPatternError, type Matcher } from "./filter-pattern";
import {
  call,
  type FilteredEvent,
  filterLogEventPages,
  forwardedHeaders,
  sendLogsAnswer,
  sendLogsError,
  sendUpstream,
  UpstreamRefusal,
} from "./upstream";

const TARGET = "Logs_20140328.FilterLogEvents";
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
  const events: FilteredEvent[] = [];
  const streams = new Map<string, { logStreamName?: string }>();
  let token: string | undefined;
  try {
    const pages = filterLogEventPages(upstream, headers, rest, {
      maxPages: MAX_PAGES,
      limit: () => want - events.length,
      ...(nextToken ? { nextToken } : {}),
    });
    for await (const found of pages) {
      for (const event of found.events ?? []) {
        if (events.length < want && match(event.message ?? "")) events.push(event);
      }
      for (const stream of found.searchedLogStreams ?? []) streams.set(stream.logStreamName ?? "", stream);
      token = found.nextToken;
      if (events.length >= want) break;
    }
  } catch (error) {
    if (error instanceof UpstreamRefusal) return sendUpstream(res, error.answer);
    throw error;
  }
  const answer = { events, searchedLogStreams: [...streams.values()], ...(token ? { nextToken: token } : {}) };
  sendLogsAnswer(res, answer);
}
