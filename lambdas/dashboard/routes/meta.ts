/** What the web app asks first: which mode this dashboard is in and which API routes it serves. */

import type { MetaResponse } from "../contract";
import type { DashboardDeps } from "../server/deps";
import { defineRoute, type Route } from "../server/router";

/** `list` is the router's own listing, given once it exists. */
export function metaRoutes(list: () => MetaResponse["routes"]): Route<DashboardDeps>[] {
  return [
    defineRoute<DashboardDeps>({
      method: "GET",
      path: "/api/meta",
      async handle({ deps }): Promise<MetaResponse> {
        return {
          mode: deps.settings.DASHBOARD_MODE,
          stackPrefix: deps.settings.STACK_PREFIX,
          routes: list(),
          time: deps.now().toISOString(),
        };
      },
    }),
  ];
}
