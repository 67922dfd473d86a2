/**
 * One dashboard function and its function URL: the house function with the web app built into its bundle, the
 * environment of its sources, and their read grants. A `full` dashboard also gets the Kafka secret and the
 * transactions topic (its form produces through `#bank/producer`); a `read-only` one gets neither.
 */
import { join } from "node:path";
import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type { FunctionUrl, FunctionUrlAuthType, ILayerVersion } from "aws-cdk-lib/aws-lambda";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { DashboardEnvironment, DashboardMode } from "../../../lambdas/dashboard/settings";
import { SluiceFunction } from "../../constructs/sluice-function";
import type { LogLevels } from "../../settings";
import type { DashboardSource } from "./sources";
import { webBundleHooks } from "./web-bundle";

export interface DashboardFunctionProps {
  /** Short name within the stack (`dashboard`, `dashboard-public`). */
  readonly name: string;
  readonly mode: DashboardMode;
  readonly authType: FunctionUrlAuthType;
  readonly sources: readonly DashboardSource[];
  readonly stackPrefix: string;
  /** Required for a `full` dashboard: where the form's transactions go, as whom. */
  readonly kafka?: {
    readonly bootstrapServers: readonly string[];
    readonly secret: ISecret;
    readonly transactionsTopic: string;
  };
  /** A layer with sharp, which makes the faces page's thumbnails (left out of the bundle). */
  readonly sharpLayer: ILayerVersion;
  readonly logLevels?: LogLevels;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

export class DashboardFunction extends Construct {
  readonly function: SluiceFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: DashboardFunctionProps) {
    super(scope, id);
    if (props.mode === "full" && props.kafka === undefined) {
      throw new Error(
        `DashboardFunction "${props.name}": a full dashboard needs kafka (its form produces transactions)`,
      );
    }
    if (props.mode === "read-only" && props.kafka !== undefined) {
      throw new Error(`DashboardFunction "${props.name}": a read-only dashboard must not get Kafka rights`);
    }
    const sourceEnvironment = Object.assign({}, ...props.sources.map((s) => s.environment)) as DashboardEnvironment;
    const environment: DashboardEnvironment = {
      ...sourceEnvironment,
      DASHBOARD_MODE: props.mode,
      STACK_PREFIX: props.stackPrefix,
      ...(props.kafka === undefined
        ? {}
        : {
            KAFKA_BOOTSTRAP_SERVERS: props.kafka.bootstrapServers.join(","),
            KAFKA_SECRET_ARN: props.kafka.secret.secretArn,
            TRANSACTIONS_TOPIC: props.kafka.transactionsTopic,
          }),
    };
    this.function = new SluiceFunction(this, "Function", {
      entry: join(__dirname, "..", "..", "..", "lambdas", "dashboard", "handler.ts"),
      name: props.name,
      description:
        props.mode === "full"
          ? "The live dashboard and its JSON API, with the transaction form"
          : "The live dashboard and its JSON API, read-only (no transaction form)",
      memorySize: 512,
      timeout: Duration.seconds(15),
      environment,
      logLevels: props.logLevels,
      logRemovalPolicy: props.logRemovalPolicy,
      commandHooks: webBundleHooks,
      layers: [props.sharpLayer],
      externalModules: ["sharp"],
    });
    for (const s of props.sources) s.grant(this.function);
    props.kafka?.secret.grantRead(this.function);
    this.url = this.function.addFunctionUrl({ authType: props.authType });
  }
}
