import { Duration, type RemovalPolicy, Validations } from "aws-cdk-lib";
import {
  EventSourceMapping,
  FilterCriteria,
  type IEventSourceDlq,
  type ILayerVersion,
  type MetricType,
  StartingPosition,
} from "aws-cdk-lib/aws-lambda";
import {
  AuthenticationMethod,
  S3OnFailureDestination,
  SelfManagedKafkaEventSource,
} from "aws-cdk-lib/aws-lambda-event-sources";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { stageEnvironment } from "#shared/stage-settings";
import {
  DEFAULT_PROVISIONED_POLLERS,
  DEFAULT_RECORD_CONCURRENCY,
  type LogLevels,
  POLLER_LIMITS,
  type ProvisionedPollers,
  parseBootstrapServers,
  type SluiceSettings,
  type StartingPositionName,
  validateTopic,
} from "../settings";
import { findingArn } from "./nag-finding";
import { SluiceFunction } from "./sluice-function";
import { StageAlarms } from "./stage-alarms";

export interface KafkaStageProps {
  /** Short stage name, e.g. `scrape`; names the function `<stack>-<stageName>`. */
  readonly stageName: string;
  /** Handler module path. */
  readonly entry: string;
  readonly description?: string;
  /** Topic whose records trigger the stage. */
  readonly inputTopic: string;
  /** Topic the stage writes to, passed to the handler with its other Kafka settings. @default - the stage emits nothing */
  readonly outputTopic?: string;
  /** Brokers, host:port, 1 to 10 of them. */
  readonly bootstrapServers: string[];
  /** Secret with `username` and `password` for SASL/SCRAM-SHA-512; read by the poller and by the handler. */
  readonly kafkaSecret: ISecret;
  /** Bucket that receives a record of every batch the mapping gives up on. */
  readonly failureBucket: IBucket;
  /** Topic the stage's alarms (function Errors, mapping OffsetLag) notify; every stage has them. */
  readonly alertTopic: ITopic;
  /** Records behind that raise the mapping's OffsetLag alarm when held 5 minutes. @default 1000 */
  readonly offsetLagAlarmThreshold?: number;
  /** Records per invocation, 1 to 10,000. @default 100 */
  readonly batchSize?: number;
  /**
   * Records of one partition the function processes at once, different keys only (STAGE_CONCURRENCY); one key's
   * records stay in order. @default DEFAULT_RECORD_CONCURRENCY (8) of lib/settings.ts
   */
  readonly recordConcurrency?: number;
  /** Whole seconds to gather a batch, 0 to 300. @default - AWS's Kafka default of 500 ms */
  readonly maxBatchingWindow?: Duration;
  /** @default "TRIM_HORIZON" */
  readonly startingPosition?: StartingPositionName;
  /** Epoch seconds, only with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: number;
  /** @default - the event-source mapping's UUID, as in AWS */
  readonly consumerGroupId?: string;
  /** Retries of a failing batch before it goes to the failure bucket; -1 retries forever. @default 3 */
  readonly retryAttempts?: number;
  /** Split a failing batch in two and retry the halves. @default false */
  readonly bisectBatchOnError?: boolean;
  /** Records older than this go to the failure bucket unprocessed. @default - no limit */
  readonly maxRecordAge?: Duration;
  /**
   * Event pollers of the mapping's provisioned mode (minimum 1 to 200, maximum 1 to 2,000). AWS accepts the
   * error-handling controls every stage uses (retries, bisect, partial batch responses, the on-failure
   * destination, record age) on a self-managed Kafka mapping only in provisioned mode, so the mapping always has it.
   * @default - `DEFAULT_PROVISIONED_POLLERS` of lib/settings.ts: { minimum: 1, maximum: 3 }
   */
  readonly provisionedPollers?: ProvisionedPollers;
  /**
   * The mapping's opt-in metric groups (`MetricsConfig`): `MetricType.EVENT_COUNT` (polled, filtered, invoked,
   * failed, dropped, delivered and committed events), `ERROR_COUNT`, `KAFKA_METRICS` (MaxOffsetLag, SumOffsetLag).
   * The local service publishes them as Lambda does; on AWS they are billed as CloudWatch metrics.
   * @default - none: the mapping publishes OffsetLag only
   */
  readonly metrics?: readonly MetricType[];
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** The stage's own variables, built by its settings module (e.g. `storeEnvironment`). @default - none */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default - none */
  readonly layers?: ILayerVersion[];
  /** Packages a layer provides. @default - none */
  readonly externalModules?: string[];
  /** ApplicationLogLevel and SystemLogLevel of the function's JSON logs. @default - INFO and INFO */
  readonly logLevels?: LogLevels;
  /**
   * Lambda event filtering: the mapping invokes the function only with records whose value matches one of
   * these patterns (OR'ed), e.g. `{ value: { tracked_keywords: [{ exists: true }] } }`. A Kafka mapping can
   * filter on `value` only; records filtered out are still committed. 1 to 5 patterns, each at most 4,096
   * characters of JSON. @default - every record reaches the function
   */
  readonly filters?: ReadonlyArray<KafkaFilterPattern>;
}

/** One filter pattern of a Kafka mapping: only `value` can be matched (a pattern object, or a list for plain-string values). */
export interface KafkaFilterPattern {
  readonly value: Readonly<Record<string, unknown>> | readonly unknown[];
}

/** AWS's limits on a mapping's FilterCriteria (Lambda quotas: 5 filters by default; a pattern of at most 4,096 characters). */
export const FILTER_LIMITS = { maxFilters: 5, maxPatternLength: 4096 } as const;

/** The props every stage of every pipeline shares: the brokers and credentials, batching, and where failures go. */
export type KafkaStageDefaults = Pick<
  KafkaStageProps,
  | "bootstrapServers"
  | "kafkaSecret"
  | "failureBucket"
  | "batchSize"
  | "recordConcurrency"
  | "maxBatchingWindow"
  | "startingPosition"
  | "logRemovalPolicy"
  | "provisionedPollers"
  | "logLevels"
  | "alertTopic"
  | "offsetLagAlarmThreshold"
>;

/** A stack's stage defaults from the deployment's settings and the data stack's shared secret, bucket and topic. */
export function kafkaStageDefaults(
  settings: SluiceSettings,
  shared: { kafkaSecret: ISecret; failureBucket: IBucket; alertTopic: ITopic; logRemovalPolicy?: RemovalPolicy },
): KafkaStageDefaults {
  return {
    ...shared,
    bootstrapServers: settings.kafkaBootstrapServers,
    batchSize: settings.batchSize,
    recordConcurrency: settings.recordConcurrency,
    maxBatchingWindow:
      settings.maxBatchingWindowSeconds === undefined ? undefined : Duration.seconds(settings.maxBatchingWindowSeconds),
    startingPosition: settings.startingPosition,
    provisionedPollers: settings.provisionedPollers,
    logLevels: settings.logLevels,
    offsetLagAlarmThreshold: settings.offsetLagAlarmThreshold,
  };
}

/**
 * A pipeline stage fed by a Kafka topic: a house `SluiceFunction` triggered by a self-managed
 * Kafka event-source mapping with SASL/SCRAM-SHA-512, per-record failure reporting, an S3
 * on-failure destination, and alarms on the function's Errors and the mapping's OffsetLag that notify the
 * alerts topic. Props are checked here, before synthesis, with the limits AWS applies.
 */
export class KafkaStage extends Construct {
  readonly function: SluiceFunction;
  readonly inputTopic: string;
  readonly outputTopic: string | undefined;
  readonly eventSource: SelfManagedKafkaEventSource;
  /** The mapping the event source created (CDK's SelfManagedKafkaEventSource does not expose it). */
  readonly mapping: EventSourceMapping;
  readonly alarms: StageAlarms;

  constructor(scope: Construct, id: string, props: KafkaStageProps) {
    super(scope, id);
    KafkaStage.validate(props);
    this.inputTopic = props.inputTopic;
    this.outputTopic = props.outputTopic;

    this.function = new SluiceFunction(this, "Function", {
      name: props.stageName,
      entry: props.entry,
      description: props.description ?? `${props.stageName}: consumes ${props.inputTopic}`,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logRemovalPolicy: props.logRemovalPolicy,
      layers: props.layers,
      externalModules: props.externalModules,
      logLevels: props.logLevels,
      environment: {
        ...stageEnvironment({
          bootstrapServers: props.bootstrapServers,
          inputTopic: props.inputTopic,
          outputTopic: props.outputTopic,
          kafkaSecretArn: props.kafkaSecret.secretArn,
          recordConcurrency: props.recordConcurrency ?? DEFAULT_RECORD_CONCURRENCY,
        }),
        ...props.environment,
      },
    });
    props.kafkaSecret.grantRead(this.function);

    // Every mapping here uses error-handling controls (at least the on-failure destination and partial batch
    // responses), which AWS refuses outside provisioned mode: the poller config is never optional.
    const pollers = props.provisionedPollers ?? DEFAULT_PROVISIONED_POLLERS;
    const onFailure: IEventSourceDlq = new S3OnFailureDestination(props.failureBucket);
    this.eventSource = new SelfManagedKafkaEventSource({
      bootstrapServers: props.bootstrapServers,
      topic: props.inputTopic,
      secret: props.kafkaSecret,
      authenticationMethod: AuthenticationMethod.SASL_SCRAM_512_AUTH,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: props.maxBatchingWindow,
      startingPosition: StartingPosition[props.startingPosition ?? "TRIM_HORIZON"],
      startingPositionTimestamp: props.startingPositionTimestamp,
      consumerGroupId: props.consumerGroupId,
      onFailure,
      reportBatchItemFailures: true,
      retryAttempts: props.retryAttempts ?? 3,
      bisectBatchOnError: props.bisectBatchOnError ?? false,
      maxRecordAge: props.maxRecordAge,
      provisionedPollerConfig: {
        minimumPollers: pollers.minimum,
        maximumPollers: pollers.maximum,
      },
      ...(props.metrics && props.metrics.length > 0 ? { metricsConfig: { metrics: [...props.metrics] } } : {}),
      filters: props.filters?.map((pattern) => FilterCriteria.filter({ ...pattern })),
    });
    this.function.addEventSource(this.eventSource);
    this.acknowledgeFailureDestinationGrant(props.failureBucket);
    const mapping = this.function.node.children.find((c): c is EventSourceMapping => c instanceof EventSourceMapping);
    if (mapping === undefined)
      throw new Error(`KafkaStage "${props.stageName}": the Kafka event source made no mapping`);
    this.mapping = mapping;

    this.alarms = new StageAlarms(this, "Alarms", {
      functionName: this.function.plainName,
      eventSourceMappingId: mapping.eventSourceMappingId,
      alertTopic: props.alertTopic,
      offsetLagThreshold: props.offsetLagAlarmThreshold,
    });
  }

  /**
   * cdk-nag: the on-failure destination's grant (CDK's S3 read/write grant) uses action groups and `bucket/*`, all
   * on the failure bucket; the finding names the bucket as the template does (an imported bucket by its export).
   */
  private acknowledgeFailureDestinationGrant(bucket: IBucket): void {
    const arn = findingArn(this, bucket.bucketArn);
    const findings: Array<[string, string]> = [
      ...["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"].map((a): [string, string] => [
        `Action::${a}`,
        "Action groups CDK's S3 grant gives the on-failure destination, limited to the failure bucket.",
      ]),
      [`Resource::${arn}/*`, "Object-level access (bucket/*) to the failure bucket, for the on-failure destination."],
    ];
    for (const [finding, reason] of findings) {
      Validations.of(this).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
  }

  /** Rejects combinations AWS or CDK would reject later, with a message that says what to change. */
  static validate(props: KafkaStageProps): void {
    const where = `KafkaStage "${props.stageName}"`;
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(props.stageName)) {
      throw new Error(`${where}: stageName must be 1-31 lower-case letters, digits or -, starting with a letter`);
    }
    parseBootstrapServers(props.bootstrapServers.join(","), `${where} bootstrapServers`);
    validateTopic(props.inputTopic, `${where} inputTopic`);
    if (props.outputTopic !== undefined) {
      validateTopic(props.outputTopic, `${where} outputTopic`);
      if (props.outputTopic === props.inputTopic) {
        throw new Error(
          `${where}: outputTopic must differ from inputTopic ("${props.inputTopic}"), or the stage feeds itself`,
        );
      }
    }
    const concurrency = props.recordConcurrency ?? DEFAULT_RECORD_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new Error(`${where}: recordConcurrency must be a whole number from 1 to 64 (got ${concurrency})`);
    }
    const batchSize = props.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new Error(`${where}: batchSize must be a whole number from 1 to 10,000 (got ${batchSize})`);
    }
    if (props.maxBatchingWindow !== undefined) {
      const ms = props.maxBatchingWindow.toMilliseconds();
      if (ms % 1000 !== 0 || ms > 300_000) {
        throw new Error(
          `${where}: maxBatchingWindow must be whole seconds from 0 to 300 (got ${ms} ms); leave it unset for AWS's 500 ms Kafka default`,
        );
      }
    }
    const retries = props.retryAttempts ?? 3;
    if (!Number.isInteger(retries) || retries < -1 || retries > 10_000) {
      throw new Error(`${where}: retryAttempts must be -1 (forever) or 0 to 10,000 (got ${retries})`);
    }
    if (props.maxRecordAge !== undefined) {
      const s = props.maxRecordAge.toSeconds();
      if (s < 60 || s > 604_800) throw new Error(`${where}: maxRecordAge must be 60 s to 7 days (got ${s} s)`);
    }
    const pollers = props.provisionedPollers ?? DEFAULT_PROVISIONED_POLLERS;
    for (const bound of ["minimum", "maximum"] as const) {
      const n = pollers[bound];
      const { min, max } = POLLER_LIMITS[bound];
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new Error(
          `${where}: provisionedPollers.${bound} must be a whole number from ${min} to ${max} (got ${n})`,
        );
      }
    }
    if (pollers.minimum > pollers.maximum) {
      throw new Error(
        `${where}: provisionedPollers.minimum (${pollers.minimum}) must not exceed provisionedPollers.maximum (${pollers.maximum})`,
      );
    }
    const lag = props.offsetLagAlarmThreshold;
    if (lag !== undefined && (!Number.isInteger(lag) || lag < 1)) {
      throw new Error(`${where}: offsetLagAlarmThreshold must be a whole number of records, at least 1 (got ${lag})`);
    }
    if (props.filters !== undefined) KafkaStage.validateFilters(where, props.filters);
    if ((props.startingPosition === "AT_TIMESTAMP") !== (props.startingPositionTimestamp !== undefined)) {
      throw new Error(
        `${where}: startingPositionTimestamp is required with, and only with, startingPosition AT_TIMESTAMP`,
      );
    }
  }

  /** A Kafka mapping filters on `value` only, with 1 to 5 patterns of at most 4,096 characters each. */
  private static validateFilters(where: string, filters: ReadonlyArray<KafkaFilterPattern>): void {
    const { maxFilters, maxPatternLength } = FILTER_LIMITS;
    if (filters.length < 1 || filters.length > maxFilters) {
      throw new Error(
        `${where}: filters must hold 1 to ${maxFilters} patterns (got ${filters.length}); leave it unset to pass every record`,
      );
    }
    filters.forEach((pattern, i) => {
      const keys = Object.keys(pattern);
      const other = keys.filter((k) => k !== "value");
      if (other.length > 0 || !keys.includes("value")) {
        throw new Error(
          `${where}: filters[${i}] must match on "value" only (a Kafka mapping filters nothing else), got keys ${JSON.stringify(keys)}`,
        );
      }
      const value: unknown = pattern.value;
      const isList = Array.isArray(value);
      if (
        value === null ||
        typeof value !== "object" ||
        (isList ? value.length === 0 : Object.keys(value).length === 0)
      ) {
        throw new Error(
          `${where}: filters[${i}].value must be a non-empty pattern object (JSON values) or matcher list (plain-string values)`,
        );
      }
      const length = JSON.stringify(pattern).length;
      if (length > maxPatternLength) {
        throw new Error(`${where}: filters[${i}] is ${length} characters of JSON; AWS allows ${maxPatternLength}`);
      }
    });
  }
}
