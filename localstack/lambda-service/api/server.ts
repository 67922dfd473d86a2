/**
 * One endpoint for everything: function URLs first, then the service's own /_sluice/ routes, then the
 * Lambda API calls for the functions and event-source mappings this service runs (answered by the route
 * modules beside this one, in the Lambda REST API's shapes), and the Logs API's FilterLogEvents, whose filter
 * patterns LocalStack ignores (../logs/filter-route.ts), and Logs Insights queries, whose filter and stats it
 * ignores (../logs/insights-route.ts); every other request is passed through, untouched, to LocalStack. This file only listens, dispatches and maps errors.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaServiceError } from "../executor";
import { isFilterLogEvents, serveFilterLogEvents } from "../logs/filter-route";
import { InsightsRoute, insightsOperation } from "../logs/insights-route";
import type { FunctionUrlRouter } from "../urls/server";
import type { LambdaBackend } from "./backend";
import { type ControlRoutes, controlRoute } from "./control";
import { eventInvokeConfigRoute } from "./event-invoke-config";
import { functionRoutes } from "./functions";
import { ApiError, send, sendError } from "./http";
import { invokeRoute } from "./invoke";
import { invokeStreamRoute } from "./invoke-stream";
import { mappingRoutes } from "./mappings";
import { proxy } from "./proxy";
import { refusedChangeRoute } from "./refused";
import type { LambdaCall, RouteContext } from "./route";

const API_PREFIX =
  /^\/(2015-03-31|2016-08-19|2017-03-31|2017-10-31|2018-10-31|2019-09-25|2019-09-30|2020-04-22|2020-06-30|2021-10-31|2021-11-15)\//;

function isLambdaRequest(req: IncomingMessage, path: string): boolean {
  const auth = req.headers.authorization ?? "";
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (scope) return scope[1] === "lambda";
  return API_PREFIX.test(path) && (path.includes("/functions") || path.includes("/event-source-mappings"));
}

/** The Lambda API routes, tried in this order; the first to answer wins. */
const ROUTES: readonly ((ctx: RouteContext, call: LambdaCall) => Promise<boolean>)[] = [
  eventInvokeConfigRoute,
  invokeRoute,
  invokeStreamRoute,
  functionRoutes,
  mappingRoutes,
  refusedChangeRoute,
];

export interface ApiServerOptions extends ControlRoutes {
  readonly backend: LambdaBackend;
  /** Where everything that is not a Lambda call goes, e.g. http://127.0.0.1:4567 */
  readonly upstream: URL;
  readonly host: string;
  readonly port: number;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** When the service started; reported as LastModified. */
  readonly startedAt?: Date;
  /** Serves the function URLs (by host or /lambda-url/ path) ahead of everything else. */
  readonly urls?: FunctionUrlRouter;
  /** Told of each request the proxy could not forward to the upstream. */
  readonly onUpstreamUnreachable?: (error: Error) => void;
}

export class LambdaApiServer {
  private server: Server | undefined;
  private readonly context: RouteContext;
  private readonly insights: InsightsRoute;

  constructor(private readonly options: ApiServerOptions) {
    this.insights = new InsightsRoute(options.upstream, options.log);
    this.context = {
      backend: options.backend,
      startedAt: options.startedAt ?? new Date(),
      port: () => (this.server?.address() as AddressInfo | null)?.port ?? this.options.port,
      log: options.log,
    };
  }

  listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => resolve(server.address() as AddressInfo));
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const urlTarget = this.options.urls?.match(req);
    if (urlTarget && this.options.urls) {
      await this.options.urls.serve(req, res, urlTarget).catch((error: unknown) => {
        this.options.log("function URL request failed", { url: req.url, error: (error as Error).message });
        if (!res.headersSent) send(res, 500, { Message: "Internal Server Error" });
        else res.destroy();
      });
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (await controlRoute(this.options, req, res, url)) return;
    if (isFilterLogEvents(req)) {
      await serveFilterLogEvents(this.options.upstream, req, res).catch((error: unknown) => {
        this.options.log("FilterLogEvents failed", { error: (error as Error).message });
        if (!res.headersSent) send(res, 500, { __type: "ServiceUnavailableException", message: String(error) });
      });
      return;
    }
    const insights = insightsOperation(req);
    if (insights) {
      await this.insights.serve(insights, req, res).catch((error: unknown) => {
        this.options.log(`${insights} failed`, { error: (error as Error).message });
        if (!res.headersSent) send(res, 500, { __type: "ServiceUnavailableException", message: String(error) });
      });
      return;
    }
    if (!isLambdaRequest(req, url.pathname)) {
      proxy(this.options.upstream, req, res, this.options.onUpstreamUnreachable);
      return;
    }
    try {
      const handled = await this.route(req, res, url);
      if (!handled) proxy(this.options.upstream, req, res, this.options.onUpstreamUnreachable);
    } catch (error) {
      if (error instanceof ApiError) sendError(res, error);
      else if (error instanceof LambdaServiceError) {
        const kind = error.statusCode >= 500 ? "Service" : "User";
        sendError(res, new ApiError(error.statusCode, error.code, error.message, kind));
      } else {
        this.options.log("Lambda API request failed", { path: url.pathname, error: (error as Error).message });
        sendError(res, new ApiError(500, "ServiceException", (error as Error).message, "Service"));
      }
    }
  }

  /** Answers the calls this service owns; false hands the request to LocalStack. */
  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const call: LambdaCall = { req, res, url, path: url.pathname.replace(/\/+$/, ""), method: req.method ?? "GET" };
    for (const route of ROUTES) {
      if (await route(this.context, call)) return true;
    }
    return false;
  }
}
