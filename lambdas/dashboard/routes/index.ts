/**
 * The dashboard's API, one line per page's routes. To add a page's API: a `routes/<page>.ts` exporting its
 * `Route[]` (see `server/router.ts` `defineRoute`), and one line here.
 */
import type { DashboardDeps } from "../server/deps";
import type { Route } from "../server/router";
import { bankRoutes } from "./bank";
import { facesRoutes } from "./faces";
import { healthRoutes } from "./health";
import { lakeRoutes } from "./lake";
import { tweetRoutes } from "./tweets";

export const PAGE_ROUTES: readonly (readonly Route<DashboardDeps>[])[] = [
  bankRoutes,
  tweetRoutes,
  // one line per page
  lakeRoutes,
  facesRoutes,
  healthRoutes,
];
