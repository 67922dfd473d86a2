/**
 * One endpoint for everything: Lambda API calls for the functions and event-source mappings this
 * service runs are answered here, in the Lambda REST API's shapes; every other request is passed
 * through, untouched, to LocalStack.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LambdaBackend, MappingUpdate } from "./api/backend";
import { ApiError, readBody, send, sendError } from "./api/http";
import { functionArn, functionConfiguration, functionNameOf, mappingConfiguration } from "./api/shapes";
import { answerEventInvokeConfig } from "./async/config-store";
import { LambdaServiceError, MAX_REQUEST_BYTES } from "./executor";
import type { FunctionSpec } from "./types";
import { functionUrlConfig } from "./urls/config";
import type { FunctionUrlRouter } from "./urls/server";

export type { LambdaBackend, MappingUpdate, MappingView } from "./api/backend";

/** Asynchronous (Event) invocations take at most 1 MB (the limit since 2025; 256 KB before). */
const MAX_ASYNC_PAYLOAD = 1024 * 1024;

const API_PREFIX =
  /^\/(2015-03-31|2016-08-19|2017-03-31|2017-10-31|2018-10-31|2019-09-25|2019-09-30|2020-04-22|2020-06-30|2021-10-31)\//;

function isLambdaRequest(req: IncomingMessage, path: string): boolean {
  const auth = req.headers.authorization ?? "";
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (scope) return scope[1] === "lambda";
  return API_PREFIX.test(path) && (path.includes("/functions") || path.includes("/event-source-mappings"));
}

export interface ApiServerOptions {
  readonly backend: LambdaBackend;
  /** Where everything that is not a Lambda call goes, e.g. http://127.0.0.1:4567 */
  readonly upstream: URL;
  readonly host: string;
  readonly port: number;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** When the service started; reported as LastModified. */
  readonly startedAt?: Date;
  /** The service's own status, served at GET /_sluice/status. */
  readonly status?: () => unknown;
  /** Reloads the cloud assembly, on POST /_sluice/reload; resolves with the status. */
  readonly reload?: () => Promise<unknown>;
  /** Serves the function URLs (by host or /lambda-url/ path) ahead of everything else. */
  readonly urls?: FunctionUrlRouter;
  /** Fires a schedule now, on POST /_sluice/schedules/<name>/run. */
  readonly runSchedule?: (name: string) => unknown;
  /** Sets the test clock, on POST /_sluice/clock with {"now": ISO} or {"advanceSeconds": n}. */
  readonly setClock?: (change: { now?: string; advanceSeconds?: number }) => unknown;
}

export class LambdaApiServer {
  private server: Server | undefined;
  private readonly startedAt: Date;

  constructor(private readonly options: ApiServerOptions) {
    this.startedAt = options.startedAt ?? new Date();
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
    if (url.pathname === "/_sluice/status" && req.method === "GET" && this.options.status) {
      send(res, 200, this.options.status());
      return;
    }
    if (url.pathname === "/_sluice/reload" && req.method === "POST" && this.options.reload) {
      send(res, 200, await this.options.reload());
      return;
    }
    if (url.pathname.startsWith("/_sluice/") && req.method === "POST" && (await this.sluiceRoute(req, res, url))) {
      return;
    }
    if (!isLambdaRequest(req, url.pathname)) {
      this.proxy(req, res);
      return;
    }
    try {
      const handled = await this.route(req, res, url);
      if (!handled) this.proxy(req, res);
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

  /** The service's own schedule and clock routes; false when the path is not one of them. */
  private async sluiceRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const { runSchedule, setClock } = this.options;
    const run = /^\/_sluice\/schedules\/([^/]+)\/run$/.exec(url.pathname);
    if (!((run && runSchedule) || (url.pathname === "/_sluice/clock" && setClock))) return false;
    try {
      const body = JSON.parse((await readBody(req, 64 * 1024)).toString() || "{}") as {
        now?: string;
        advanceSeconds?: number;
      };
      send(res, 200, run ? runSchedule?.(decodeURIComponent(run[1] ?? "")) : setClock?.(body));
    } catch (error) {
      sendError(res, new ApiError(400, "InvalidRequestException", (error as Error).message));
    }
    return true;
  }

  /** Answers the calls this service owns; false hands the request to LocalStack. */
  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const { backend } = this.options;
    const path = url.pathname.replace(/\/+$/, "");
    const method = req.method ?? "GET";
    const fnByName = (identifier: string): FunctionSpec => {
      const name = functionNameOf(identifier);
      const fn = backend.functions().find((f) => f.name === name);
      if (!fn) {
        throw new ApiError(404, "ResourceNotFoundException", `Function not found: ${functionArn(backend, name)}`);
      }
      return fn;
    };

    if (backend.asyncInvocation && path.startsWith("/2019-09-25/functions/")) {
      const answer = await answerEventInvokeConfig(backend.asyncInvocation.configs, {
        method,
        path,
        query: url.searchParams,
        functionName: (identifier) => {
          const name = functionNameOf(identifier);
          return backend.functions().some((f) => f.name === name) ? name : undefined;
        },
        body: async () => JSON.parse((await readBody(req, 256 * 1024)).toString() || "{}") as Record<string, unknown>,
      });
      if (answer) {
        if ("error" in answer) throw new ApiError(answer.status, answer.error.type, answer.error.message);
        send(res, answer.status, answer.body);
        return true;
      }
    }
    let m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (m && method === "POST") {
      const fn = fnByName(m[1] ?? "");
      await this.invoke(req, res, fn);
      return true;
    }
    if (/^\/2015-03-31\/functions$/.test(path) && method === "GET") {
      const functions = backend.functions().map((f) => functionConfiguration(backend, f, this.startedAt));
      send(res, 200, { Functions: functions });
      return true;
    }
    m = /^\/2015-03-31\/functions\/([^/]+)(\/configuration)?$/.exec(path);
    if (m && method === "GET") {
      const name = functionNameOf(m[1] ?? "");
      if (!backend.functions().some((f) => f.name === name)) return false; // maybe a LocalStack-hosted function
      const fn = fnByName(name);
      const configuration = functionConfiguration(backend, fn, this.startedAt);
      if (m[2]) send(res, 200, configuration);
      else {
        send(res, 200, {
          Configuration: configuration,
          Code: { RepositoryType: "Local", Location: fn.codeDir },
          ...(fn.reservedConcurrency === undefined
            ? {}
            : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }),
        });
      }
      return true;
    }
    m = /^\/2021-10-31\/functions\/([^/]+)\/(url|urls)$/.exec(path);
    if (m && method === "GET") {
      const name = functionNameOf(m[1] ?? "");
      if (!backend.functions().some((f) => f.name === name)) return false;
      const qualifier = url.searchParams.get("Qualifier") ?? undefined;
      const { region, accountId } = backend;
      const port = (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
      const env = { region, accountId, port, createdAt: this.startedAt };
      const configs = backend
        .functionUrls()
        .filter((u) => u.functionName === name && (m?.[2] === "urls" || u.qualifier === qualifier))
        .map((u) => functionUrlConfig(u, env));
      if (m[2] === "urls") send(res, 200, { FunctionUrlConfigs: configs });
      else if (configs[0]) send(res, 200, configs[0]);
      else throw new ApiError(404, "ResourceNotFoundException", "The resource you requested does not exist.");
      return true;
    }
    if (/^\/2015-03-31\/event-source-mappings$/.test(path) && method === "GET") {
      const fnFilter = url.searchParams.get("FunctionName");
      const name = fnFilter ? functionNameOf(fnFilter) : undefined;
      const list = backend
        .mappings()
        .filter((v) => name === undefined || v.spec.functionName === name)
        .map((v) => mappingConfiguration(backend, v));
      send(res, 200, { EventSourceMappings: list });
      return true;
    }
    m = /^\/2015-03-31\/event-source-mappings\/([^/]+)$/.exec(path);
    if (m) {
      const uuid = decodeURIComponent(m[1] ?? "");
      const view = backend.mappings().find((v) => v.spec.uuid === uuid);
      if (!view) return false;
      if (method === "GET") {
        send(res, 200, mappingConfiguration(backend, view));
        return true;
      }
      if (method === "PUT") {
        const body = JSON.parse((await readBody(req, 256 * 1024)).toString() || "{}") as Record<string, unknown>;
        const update = validateUpdate(body);
        const updated = await backend.updateMapping(uuid, update);
        send(res, 202, mappingConfiguration(backend, updated));
        return true;
      }
    }
    return false;
  }

  private async invoke(req: IncomingMessage, res: ServerResponse, fn: FunctionSpec): Promise<void> {
    const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
    if (!["RequestResponse", "Event", "DryRun"].includes(type)) {
      throw new ApiError(400, "InvalidParameterValueException", `Invalid InvocationType: ${type}`);
    }
    const payload = await readBody(req, type === "Event" ? MAX_ASYNC_PAYLOAD : MAX_REQUEST_BYTES);
    // A synchronous payload is checked by the executor (its errors map to the API's below); an Event one is
    // checked here, because the caller has its 202 before the executor sees it.
    if (type === "Event" && payload.length > 0) {
      try {
        JSON.parse(payload.toString("utf8"));
      } catch {
        throw new ApiError(400, "InvalidRequestContentException", "Could not parse request body into json");
      }
    }
    const body = payload.length === 0 ? Buffer.from("{}") : payload;
    if (type === "DryRun") {
      send(res, 204, undefined);
      return;
    }
    const queue = this.options.backend.asyncInvocation;
    if (type === "Event" && queue) {
      // 202 only once the event is on disk: an accepted event is never lost.
      const requestId = await queue.enqueue(fn.name, body);
      send(res, 202, undefined, { "x-amzn-RequestId": requestId });
      return;
    }
    if (type === "Event") {
      const requestId = randomUUID();
      this.options.backend.invoke(fn.name, body).catch((error: unknown) => {
        this.options.log("asynchronous invocation failed", { function: fn.name, error: (error as Error).message });
      });
      send(res, 202, undefined, { "x-amzn-RequestId": requestId });
      return;
    }
    const result = await this.options.backend.invoke(fn.name, body);
    const headers: Record<string, string> = {
      "x-amzn-RequestId": result.requestId,
      "X-Amz-Executed-Version": "$LATEST",
    };
    if (result.functionError) headers["X-Amz-Function-Error"] = result.functionError;
    if (String(req.headers["x-amz-log-type"] ?? "") === "Tail") {
      headers["X-Amz-Log-Result"] = Buffer.from(result.logTail).toString("base64");
    }
    send(res, 200, result.payload, headers);
  }

  private proxy(req: IncomingMessage, res: ServerResponse): void {
    const { upstream } = this.options;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.rawHeaders);
        upstreamRes.pipe(res);
      },
    );
    out.on("error", (error) => {
      if (!res.headersSent) {
        sendError(
          res,
          new ApiError(
            502,
            "ServiceUnavailableException",
            `LocalStack is not reachable at ${upstream.origin}: ${error.message}`,
            "Service",
          ),
        );
      } else res.destroy(error);
    });
    req.pipe(out);
  }
}

function validateUpdate(body: Record<string, unknown>): MappingUpdate {
  const allowed = new Set(["Enabled", "BatchSize", "MaximumBatchingWindowInSeconds", "FunctionName", "UUID"]);
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) {
      throw new ApiError(
        400,
        "InvalidParameterValueException",
        `${key} cannot be updated on a local event-source mapping (Enabled, BatchSize, MaximumBatchingWindowInSeconds can)`,
      );
    }
  }
  const update: { enabled?: boolean; batchSize?: number; maximumBatchingWindowInSeconds?: number } = {};
  if (body.Enabled !== undefined) {
    if (typeof body.Enabled !== "boolean")
      throw new ApiError(400, "InvalidParameterValueException", "Enabled must be a boolean");
    update.enabled = body.Enabled;
  }
  if (body.BatchSize !== undefined) {
    const n = Number(body.BatchSize);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      throw new ApiError(400, "InvalidParameterValueException", "BatchSize must be between 1 and 10000");
    }
    update.batchSize = n;
  }
  if (body.MaximumBatchingWindowInSeconds !== undefined) {
    const n = Number(body.MaximumBatchingWindowInSeconds);
    if (!Number.isInteger(n) || n < 0 || n > 300) {
      throw new ApiError(
        400,
        "InvalidParameterValueException",
        "MaximumBatchingWindowInSeconds must be between 0 and 300",
      );
    }
    update.maximumBatchingWindowInSeconds = n;
  }
  return update;
}
