/**
 * CloudWatch Logs Insights through the one endpoint: StartQuery, GetQueryResults, StopQuery and DescribeQueries,
 * answered here because LocalStack's community CloudWatch Logs accepts any query string and answers every query
 * with every event's @ptr (it ignores filter and stats). A query is parsed when it starts (a query outside
 * insights/parse.ts' subset is a MalformedQueryException, as a malformed one is on AWS), then runs in the
 * background over the events LocalStack's FilterLogEvents returns for its log groups and time range; its id,
 * status and results stay in memory (the newest MAX_KEPT queries) until the service stops.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBodyWithin } from "../request-body";
import type { Query } from "./insights/ast";
import { MalformedQueryError } from "./insights/errors";
import { type QueryOutput, runQuery } from "./insights/evaluate";
import type { LogRecord } from "./insights/fields";
import { MAX_QUERY_LIMIT, parseQuery } from "./insights/parse";
import {
  callLogs,
  filterLogEventPages,
  forwardedHeaders,
  sendLogsAnswer,
  sendLogsError,
  sendUpstream,
  TARGET_PREFIX,
  UpstreamRefusal,
} from "./upstream";

const OPERATIONS = ["StartQuery", "GetQueryResults", "StopQuery", "DescribeQueries"] as const;
type Operation = (typeof OPERATIONS)[number];
type Status = "Scheduled" | "Running" | "Complete" | "Failed" | "Cancelled";

const MAX_BODY = 1024 * 1024;
/** AWS: up to 50 log groups per query. */
const MAX_LOG_GROUPS = 50;
/** Events read per log group: 100 FilterLogEvents pages of 10,000; a query over more fails rather than read part. */
const MAX_PAGES = 100;
const PAGE_SIZE = 10_000;
const MAX_KEPT = 1_000;
const EMPTY_STATISTICS = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };

interface StartQueryRequest {
  logGroupName?: string;
  logGroupNames?: string[];
  logGroupIdentifiers?: string[];
  startTime?: number;
  endTime?: number;
  queryString?: string;
  limit?: number;
  queryLanguage?: string;
}

interface QueryRun {
  readonly queryId: string;
  readonly queryString: string;
  readonly logGroupNames: readonly string[];
  readonly createTime: number;
  status: Status;
  output?: QueryOutput;
}

class InvalidRequest extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function insightsOperation(req: IncomingMessage): Operation | undefined {
  const target = req.headers["x-amz-target"];
  if (req.method !== "POST" || typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) return undefined;
  const operation = target.slice(TARGET_PREFIX.length);
  return (OPERATIONS as readonly string[]).includes(operation) ? (operation as Operation) : undefined;
}

export class InsightsRoute {
  private readonly runs = new Map<string, QueryRun>();

  constructor(
    private readonly upstream: URL,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  async serve(operation: Operation, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBodyWithin(req, MAX_BODY);
    if (body === undefined) return sendLogsError(res, 400, "InvalidParameterException", "Request is too large");
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return sendLogsError(res, 400, "SerializationException", "Request body is not valid JSON");
    }
    try {
      if (operation === "StartQuery") return sendLogsAnswer(res, await this.start(req, request as StartQueryRequest));
      if (operation === "GetQueryResults") return sendLogsAnswer(res, this.results(String(request.queryId ?? "")));
      if (operation === "StopQuery") return sendLogsAnswer(res, this.stop(String(request.queryId ?? "")));
      return sendLogsAnswer(res, this.describe(request));
    } catch (error) {
      if (error instanceof MalformedQueryError) {
        const location = { startCharOffset: error.startCharOffset, endCharOffset: error.endCharOffset };
        const message = `${error.message} (characters ${location.startCharOffset}-${location.endCharOffset})`;
        return sendLogsError(res, 400, "MalformedQueryException", message, {
          queryCompileError: { location, message: error.message },
        });
      }
      if (error instanceof InvalidRequest) return sendLogsError(res, 400, error.type, error.message);
      if (error instanceof UpstreamRefusal) return sendUpstream(res, error.answer);
      throw error;
    }
  }

  private async start(req: IncomingMessage, request: StartQueryRequest): Promise<{ queryId: string }> {
    const groups = logGroupsOf(request);
    const { startTime, endTime, queryString } = request;
    if (typeof startTime !== "number" || typeof endTime !== "number") {
      throw new InvalidRequest("InvalidParameterException", "startTime and endTime are required (epoch seconds)");
    }
    if (endTime < startTime) throw new InvalidRequest("InvalidParameterException", "endTime is before startTime");
    if (typeof queryString !== "string" || queryString.trim() === "") {
      throw new InvalidRequest("InvalidParameterException", "queryString is required");
    }
    if (request.queryLanguage !== undefined && request.queryLanguage !== "CWLI") {
      throw new InvalidRequest(
        "InvalidParameterException",
        "sluice answers queryLanguage CWLI (Logs Insights QL) only",
      );
    }
    if (request.limit !== undefined && (!Number.isInteger(request.limit) || request.limit < 1)) {
      throw new InvalidRequest("InvalidParameterException", "limit is a whole number of at least 1");
    }
    const limit = Math.min(request.limit ?? MAX_QUERY_LIMIT, MAX_QUERY_LIMIT);
    const query = parseQuery(queryString);
    const headers = forwardedHeaders(req);
    const accounts = await Promise.all(groups.map((group) => this.accountOf(headers, group)));
    const run: QueryRun = {
      queryId: randomUUID(),
      queryString,
      logGroupNames: groups,
      createTime: Date.now(),
      status: "Scheduled",
    };
    this.keep(run);
    const range = { startTime: startTime * 1000, endTime: endTime * 1000 + 999 };
    setImmediate(() => {
      void this.execute(run, query, headers, accounts, range, limit);
    });
    return { queryId: run.queryId };
  }

  private async execute(
    run: QueryRun,
    query: Query,
    headers: Record<string, string>,
    accounts: readonly string[],
    range: { startTime: number; endTime: number },
    limit: number,
  ): Promise<void> {
    if (run.status !== "Scheduled") return;
    run.status = "Running";
    try {
      const records: LogRecord[] = [];
      for (const [i, logGroupName] of run.logGroupNames.entries()) {
        const pages = filterLogEventPages(
          this.upstream,
          headers,
          { logGroupName, ...range },
          {
            maxPages: MAX_PAGES,
            limit: () => PAGE_SIZE,
          },
        );
        let more: string | undefined;
        for await (const page of pages) {
          if (run.status !== "Running") return;
          more = page.nextToken;
          for (const event of page.events ?? []) {
            records.push({
              logGroupName,
              accountId: accounts[i] ?? "",
              logStreamName: event.logStreamName ?? "",
              timestamp: event.timestamp ?? 0,
              message: event.message ?? "",
              ...(event.ingestionTime !== undefined ? { ingestionTime: event.ingestionTime } : {}),
            });
          }
        }
        if (more) throw new Error(`${logGroupName} has more than ${MAX_PAGES * PAGE_SIZE} events in the time range`);
      }
      if (run.status !== "Running") return;
      run.output = runQuery(query, records, limit);
      run.status = "Complete";
    } catch (error) {
      if (run.status === "Running") run.status = "Failed";
      this.log("Logs Insights query failed", { queryId: run.queryId, error: (error as Error).message });
    }
  }

  private results(queryId: string) {
    const run = this.find(queryId);
    return {
      queryLanguage: "CWLI",
      results: run.output?.results ?? [],
      statistics: run.output?.statistics ?? EMPTY_STATISTICS,
      status: run.status,
    };
  }

  private stop(queryId: string): { success: boolean } {
    const run = this.find(queryId);
    if (run.status !== "Scheduled" && run.status !== "Running") return { success: false };
    run.status = "Cancelled";
    return { success: true };
  }

  private describe(request: Record<string, unknown>) {
    const maxResults = typeof request.maxResults === "number" ? Math.min(Math.max(1, request.maxResults), 1000) : 1000;
    const queries = [...this.runs.values()]
      .reverse()
      .filter((run) => request.logGroupName === undefined || run.logGroupNames.includes(String(request.logGroupName)))
      .filter((run) => request.status === undefined || run.status === request.status)
      .slice(0, maxResults)
      .map((run) => ({
        queryLanguage: "CWLI",
        queryId: run.queryId,
        queryString: run.queryString,
        status: run.status,
        createTime: run.createTime,
        logGroupName: run.logGroupNames[0],
      }));
    return { queries };
  }

  private find(queryId: string): QueryRun {
    const run = this.runs.get(queryId);
    if (!run) throw new InvalidRequest("ResourceNotFoundException", `Query ${queryId} does not exist`);
    return run;
  }

  private keep(run: QueryRun): void {
    this.runs.set(run.queryId, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= MAX_KEPT) break;
      this.runs.delete(id);
    }
  }

  /** The account in the log group's ARN (for @log); a group LocalStack does not have is ResourceNotFoundException. */
  private async accountOf(headers: Record<string, string>, logGroupName: string): Promise<string> {
    const found = (await callLogs(this.upstream, headers, "DescribeLogGroups", {
      logGroupNamePrefix: logGroupName,
    })) as { logGroups?: { logGroupName?: string; arn?: string }[] };
    const group = found.logGroups?.find((g) => g.logGroupName === logGroupName);
    if (!group) throw new InvalidRequest("ResourceNotFoundException", `Log group '${logGroupName}' does not exist`);
    return /^arn:[^:]+:logs:[^:]*:(\d+):/.exec(group.arn ?? "")?.[1] ?? "";
  }
}

/** Exactly one of logGroupName, logGroupNames, logGroupIdentifiers (names or ARNs), as AWS requires. */
function logGroupsOf(request: StartQueryRequest): string[] {
  const given = [request.logGroupName, request.logGroupNames, request.logGroupIdentifiers].filter(
    (g) => g !== undefined,
  );
  if (given.length !== 1) {
    throw new InvalidRequest(
      "InvalidParameterException",
      "StartQuery takes exactly one of logGroupName, logGroupNames and logGroupIdentifiers",
    );
  }
  const names = (request.logGroupIdentifiers ?? request.logGroupNames ?? [request.logGroupName]).map((id) =>
    String(id)
      .replace(/^arn:[^:]+:logs:[^:]*:\d*:log-group:/, "")
      .replace(/:\*$/, ""),
  );
  if (names.length === 0 || names.length > MAX_LOG_GROUPS) {
    throw new InvalidRequest("InvalidParameterException", `a query takes 1 to ${MAX_LOG_GROUPS} log groups`);
  }
  return names;
}
