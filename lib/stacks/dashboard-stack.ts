import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { Architecture, FunctionUrlAuthType } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { NodeModulesLayer } from "../constructs/node-modules-layer";
import type { SluiceSettings } from "../settings";
import { DashboardFunction } from "./dashboard/dashboard-function";
import type { DashboardSourceFactory } from "./dashboard/sources";
import { type DataExports, importSharedData } from "./data-stack";

export interface DashboardStackProps extends StackProps {
  readonly settings: SluiceSettings;
  /** Export names of the data stack's resources: the Kafka secret, for the form's producer. */
  readonly data: DataExports;
  /** What the dashboard reads (lib/stacks/dashboard/registry.ts), each with its least grant. */
  readonly sources: readonly DashboardSourceFactory[];
  /** Of the log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The live dashboard: one function behind a function URL serving the web app and its JSON API. Locally the URL is
 * open (AuthType NONE); on AWS it takes SigV4-signed requests (AWS_IAM). With `sluice:dashboardPublic`, a second,
 * read-only function gets an open URL: the same pages without the transaction form, and no Kafka rights.
 */
export class DashboardStack extends Stack {
  readonly dashboard: DashboardFunction;
  readonly publicDashboard?: DashboardFunction;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const local = settings.profile === "local";
    const { kafkaSecret } = importSharedData(this, props.data);
    const sources = props.sources.map((make) => make(this));
    // The faces page's thumbnails are made by sharp, whose libvips is native: the same layer as the face stages'.
    const sharpLayer = new NodeModulesLayer(this, "SharpLayer", {
      packages: ["sharp"],
      architecture: Architecture.ARM_64,
      target: local ? "host" : { os: "linux", cpu: "arm64", libc: "glibc" },
      description: "sharp (libvips) for the dashboard's thumbnails",
    });
    const common = {
      sources,
      sharpLayer,
      stackPrefix: settings.stackPrefix,
      logLevels: settings.logLevels,
      logRemovalPolicy: props.removalPolicy,
    };
    this.dashboard = new DashboardFunction(this, "Dashboard", {
      ...common,
      name: "dashboard",
      mode: "full",
      authType: local ? FunctionUrlAuthType.NONE : FunctionUrlAuthType.AWS_IAM,
      kafka: {
        bootstrapServers: settings.kafkaBootstrapServers,
        secret: kafkaSecret,
        transactionsTopic: settings.analyticsTopics.transactions,
      },
    });
    new CfnOutput(this, "DashboardFunctionName", {
      value: this.dashboard.function.plainName,
      description: `The dashboard (function URL, ${local ? "open" : "AWS_IAM"}); \`sluice status\` prints its URL`,
    });
    if (settings.dashboardPublic && !local) {
      this.publicDashboard = new DashboardFunction(this, "PublicDashboard", {
        ...common,
        name: "dashboard-public",
        mode: "read-only",
        authType: FunctionUrlAuthType.NONE,
      });
      new CfnOutput(this, "PublicDashboardUrl", {
        value: this.publicDashboard.url.url,
        description: "The read-only dashboard anyone may open (sluice:dashboardPublic)",
      });
    }
    if (!local) {
      new CfnOutput(this, "DashboardUrl", {
        value: this.dashboard.url.url,
        description: "Sign requests with SigV4 (AWS_IAM)",
      });
    }
  }
}
