/**
 * What the dashboard reads: one line per source, each with its least grant (`sources.ts`). To give a page a new
 * source, add its variable to `lambdas/dashboard/settings.ts` and one line here.
 */
import type { SluiceSettings } from "../../settings";
import type { AnalyticsStack } from "../analytics-stack";
import type { DataStack } from "../data-stack";
import type { HourlyStack } from "../hourly-stack";
import type { PipelineStack } from "../pipeline-stack";
import { type DashboardSourceFactory, TABLE_READ, tableSource, valueSource } from "./sources";

/** The stacks whose resources the dashboard may read. */
export interface DashboardStacks {
  readonly settings: SluiceSettings;
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly analytics: AnalyticsStack;
  readonly hourly: HourlyStack;
}

export function dashboardSources({ analytics }: DashboardStacks): DashboardSourceFactory[] {
  const { bank, tweets } = analytics;
  return [
    // Accounts are listed whole (a Scan filtered on the account items); transactions by Query, markers by GetItem.
    tableSource("BANK_TABLE", bank.table, [...TABLE_READ, "dynamodb:Scan"]),
    // The tweet tables are summarised whole (a Scan each).
    tableSource("HASHTAGS_TABLE", tweets.hashtagsTable, ["dynamodb:Scan"]),
    tableSource("USERS_TABLE", tweets.usersTable, ["dynamodb:Scan"]),
    tableSource("TRACKER_TABLE", tweets.trackerTable, ["dynamodb:Scan"]),
    valueSource("TRACKED_KEYWORDS", JSON.stringify(tweets.props.trackedKeywords)),
    // one line per source
  ];
}
