/**
 * The service's own routes under /_sluice/: its status, a reload of the cloud assembly, running a
 * schedule now and setting the test clock. Not part of AWS's API; its own file so the server only
 * dispatches to it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, readBody, send, sendError } from "./http";

export interface ControlRoutes {
  /** The service's own status, served at GET /_sluice/status. */
  readonly status?: () => unknown;
  /** Reloads the cloud assembly, on POST /_sluice/reload; resolves with the status. */
  readonly reload?: () => Promise<unknown>;
  /** Fires a schedule now, on POST /_sluice/schedules/<name>/run with {} or {"at": ISO scheduled time}. */
  readonly runSchedule?: (name: string, at?: string) => unknown;
  /** Sets the test clock, on POST /_sluice/clock with {"now": ISO} or {"advanceSeconds": n}. */
  readonly setClock?: (change: { now?: string; advanceSeconds?: number }) => unknown;
  /** Told that LocalStack is about to be stopped, on POST /_sluice/upstream/stopping (see UpstreamWatch). */
  readonly upstreamStopping?: () => void;
}

/** The route `announceLocalStackStop` (daemon.ts) calls before LocalStack is stopped. */
export const UPSTREAM_STOPPING_PATH = "/_sluice/upstream/stopping";

/** Answers the /_sluice/ routes the service offers; false when the request is not one of them. */
export async function controlRoute(
  routes: ControlRoutes,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname === "/_sluice/status" && req.method === "GET" && routes.status) {
    send(res, 200, routes.status());
    return true;
  }
  if (url.pathname === UPSTREAM_STOPPING_PATH && req.method === "POST" && routes.upstreamStopping) {
    routes.upstreamStopping();
    send(res, 200, {});
    return true;
  }
  if (url.pathname === "/_sluice/reload" && req.method === "POST" && routes.reload) {
    send(res, 200, await routes.reload());
    return true;
  }
  return url.pathname.startsWith("/_sluice/") && req.method === "POST" && (await sluiceRoute(routes, req, res, url));
}

/** The service's own schedule and clock routes; false when the path is not one of them. */
async function sluiceRoute(
  { runSchedule, setClock }: ControlRoutes,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const run = /^\/_sluice\/schedules\/([^/]+)\/run$/.exec(url.pathname);
  if (!((run && runSchedule) || (url.pathname === "/_sluice/clock" && setClock))) return false;
  try {
    const body = JSON.parse((await readBody(req, 64 * 1024)).toString() || "{}") as {
      now?: string;
      advanceSeconds?: number;
      at?: unknown;
    };
    if (run && body.at !== undefined && typeof body.at !== "string") throw new Error('"at" must be an ISO instant');
    const at = typeof body.at === "string" ? body.at : undefined;
    send(res, 200, run ? runSchedule?.(decodeURIComponent(run[1] ?? ""), at) : setClock?.(body));
  } catch (error) {
    sendError(res, new ApiError(400, "InvalidRequestException", (error as Error).message));
  }
  return true;
}
