import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  ApplicationLogLevel,
  Architecture,
  type ILayerVersion,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from "aws-cdk-lib/aws-lambda";
import { type ICommandHooks, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { DEFAULT_LOG_LEVELS, type LogLevels } from "../settings";

export interface SluiceFunctionProps {
  /** Path of the handler module (a `handler` export). */
  readonly entry: string;
  /** Short name of the function within its stack; the function is named `<stack>-<name>`. */
  readonly name: string;
  readonly description?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** Variables for the handler; unset (undefined) ones are left out. @default - none */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** Layers, e.g. a `NodeModulesLayer` with native packages. @default - none */
  readonly layers?: ILayerVersion[];
  /** Packages left out of the bundle because a layer provides them. @default - none: everything is bundled */
  readonly externalModules?: string[];
  /** Commands run around esbuild, e.g. to build a web app into the bundle (`afterBundling`). @default - none */
  readonly commandHooks?: ICommandHooks;
  /** ApplicationLogLevel and SystemLogLevel of the JSON log format. @default - INFO and INFO, as AWS's */
  readonly logLevels?: LogLevels;
}

/** Powertools' name for Lambda's FATAL. */
const powertoolsLevel = (level: LogLevels["application"]): string => (level === "FATAL" ? "CRITICAL" : level);

/**
 * The house Lambda function: Node.js 22 on arm64, bundled locally by esbuild with source maps,
 * JSON logs to an explicit `/aws/lambda/<name>` log group, and a role that may write only there. The log format is
 * JSON (Lambda's advanced logging controls), so that the function's records and Lambda's platform.report are JSON
 * objects that filter patterns and Logs Insights select by field; POWERTOOLS_LOG_LEVEL matches the application level
 * (Powertools takes AWS_LAMBDA_LOG_LEVEL first, and warns when its own is lower).
 */
export class SluiceFunction extends NodejsFunction {
  /**
   * The function's name as a plain string (`<stack>-<name>`). Unlike `functionName` it does not
   * reference the function resource, so outputs stay valid when the local profile leaves it out.
   */
  readonly plainName: string;

  constructor(scope: Construct, id: string, props: SluiceFunctionProps) {
    const stack = Stack.of(scope);
    const functionName = `${stack.stackName}-${props.name}`;
    if (functionName.length > 64) {
      throw new Error(
        `function name "${functionName}" is longer than Lambda's 64 characters: shorten the stack prefix or the stage name`,
      );
    }
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${functionName}`,
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    const logLevels = props.logLevels ?? DEFAULT_LOG_LEVELS;
    super(scope, id, {
      entry: props.entry,
      handler: "handler",
      functionName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      layers: props.layers,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevels.application],
      systemLogLevelV2: SystemLogLevel[logLevels.system],
      tracing: Tracing.DISABLED,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_LOG_LEVEL: powertoolsLevel(logLevels.application),
        ...definedOnly(props.environment ?? {}),
      },
      bundling: {
        format: OutputFormat.CJS,
        target: "node22",
        sourceMap: true,
        minify: true,
        // Class names survive minification: Lambda's JSON log format names a logged error by its constructor
        // (errorType), and a minified bundle would log "Pd" for a ParseError.
        keepNames: true,
        // Bundle the SDK too: the version the tests ran with is the version that deploys.
        externalModules: props.externalModules ?? [],
        forceDockerBundling: false,
        commandHooks: props.commandHooks,
      },
    });
    this.plainName = functionName;
    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason: "Node.js 22 on purpose: the runtime the local Lambda service and the tests run; upgrades are deliberate.",
    });
  }
}

function definedOnly(values: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}
