/**
 * What the dashboard reads: one line per source, each with its least grant (`sources.ts`). To give a page a new
 * source, add its variable to `lambdas/dashboard/settings.ts` and one line here.
 */
import type { SluiceSettings } from "../../settings";
import type { AnalyticsStack } from "../analytics-stack";
import type { DataStack } from "../data-stack";
import type { HourlyStack } from "../hourly-stack";
import type { PipelineStack } from "../pipeline-stack";
import type { DashboardSourceFactory } from "./sources";

/** The stacks whose resources the dashboard may read. */
export interface DashboardStacks {
  readonly settings: SluiceSettings;
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly analytics: AnalyticsStack;
  readonly hourly: HourlyStack;
}

export function dashboardSources(_stacks: DashboardStacks): DashboardSourceFactory[] {
  return [
    // one line per source
  ];
}
