import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, type ILayerVersion, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

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
}

/**
 * The house Lambda function: Node.js 22 on arm64, bundled locally by esbuild with source maps,
 * JSON logs to an explicit `/aws/lambda/<name>` log group, and a role that may write only there.
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
      tracing: Tracing.DISABLED,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_LOG_LEVEL: "INFO",
        ...definedOnly(props.environment ?? {}),
      },
      bundling: {
        format: OutputFormat.CJS,
        target: "node22",
        sourceMap: true,
        minify: true,
        // Bundle the SDK too: the version the tests ran with is the version that deploys.
        externalModules: props.externalModules ?? [],
        forceDockerBundling: false,
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
