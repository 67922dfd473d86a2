import { App, RemovalPolicy, type StackProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { cdkJsonContext } from "./cdk-json";
import { LocalProfile } from "./local-profile";
import { loadSettings, type SluiceSettings } from "./settings";
import { AnalyticsStack } from "./stacks/analytics-stack";
import { dashboardSources } from "./stacks/dashboard/registry";
import { DashboardStack } from "./stacks/dashboard-stack";
import { DataStack } from "./stacks/data-stack";
import { HourlyStack } from "./stacks/hourly-stack";
import { PipelineStack } from "./stacks/pipeline-stack";

export interface SluiceApp {
  readonly app: App;
  readonly settings: SluiceSettings;
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly analytics: AnalyticsStack;
  readonly hourly: HourlyStack;
  readonly dashboard: DashboardStack;
}

/** Builds the whole app; tests call this with their own context instead of spawning `cdk synth`. */
export function buildApp(
  options: { context?: Record<string, unknown>; outdir?: string; nag?: boolean } = {},
): SluiceApp {
  // The CDK CLI passes cdk.json's context itself; a direct call (tests) gets it here, under its own.
  const context = options.context === undefined ? undefined : { ...cdkJsonContext(), ...options.context };
  const app = new App({ context, outdir: options.outdir });
  const settings = loadSettings(app.node);
  const local = settings.profile === "local";
  // Locally, everything goes with the stack; in production, data outlives it.
  const removalPolicy = local ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
  const env: StackProps["env"] = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };

  const data = new DataStack(app, `${settings.stackPrefix}-data`, {
    env,
    description: "sluice: buckets, metadata table and Kafka credentials",
    kafkaUsername: settings.kafkaUsername,
    removalPolicy,
    alertEmail: settings.alertEmail,
  });
  const pipeline = new PipelineStack(app, `${settings.stackPrefix}-pipeline`, {
    env,
    description: "sluice: the face-image pipeline's Kafka-triggered stages",
    settings,
    data: data.exports,
    logRemovalPolicy: removalPolicy,
  });
  pipeline.addStackDependency(data, "imports the buckets, table and secret by export name");
  const analytics = new AnalyticsStack(app, `${settings.stackPrefix}-analytics`, {
    env,
    description: "sluice: bank transactions, tweet hashtags and users, and the keyword tracker",
    settings,
    data: data.exports,
    removalPolicy,
  });
  analytics.addStackDependency(
    data,
    "imports the Kafka secret, the failures bucket and the alerts topic by export name",
  );

  const hourly = new HourlyStack(app, `${settings.stackPrefix}-hourly`, {
    env,
    description: "sluice: the hourly CSV ingestion into the Parquet lake",
    settings,
    data: data.exports,
    removalPolicy,
  });
  hourly.addStackDependency(data, "imports the lake, the Kafka secret, the failures bucket and the alerts topic");
  const dashboard = new DashboardStack(app, `${settings.stackPrefix}-dashboard`, {
    env,
    description: "sluice: the live dashboard (function URL) and its JSON API",
    settings,
    data: data.exports,
    sources: dashboardSources({ settings, data, pipeline, analytics, hourly }),
    removalPolicy,
  });
  dashboard.addStackDependency(data, "imports the Kafka secret by export name");

  // Aspects and validations visit every stack at synthesis, so they are added once all are built.
  if (local) LocalProfile.applyTo(app);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, settings, data, pipeline, analytics, hourly, dashboard };
}
