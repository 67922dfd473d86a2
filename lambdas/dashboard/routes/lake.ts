/** The lake page's API: `GET /api/lake` (runs, rows per partition, alarms; `api/lake.ts`). */
import { lakeQuerySchema, readLake } from "../api/lake";
import { type DashboardDeps, source } from "../server/deps";
import { defineRoute, type Route } from "../server/router";

export const lakeRoutes: Route<DashboardDeps>[] = [
  defineRoute<DashboardDeps, never, typeof lakeQuerySchema>({
    method: "GET",
    path: "/api/lake",
    query: lakeQuerySchema,
    handle: ({ query, deps }) =>
      readLake(
        {
          db: deps.dynamo(),
          s3: deps.s3(),
          cloudWatch: deps.cloudWatch(),
          runsTable: source(deps, "RUNS_TABLE"),
          lakeBucket: source(deps, "LAKE_BUCKET"),
          alarmNamePrefix: `${deps.settings.STACK_PREFIX}-`,
          now: deps.now,
        },
        query,
      ),
  }),
];
