/**
 * What the dashboard reads: one line per source, each with its least grant (`sources.ts`). To give a page a new
 * source, add its variable to `lambdas/dashboard/settings.ts` and one line here.
 */

import { CLEAN_IMAGES_PREFIX } from "../../../lambdas/faces/clean/clean";
import { DATASET_PREFIX } from "../../../lambdas/faces/clean/dataset";
import { LAKE_PREFIX } from "../../../lambdas/hourly/shared/lake-layout";
import type { SluiceSettings } from "../../settings";
import type { AnalyticsStack } from "../analytics-stack";
import type { DataStack } from "../data-stack";
import type { HourlyStack } from "../hourly-stack";
import type { PipelineStack } from "../pipeline-stack";
import { acknowledgedCloudWatchSource, exportedBucketSource } from "./data-sources";
import { type DashboardSourceFactory, TABLE_READ, tableSource, valueSource } from "./sources";

/** The stacks whose resources the dashboard may read. */
export interface DashboardStacks {
  readonly settings: SluiceSettings;
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly analytics: AnalyticsStack;
  readonly hourly: HourlyStack;
}

export function dashboardSources({ analytics, data, hourly, settings }: DashboardStacks): DashboardSourceFactory[] {
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
    tableSource("RUNS_TABLE", hourly.ingest.runs, ["dynamodb:Query"]),
    tableSource("METADATA_TABLE", data.metadataTable, [...TABLE_READ, "dynamodb:Scan"]),
    exportedBucketSource(
      "LAKE_BUCKET",
      data.exports.lakeBucketArn,
      LAKE_PREFIX,
      "The lake page counts rows from its Parquet footers",
    ),
    exportedBucketSource(
      "DATASET_BUCKET",
      data.exports.lakeBucketArn,
      DATASET_PREFIX,
      "The faces page counts the training set's rows",
    ),
    exportedBucketSource(
      "IMAGES_BUCKET",
      data.exports.imagesBucketArn,
      CLEAN_IMAGES_PREFIX,
      "The faces gallery's thumbnails of clean images",
    ),
    exportedBucketSource(
      "FAILURES_BUCKET",
      data.exports.failuresBucketArn,
      undefined,
      "The faces page lists failure records (keys made per mapping and time)",
    ),
    acknowledgedCloudWatchSource(`${settings.stackPrefix}-`),
  ];
}
