/**
 * Everything the dashboard function reads from its environment: the handler parses it once at init, and the
 * stack builds it with `dashboardEnvironment`, so both sides share one spelling. Each table or bucket a page reads
 * is one optional variable: a route whose source is not configured answers 503 naming the variable.
 */
import { z } from "zod";
import { S3_SETTINGS } from "#shared/aws";
import { type EnvironmentOf, envFlag, envString } from "#shared/settings";

/** `full` serves every route (the transaction form too); `read-only` refuses the routes that write. */
export const DASHBOARD_MODES = ["full", "read-only"] as const;
export type DashboardMode = (typeof DASHBOARD_MODES)[number];

export const DASHBOARD_SETTINGS = {
  ...S3_SETTINGS,
  DASHBOARD_MODE: z.enum(DASHBOARD_MODES, { error: "expected full or read-only" }).default("full"),
  /** Brokers as host:port,host:port; only a `full` dashboard produces (the transaction form). */
  KAFKA_BOOTSTRAP_SERVERS: envString.transform((v) => v.split(",")).optional(),
  /** Secret with the SCRAM `username` and `password` the form's producer connects as. */
  KAFKA_SECRET_ARN: envString.optional(),
  KAFKA_SSL: envFlag,
  /** Where the form's transactions go. */
  TRANSACTIONS_TOPIC: envString.optional(),
  /** Set by the Lambda runtime; names the Kafka client. */
  AWS_LAMBDA_FUNCTION_NAME: envString.default("sluice-dashboard"),
  /** The bank table (accounts, transactions, markers). */
  BANK_TABLE: envString.optional(),
  /** The tweet pipelines' tables. */
  HASHTAGS_TABLE: envString.optional(),
  USERS_TABLE: envString.optional(),
  TRACKER_TABLE: envString.optional(),
  /** The keyword tracker's keywords, as a JSON list. */
  TRACKED_KEYWORDS: envString.optional(),
  /** The face pipeline's metadata table, the dataset and lake buckets, the hourly run records. */
  METADATA_TABLE: envString.optional(),
  DATASET_BUCKET: envString.optional(),
  LAKE_BUCKET: envString.optional(),
  RUNS_TABLE: envString.optional(),
  /** The face pipeline's images (the clean ones, for the gallery) and the records the Kafka mappings gave up on. */
  IMAGES_BUCKET: envString.optional(),
  FAILURES_BUCKET: envString.optional(),
  /** The deployment's stack prefix: which functions, alarms and metrics are this deployment's. */
  STACK_PREFIX: envString.default("sluice"),
};
export const DashboardSettingsSchema = z.object(DASHBOARD_SETTINGS);
export type DashboardSettings = z.infer<typeof DashboardSettingsSchema>;
export type DashboardEnvironment = EnvironmentOf<typeof DASHBOARD_SETTINGS>;
/** The variables that name a source a route reads. */
export type DashboardSourceVariable =
  | "BANK_TABLE"
  | "HASHTAGS_TABLE"
  | "USERS_TABLE"
  | "TRACKER_TABLE"
  | "TRACKED_KEYWORDS"
  | "METADATA_TABLE"
  | "DATASET_BUCKET"
  | "LAKE_BUCKET"
  | "RUNS_TABLE"
  | "IMAGES_BUCKET"
  | "FAILURES_BUCKET";
