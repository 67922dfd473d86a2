/**
 * The dashboard as a function from request to response, free of Lambda: `/api/...` goes to the router, everything
 * else to the web app's files, and every answer (errors too) carries the security headers.
 */
import { metaRoutes } from "./routes/meta";
import type { DashboardDeps } from "./server/deps";
import { type DashRequest, type DashResponse, errorResponse, HttpError } from "./server/http";
import { type Route, Router } from "./server/router";
import { type StaticFile, serveStatic } from "./server/static";

export interface DashboardApp {
  handle(request: DashRequest): Promise<DashResponse>;
  readonly router: Router<DashboardDeps>;
}

export interface DashboardAppOptions {
  readonly routes: readonly (readonly Route<DashboardDeps>[])[];
  readonly files: ReadonlyMap<string, StaticFile>;
  readonly deps: DashboardDeps;
  readonly onError: (error: unknown, request: DashRequest) => void;
}

export function dashboardApp(options: DashboardAppOptions): DashboardApp {
  const readOnly = options.deps.settings.DASHBOARD_MODE === "read-only";
  const router: Router<DashboardDeps> = new Router([...metaRoutes(() => router.list()), ...options.routes.flat()], {
    readOnly,
    onError: options.onError,
  });
  return {
    router,
    async handle(request) {
      if (request.path === "/api" || request.path.startsWith("/api/")) return router.handle(request, options.deps);
      try {
        return serveStatic(options.files, request);
      } catch (error) {
        if (error instanceof HttpError) return errorResponse(error);
        throw error;
      }
    },
  };
}
