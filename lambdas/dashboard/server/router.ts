/**
 * The dashboard's router: a registry of routes, each a method, a path pattern (`/api/accounts/:account`), zod
 * schemas for its path parameters, query and JSON body, and a handler that returns what to send as JSON (or a
 * `BinaryBody`, sent as bytes with its own content type and cache headers). Inputs
 * are validated before a handler runs; a failure is a 400 that says which field and why. Routes that write are
 * marked, and a read-only dashboard refuses them. Anything not under `/api/` is the web app's (`static.ts`).
 */
import { z } from "zod";
import {
  BinaryBody,
  binaryResponse,
  type DashRequest,
  type DashResponse,
  errorResponse,
  HttpError,
  jsonResponse,
} from "./http";

export type Method = "GET" | "POST";

export interface RouteInput<P, Q, B, D> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly deps: D;
}

export interface Route<D> {
  readonly method: Method;
  /** `/api/...`, with `:name` segments for path parameters. */
  readonly path: string;
  /** A route that changes something: refused by a read-only dashboard. */
  readonly writes: boolean;
  /** Answers with this status on success. @default 200 */
  readonly status: number;
  run(request: DashRequest, params: Record<string, string>, deps: D): Promise<unknown>;
}

export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, D> {
  readonly method: Method;
  readonly path: string;
  readonly writes?: boolean;
  readonly status?: number;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  handle(input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>, D>): Promise<unknown>;
}

const NONE = z.object({});
/** The largest JSON body a route accepts. */
export const MAX_BODY_CHARS = 16 * 1024;

function validate<S extends z.ZodType>(schema: S, value: unknown, where: "path" | "query" | "body"): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ where, field: i.path.join("."), message: i.message }));
  const summary = issues.map((i) => (i.field === "" ? i.message : `${i.field}: ${i.message}`)).join("; ");
  throw new HttpError(400, "invalid-request", `invalid ${where}: ${summary}`, issues);
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  if (text.length > MAX_BODY_CHARS) {
    throw new HttpError(413, "body-too-large", `the body is over ${MAX_BODY_CHARS} characters`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "invalid-json", "the body is not JSON", undefined, { cause: error });
  }
}

/** Declares a route; its handler receives the parsed, typed inputs. */
export function defineRoute<
  D,
  P extends z.ZodType = typeof NONE,
  Q extends z.ZodType = typeof NONE,
  B extends z.ZodType = z.ZodUndefined,
>(def: RouteDefinition<P, Q, B, D>): Route<D> {
  if (!def.path.startsWith("/api/")) throw new Error(`route ${def.path} must start with /api/`);
  return {
    method: def.method,
    path: def.path,
    writes: def.writes ?? false,
    status: def.status ?? 200,
    async run(request, params, deps) {
      const input = {
        params: validate(def.params ?? NONE, params, "path"),
        query: validate(def.query ?? NONE, request.query, "query"),
        body: validate(def.body ?? z.undefined(), parseBody(request.body), "body"),
        deps,
      } as RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>, D>;
      return def.handle(input);
    },
  };
}

interface Compiled<D> {
  readonly route: Route<D>;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile<D>(route: Route<D>): Compiled<D> {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export interface RouterOptions {
  /** A read-only dashboard refuses the routes that write. */
  readonly readOnly: boolean;
  /** Called with an unexpected error before the generic 500 goes out. */
  readonly onError: (error: unknown, request: DashRequest) => void;
}

export class Router<D> {
  private readonly routes: readonly Compiled<D>[];

  constructor(
    routes: readonly Route<D>[],
    private readonly options: RouterOptions,
  ) {
    const seen = new Set<string>();
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) throw new Error(`route ${key} is registered twice`);
      seen.add(key);
    }
    this.routes = routes.map(compile);
  }

  /** The routes this dashboard serves (a read-only one leaves out those that write). */
  list(): Array<{ method: Method; path: string; writes: boolean }> {
    return this.routes
      .filter((c) => !(this.options.readOnly && c.route.writes))
      .map(({ route }) => ({ method: route.method, path: route.path, writes: route.writes }));
  }

  /** Answers an `/api/` request: the route's JSON (or bytes), or an error's JSON. */
  async handle(request: DashRequest, deps: D): Promise<DashResponse> {
    try {
      const { route, params } = this.find(request);
      const value = await route.run(request, params, deps);
      if (value instanceof BinaryBody) return binaryResponse(route.status, value);
      return jsonResponse(route.status, value ?? null);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error);
      this.options.onError(error, request);
      return errorResponse(new HttpError(500, "internal", "the dashboard could not answer; its log says why"));
    }
  }

  private find(request: DashRequest): { route: Route<D>; params: Record<string, string> } {
    const allowed: string[] = [];
    for (const c of this.routes) {
      const m = c.pattern.exec(request.path);
      if (m === null) continue;
      if (c.route.method !== request.method) {
        allowed.push(c.route.method);
        continue;
      }
      if (this.options.readOnly && c.route.writes) {
        throw new HttpError(
          403,
          "read-only",
          "this dashboard is read-only: use the signed (AWS_IAM) dashboard to change anything",
        );
      }
      const params: Record<string, string> = {};
      for (const [i, name] of c.names.entries()) {
        const raw = m[i + 1] ?? "";
        try {
          params[name] = decodeURIComponent(raw);
        } catch (error) {
          throw new HttpError(
            400,
            "invalid-request",
            `path parameter ${name} is not valid percent-encoding`,
            undefined,
            {
              cause: error,
            },
          );
        }
      }
      return { route: c.route, params };
    }
    if (allowed.length > 0) {
      throw new HttpError(
        405,
        "method-not-allowed",
        `${request.path} answers ${allowed.join(", ")}, not ${request.method}`,
      );
    }
    throw new HttpError(404, "not-found", `no API route ${request.method} ${request.path}`);
  }
}
