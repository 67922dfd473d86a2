/**
 * A minimal cloud assembly (cdk.out) written directly, for the integration tests and the benchmark: one
 * stack with Lambda functions whose code is a local directory, self-managed Kafka event-source mappings,
 * and EventBridge Scheduler schedules and scheduled rules that target the functions — exactly what the local Lambda service reads (assembly.ts), without synthesizing or deploying
 * a CDK app. It lives beside the reader so the two stay in step.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { provisionedModeRequiredBy, stableUuid } from "./assembly";

export interface SyntheticFunction {
  /** Logical id in the template, e.g. "Recorder". */
  readonly logicalId: string;
  /** FunctionName (≤ 64 characters). */
  readonly functionName: string;
  /** The handler's code directory (used in place: aws:asset:path may be absolute). */
  readonly codeDir: string;
  /** Default "index.handler". */
  readonly handler?: string;
  /** Default "nodejs22.x". */
  readonly runtime?: string;
  /** Default 256. */
  readonly memoryMb?: number;
  /** Default 30. */
  readonly timeoutSeconds?: number;
  /** Environment.Variables, plain literals. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  /** DeadLetterConfig.TargetArn: an SQS queue or SNS topic for discarded asynchronous events. */
  readonly deadLetterTargetArn?: string;
  /** An AWS::Lambda::EventInvokeConfig for the function's $LATEST (asynchronous invocation). */
  readonly eventInvokeConfig?: {
    readonly maximumRetryAttempts?: number;
    readonly maximumEventAgeSeconds?: number;
    readonly onSuccess?: string;
    readonly onFailure?: string;
  };
}

export interface SyntheticMapping {
  /** Logical id in the template: with the stack name it makes the mapping's UUID. */
  readonly logicalId: string;
  /** The logical id of the function (FunctionName is {"Ref": it}). */
  readonly functionLogicalId: string;
  readonly topic: string;
  readonly bootstrapServers: readonly string[];
  /** A Secrets Manager secret ARN holding {"username","password"}: SASL_SCRAM_512_AUTH. None: no authentication. */
  readonly secretArn?: string;
  /** Default 100. */
  readonly batchSize?: number;
  /** Default 0.5 (the service's default when absent would also be 500 ms). */
  readonly maxBatchingWindowSeconds?: number;
  /** Default "TRIM_HORIZON". */
  readonly startingPosition?: "TRIM_HORIZON" | "LATEST";
  /** Default: the mapping's UUID (as on AWS). */
  readonly consumerGroupId?: string;
  readonly reportBatchItemFailures?: boolean;
  /** Default true. */
  readonly enabled?: boolean;
  /** More properties, as written (e.g. a SchemaRegistryConfig the service must refuse). */
  readonly extraProperties?: Readonly<Record<string, unknown>>;
  /**
   * The mapping's provisioned mode. Default: one poller (minimum and maximum 1) whenever the mapping uses what
   * AWS allows only in provisioned mode (error handling, an on-failure destination, a schema registry), so a
   * written mapping is one AWS would accept; "none" writes none, for the tests of that refusal.
   */
  readonly provisionedPollerConfig?: { readonly minimumPollers: number; readonly maximumPollers: number } | "none";
}

/** An AWS::Scheduler::Schedule (kind "schedule") or a scheduled AWS::Events::Rule (kind "rule"). */
export interface SyntheticSchedule {
  readonly kind: "schedule" | "rule";
  readonly logicalId: string;
  /** Name (the schedule's or rule's). */
  readonly name: string;
  readonly expression: string;
  /** The target function's logical id (Arn is its Fn::GetAtt Arn); or targetArn for a literal ARN. */
  readonly functionLogicalId?: string;
  readonly targetArn?: string;
  /** The target's other properties (Input, RetryPolicy, InputTransformer…), as written. */
  readonly target?: Readonly<Record<string, unknown>>;
  /** The resource's other properties (ScheduleExpressionTimezone, StartDate, State…), as written. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface SyntheticUrl {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** The logical id of the function (TargetFunctionArn is its Fn::GetAtt Arn). */
  readonly functionLogicalId: string;
  /** Default "NONE". */
  readonly authType?: "NONE" | "AWS_IAM";
  /** The AWS::Lambda::Url Cors property, as CloudFormation spells it. */
  readonly cors?: Readonly<Record<string, unknown>>;
  readonly invokeMode?: "BUFFERED" | "RESPONSE_STREAM";
}

export interface SyntheticAssemblyOptions {
  /** Default "sluice-test". Need not be deployed: the service only warns about an unknown stack. */
  readonly stackName?: string;
  readonly functions: readonly SyntheticFunction[];
  readonly mappings?: readonly SyntheticMapping[];
  readonly urls?: readonly SyntheticUrl[];
  readonly schedules?: readonly SyntheticSchedule[];
}

export interface WrittenMapping {
  readonly uuid: string;
  readonly consumerGroupId: string;
  readonly functionName: string;
  readonly topic: string;
}

export interface SyntheticAssembly {
  readonly dir: string;
  readonly stackName: string;
  readonly manifestFile: string;
  readonly templateFile: string;
  /** By logical id. */
  readonly mappings: ReadonlyMap<string, WrittenMapping>;
}

/** Writes the file through a temporary name, so a watcher never reads half of it. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/**
 * Writes (or rewrites) `dir/manifest.json` and `dir/<stack>.template.json`. The template goes first and the
 * manifest last, so a service watching the manifest sees a complete assembly. Returns the mappings' UUIDs
 * and consumer groups as the service will compute them.
 */
export function writeSyntheticAssembly(dir: string, options: SyntheticAssemblyOptions): SyntheticAssembly {
  const stackName = options.stackName ?? "sluice-test";
  const functionsById = new Map(options.functions.map((f) => [f.logicalId, f]));
  const resources: Record<string, unknown> = {};
  for (const f of options.functions) {
    resources[f.logicalId] = {
      Type: "AWS::Lambda::Function",
      Metadata: { "aws:asset:path": resolve(f.codeDir), "aws:asset:property": "Code" },
      Properties: {
        FunctionName: f.functionName,
        Handler: f.handler ?? "index.handler",
        Runtime: f.runtime ?? "nodejs22.x",
        MemorySize: f.memoryMb ?? 256,
        Timeout: f.timeoutSeconds ?? 30,
        Environment: { Variables: { ...(f.environment ?? {}) } },
        ...(f.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: f.reservedConcurrency }),
        ...(f.deadLetterTargetArn === undefined ? {} : { DeadLetterConfig: { TargetArn: f.deadLetterTargetArn } }),
      },
    };
    const invokeConfig = f.eventInvokeConfig;
    if (invokeConfig) {
      const destination = (arn: string | undefined) => (arn === undefined ? {} : { Destination: arn });
      resources[`${f.logicalId}EventInvokeConfig`] = {
        Type: "AWS::Lambda::EventInvokeConfig",
        Properties: {
          FunctionName: { Ref: f.logicalId },
          Qualifier: "$LATEST",
          ...(invokeConfig.maximumRetryAttempts === undefined
            ? {}
            : { MaximumRetryAttempts: invokeConfig.maximumRetryAttempts }),
          ...(invokeConfig.maximumEventAgeSeconds === undefined
            ? {}
            : { MaximumEventAgeInSeconds: invokeConfig.maximumEventAgeSeconds }),
          DestinationConfig: {
            OnSuccess: destination(invokeConfig.onSuccess),
            OnFailure: destination(invokeConfig.onFailure),
          },
        },
      };
    }
  }
  const mappings = new Map<string, WrittenMapping>();
  for (const m of options.mappings ?? []) {
    const fn = functionsById.get(m.functionLogicalId);
    if (!fn) throw new Error(`mapping ${m.logicalId}: no function ${m.functionLogicalId} in the synthetic assembly`);
    const uuid = stableUuid(`${stackName}/${m.logicalId}`);
    const properties: Record<string, unknown> = {
      FunctionName: { Ref: m.functionLogicalId },
      Topics: [m.topic],
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: [...m.bootstrapServers] } },
      ...(m.secretArn === undefined
        ? {}
        : { SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: m.secretArn }] }),
      BatchSize: m.batchSize ?? 100,
      MaximumBatchingWindowInSeconds: m.maxBatchingWindowSeconds ?? 0.5,
      StartingPosition: m.startingPosition ?? "TRIM_HORIZON",
      Enabled: m.enabled ?? true,
      ...(m.consumerGroupId === undefined
        ? {}
        : { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: m.consumerGroupId } }),
      ...(m.reportBatchItemFailures ? { FunctionResponseTypes: ["ReportBatchItemFailures"] } : {}),
      ...(m.extraProperties ?? {}),
    };
    const pollers =
      m.provisionedPollerConfig ??
      (provisionedModeRequiredBy(properties).length > 0 ? { minimumPollers: 1, maximumPollers: 1 } : "none");
    if (pollers !== "none") {
      properties.ProvisionedPollerConfig = {
        MinimumPollers: pollers.minimumPollers,
        MaximumPollers: pollers.maximumPollers,
      };
    }
    resources[m.logicalId] = { Type: "AWS::Lambda::EventSourceMapping", Properties: properties };
    mappings.set(m.logicalId, {
      uuid,
      consumerGroupId: m.consumerGroupId ?? uuid,
      functionName: fn.functionName,
      topic: m.topic,
    });
  }
  for (const u of options.urls ?? []) {
    if (!functionsById.has(u.functionLogicalId)) {
      throw new Error(`URL ${u.logicalId}: no function ${u.functionLogicalId} in the synthetic assembly`);
    }
    resources[u.logicalId] = {
      Type: "AWS::Lambda::Url",
      Properties: {
        TargetFunctionArn: { "Fn::GetAtt": [u.functionLogicalId, "Arn"] },
        AuthType: u.authType ?? "NONE",
        ...(u.cors === undefined ? {} : { Cors: u.cors }),
        ...(u.invokeMode === undefined ? {} : { InvokeMode: u.invokeMode }),
      },
    };
  }
  for (const x of options.schedules ?? []) resources[x.logicalId] = scheduleResource(x);

  mkdirSync(dir, { recursive: true });
  const templateName = `${stackName}.template.json`;
  const templateFile = join(dir, templateName);
  const manifestFile = join(dir, "manifest.json");
  writeAtomically(
    templateFile,
    `${JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }, null, 2)}\n`,
  );
  writeAtomically(
    manifestFile,
    `${JSON.stringify(
      {
        version: "48.0.0",
        artifacts: {
          [stackName]: {
            type: "aws:cloudformation:stack",
            environment: "aws://unknown-account/unknown-region",
            properties: { templateFile: templateName, stackName },
            displayName: stackName,
          },
        },
      },
      null,
      2,
    )}\n`,
  );
  return { dir, stackName, manifestFile, templateFile, mappings };
}

function scheduleResource(x: SyntheticSchedule): unknown {
  const arn = x.targetArn ?? { "Fn::GetAtt": [x.functionLogicalId, "Arn"] };
  if (x.kind === "schedule") {
    return {
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        Name: x.name,
        ScheduleExpression: x.expression,
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: arn, RoleArn: "arn:aws:iam::000000000000:role/scheduler", ...(x.target ?? {}) },
        ...(x.properties ?? {}),
      },
    };
  }
  return {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: x.name,
      ScheduleExpression: x.expression,
      State: "ENABLED",
      Targets: [{ Id: "Target0", Arn: arn, ...(x.target ?? {}) }],
      ...(x.properties ?? {}),
    },
  };
}
