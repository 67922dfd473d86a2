/**
 * The local Lambda service's model of a cloud assembly: functions and Kafka event-source mappings,
 * with every reference already resolved against the locally deployed stacks.
 */
import type { MappingMetricGroup } from "./metrics/definitions";

export interface FunctionSpec {
  /** Physical function name. */
  readonly name: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly description?: string;
  /** e.g. "index.handler" */
  readonly handler: string;
  /** e.g. "nodejs22.x" */
  readonly runtime: string;
  readonly architecture: "x86_64" | "arm64";
  /** Absolute path of the unpacked code (the esbuild bundle's asset directory in cdk.out). */
  readonly codeDir: string;
  /** Unpacked layer directories in the function's order; Lambda mounts them under /opt, later ones on top. */
  readonly layerDirs: readonly string[];
  /** The function's own variables, references resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Reserved concurrency; undefined = unreserved. */
  readonly reservedConcurrency?: number;
  /** CloudWatch Logs group the function logs to. */
  readonly logGroup: string;
  /** LoggingConfig's format and levels (AWS's defaults filled in). */
  readonly logging: LoggingSpec;
  readonly roleArn?: string;
  /** DeadLetterConfig.TargetArn: an SQS queue or SNS topic for discarded asynchronous events. */
  readonly deadLetterTargetArn?: string;
  /** Hash of the code and configuration: a changed value means the function must be reloaded. */
  readonly codeSha256: string;
}

export type LogFormat = "Text" | "JSON";
export type ApplicationLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
export type SystemLogLevel = "DEBUG" | "INFO" | "WARN";

/**
 * A function's LoggingConfig without its log group: Text, or JSON with both levels (AWS defaults them to INFO).
 * Levels exist only with JSON, as on AWS.
 */
export type LoggingSpec =
  | { readonly format: "Text" }
  | {
      readonly format: "JSON";
      readonly applicationLogLevel: ApplicationLogLevel;
      readonly systemLogLevel: SystemLogLevel;
    };

export type StartingPosition = "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";

export interface FailureDestinationSpec {
  /** ARN of an S3 bucket, SQS queue or SNS topic, or `kafka://<topic>` for a topic of the source cluster. */
  readonly destination: string;
  readonly kind: "s3" | "sqs" | "sns" | "kafka";
}

export interface KafkaMappingSpec {
  /** Stable id: derived from stack and logical id, so offsets survive restarts. */
  readonly uuid: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly functionName: string;
  readonly topics: readonly string[];
  readonly bootstrapServers: readonly string[];
  /** 1 – 10,000; default 100. */
  readonly batchSize: number;
  /** Milliseconds; default 500 for Kafka. */
  readonly maxBatchingWindowMs: number;
  readonly startingPosition: StartingPosition;
  /** Epoch seconds, with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: number;
  /** Default: the mapping's uuid. */
  readonly consumerGroupId: string;
  readonly enabled: boolean;
  /** FilterCriteria.Filters[].Pattern, each a JSON string. */
  readonly filterPatterns: readonly string[];
  /** -1 = forever (default). */
  readonly maximumRetryAttempts: number;
  /** -1 = no limit (default). Seconds. */
  readonly maximumRecordAgeSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly onFailure?: FailureDestinationSpec;
  /**
   * Provisioned mode, reported by the API as AWS does; locally it changes nothing (one poller per mapping).
   * Absent: on-demand mode, which AWS allows only without error-handling controls.
   */
  readonly provisionedPollerConfig?: { readonly minimumPollers: number; readonly maximumPollers: number };
  /** MetricsConfig.Metrics: the metric groups the mapping publishes besides OffsetLag. Absent: none. */
  readonly metricsConfig?: readonly MappingMetricGroup[];
  /** Secrets Manager ARN holding {username, password} for SASL/SCRAM-SHA-512. */
  readonly scramSecretArn?: string;
  readonly authentication: "SASL_SCRAM_512_AUTH" | "SASL_SCRAM_256_AUTH" | "BASIC_AUTH" | "NONE";
}

export type InvocationType = "RequestResponse" | "Event" | "DryRun";

export interface InvokeResult {
  readonly requestId: string;
  /** The response payload (JSON text), or the error object in AWS's shape when functionError is set. */
  readonly payload: Buffer;
  /** "Unhandled" for errors thrown by the function or the runtime (timeouts, crashes), as AWS reports them. */
  readonly functionError?: "Unhandled" | "Handled";
  /** The last 4 KB of the invocation's log, as `--log-type Tail` returns it (plain text, not base64). */
  readonly logTail: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly initDurationMs?: number;
  readonly maxMemoryUsedMb: number;
}

/** Something that can run a function: the executor, or a fake in unit tests. */
/**
 * Receives a streamified handler's response as it is written (`awslambda.streamifyResponse`): `start` once, before
 * any chunk, then each chunk in order. A handler that is not streamified never calls it: its result is the payload.
 */
export interface ResponseStreamSink {
  start(contentType: string): void;
  chunk(data: Buffer): void;
}

export interface InvokeOptions {
  readonly signal?: AbortSignal;
  /** Stream the response here as it comes; without it a streamed response is concatenated into the payload. */
  readonly stream?: ResponseStreamSink;
  /**
   * The invocation's request id. An asynchronous event keeps one across its retries, as on AWS (the function's
   * `context.awsRequestId` is the same on every attempt); @default - a new one
   */
  readonly requestId?: string;
}

export interface Invoker {
  /**
   * `payload`: the request body as received (checked as the Invoke API checks it), or JSON text the service rendered
   * itself (a Kafka poller's event), which is only checked for size: parsing a batch's event again to check it cost
   * as much as rendering it.
   */
  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvokeResult>;
}

/** One log event of a function, as CloudWatch Logs stores it. */
export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** Receives every log line of every invocation as it happens. */
export interface LogSink {
  write(fn: FunctionSpec, logStream: string, event: LogEvent): void;
}
