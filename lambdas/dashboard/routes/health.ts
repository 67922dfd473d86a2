/** The health page's API: `GET /api/health` (per function and per Kafka mapping, from CloudWatch; `api/health.ts`). */
import { healthQuerySchema, readHealth } from "../api/health";
import type { DashboardDeps } from "../server/deps";
import { defineRoute, type Route } from "../server/router";

export const healthRoutes: Route<DashboardDeps>[] = [
  defineRoute<DashboardDeps, never, typeof healthQuerySchema>({
    method: "GET",
    path: "/api/health",
    query: healthQuerySchema,
    handle: ({ query, deps }) =>
      readHealth(
        { cloudWatch: deps.cloudWatch(), functionPrefix: `${deps.settings.STACK_PREFIX}-`, now: deps.now },
        query,
      ),
  }),
];
