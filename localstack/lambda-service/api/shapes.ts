/**
 * The Lambda API's names and response shapes for what this service runs: function ARNs and the names
 * parsed back out of them, FunctionConfiguration and EventSourceMappingConfiguration. Pure functions of
 * the specs, in their own file so they can be checked without a server.
 */
import type { FunctionSpec } from "../types";
import type { LambdaBackend, MappingView } from "./backend";

/** The account and region an ARN names. */
type Account = Pick<LambdaBackend, "region" | "accountId">;

/** Accepts a name, a full ARN, or a partial ARN (`123456789012:function:name`), with an optional :qualifier. */
export function functionNameOf(identifier: string): string {
  const decoded = decodeURIComponent(identifier);
  const arn =
    /^(?:arn:aws[\w-]*:lambda:[\w-]+:)?(?:\d{12}:)?(?:function:)?([A-Za-z0-9_-]+)(?::(\$LATEST|[\w-]+))?$/.exec(
      decoded,
    );
  return arn?.[1] ?? decoded;
}

export function functionArn(backend: Account, name: string): string {
  return `arn:aws:lambda:${backend.region}:${backend.accountId}:function:${name}`;
}

export function functionConfiguration(backend: Account, fn: FunctionSpec, lastModified: Date) {
  return {
    FunctionName: fn.name,
    FunctionArn: functionArn(backend, fn.name),
    Runtime: fn.runtime,
    Role: fn.roleArn ?? `arn:aws:iam::${backend.accountId}:role/${fn.name}`,
    Handler: fn.handler,
    CodeSize: 0,
    Description: fn.description ?? "",
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memoryMb,
    LastModified: lastModified.toISOString().replace("Z", "+0000"),
    CodeSha256: fn.codeSha256,
    Version: "$LATEST",
    Environment: { Variables: fn.environment },
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: fn.codeSha256.slice(0, 36),
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: [fn.architecture],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: loggingConfiguration(fn),
  };
}

/** LoggingConfig as GetFunction answers it: the levels only for JSON, where they apply. */
export function loggingConfiguration(fn: Pick<FunctionSpec, "logging" | "logGroup">) {
  const { logging } = fn;
  return logging.format === "JSON"
    ? {
        LogFormat: logging.format,
        ApplicationLogLevel: logging.applicationLogLevel,
        SystemLogLevel: logging.systemLogLevel,
        LogGroup: fn.logGroup,
      }
    : { LogFormat: logging.format, LogGroup: fn.logGroup };
}

export function mappingConfiguration(backend: Account, m: MappingView) {
  const s = m.spec;
  return {
    UUID: s.uuid,
    EventSourceMappingArn: `arn:aws:lambda:${backend.region}:${backend.accountId}:event-source-mapping:${s.uuid}`,
    BatchSize: s.batchSize,
    MaximumBatchingWindowInSeconds: Math.round(s.maxBatchingWindowMs / 1000),
    StartingPosition: s.startingPosition,
    ...(s.startingPositionTimestamp === undefined ? {} : { StartingPositionTimestamp: s.startingPositionTimestamp }),
    FunctionArn: functionArn(backend, s.functionName),
    LastModified: m.lastModified.getTime() / 1000,
    LastProcessingResult: m.lastProcessingResult,
    State: m.state,
    StateTransitionReason: "USER_INITIATED",
    Topics: [...s.topics],
    SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [...s.bootstrapServers] } },
    SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: s.consumerGroupId },
    SourceAccessConfigurations: s.scramSecretArn ? [{ Type: s.authentication, URI: s.scramSecretArn }] : [],
    ...(s.filterPatterns.length > 0
      ? { FilterCriteria: { Filters: s.filterPatterns.map((Pattern) => ({ Pattern })) } }
      : {}),
    ...(s.onFailure ? { DestinationConfig: { OnFailure: { Destination: s.onFailure.destination } } } : {}),
    MaximumRetryAttempts: s.maximumRetryAttempts,
    MaximumRecordAgeInSeconds: s.maximumRecordAgeSeconds,
    BisectBatchOnFunctionError: s.bisectBatchOnFunctionError,
    FunctionResponseTypes: s.reportBatchItemFailures ? ["ReportBatchItemFailures"] : [],
    ...(s.provisionedPollerConfig
      ? {
          ProvisionedPollerConfig: {
            MinimumPollers: s.provisionedPollerConfig.minimumPollers,
            MaximumPollers: s.provisionedPollerConfig.maximumPollers,
          },
        }
      : {}),
    ...(s.metricsConfig ? { MetricsConfig: { Metrics: [...s.metricsConfig] } } : {}),
  };
}
