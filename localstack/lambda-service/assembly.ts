/**
 * Reads the functions and Kafka event-source mappings of a synthesized cloud assembly (cdk.out),
 * resolving their references against the stacks deployed to the local endpoint, and validates
 * them the way Lambda's API would.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { CloudAssembly } from "aws-cdk-lib/cx-api";
import { stableUuid } from "#lib/local-profile";
import { type EventInvokeConfig, eventInvokeConfigResource } from "./async/invoke-config";
import { type ResolveContext, ResolveError, resolve } from "./intrinsics";
import { parseLoggingConfig } from "./logging-config";
import { parseMetricsConfig } from "./metrics/definitions";
import { readSchedules, type ScheduleSpec } from "./schedules/schedule-spec";
import type { FailureDestinationSpec, FunctionSpec, KafkaMappingSpec, StartingPosition } from "./types";
import { functionReports, kafkaMappingReports, type UnhonouredReport, unrunTypeReport } from "./unhonoured";
import { type FunctionUrlSpec, functionUrlSpec } from "./urls/url-spec";

export class AssemblyError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join("\n  - ")}` : message, options);
    this.name = "AssemblyError";
  }
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

/** What CloudFormation deployed: physical ids per stack, and the exports. */
export interface DeployedState {
  physicalIds(stackName: string): ReadonlyMap<string, string>;
  readonly exports: ReadonlyMap<string, string>;
}

export interface LoadedAssembly {
  readonly functions: FunctionSpec[];
  readonly mappings: KafkaMappingSpec[];
  readonly urls: FunctionUrlSpec[];
  readonly schedules: ScheduleSpec[];
  /** What the service does not honour, by name; "refused" resources are not run. */
  readonly reports: UnhonouredReport[];
  /** AWS::Lambda::EventInvokeConfig, by function name. */
  readonly eventInvokeConfigs: ReadonlyMap<string, EventInvokeConfig>;
}

/** A function's name: its FunctionName when the template gives one as a string, else one made from stack and id. */
export function localFunctionName(stackName: string, logicalId: string, props?: Record<string, unknown>): string {
  const name = props?.FunctionName;
  return typeof name === "string" ? name : `${stackName}-${logicalId}`.slice(0, 64);
}

const SUPPORTED_RUNTIMES = /^nodejs(\d+)\.x$/;

/** The rule lives with the local profile (lib/local-profile.ts), which gives alarms the same mapping UUIDs. */
export { stableUuid };

function arnFor(type: string, physicalId: string, region: string, account: string): string | undefined {
  switch (type) {
    case "AWS::S3::Bucket":
      return `arn:aws:s3:::${physicalId}`;
    case "AWS::DynamoDB::Table":
      return `arn:aws:dynamodb:${region}:${account}:table/${physicalId}`;
    case "AWS::IAM::Role":
      return `arn:aws:iam::${account}:role/${physicalId}`;
    case "AWS::Logs::LogGroup":
      return `arn:aws:logs:${region}:${account}:log-group:${physicalId}:*`;
    case "AWS::SQS::Queue":
      return `arn:aws:sqs:${region}:${account}:${physicalId.split("/").pop()}`;
    case "AWS::SNS::Topic":
    case "AWS::SecretsManager::Secret":
      return physicalId;
    case "AWS::Lambda::Function":
      return `arn:aws:lambda:${region}:${account}:function:${physicalId}`;
    case "AWS::Events::EventBus": // an asynchronous invocation destination
      return physicalId.startsWith("arn:") ? physicalId : `arn:aws:events:${region}:${account}:event-bus/${physicalId}`;
    default:
      return undefined;
  }
}

export interface StackTemplate {
  readonly stackName: string;
  readonly template: Template;
}

/** The stacks of the cloud assembly in assemblyDir (cdk.out), read with the CDK's own reader. */
export function readAssembly(assemblyDir: string): StackTemplate[] {
  if (!existsSync(join(assemblyDir, "manifest.json"))) {
    throw new AssemblyError(`no cloud assembly at ${assemblyDir}: deploy first (npm run deploy:local)`);
  }
  let assembly: CloudAssembly;
  try {
    assembly = new CloudAssembly(assemblyDir);
  } catch (error) {
    throw new AssemblyError(`cannot read the cloud assembly at ${assemblyDir}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return assembly.stacks.map((stack) => ({ stackName: stack.stackName, template: stack.template as Template }));
}

/** Loads and validates everything the local Lambda service runs; throws AssemblyError listing every problem. */
export function loadAssembly(
  assemblyDir: string,
  state: DeployedState,
  env: { region: string; accountId: string },
  stacks: readonly StackTemplate[] = readAssembly(assemblyDir),
): LoadedAssembly {
  const problems: string[] = [];
  const functions: FunctionSpec[] = [];
  const mappings: KafkaMappingSpec[] = [];
  const urls: FunctionUrlSpec[] = [];
  const schedules: ScheduleSpec[] = [];
  const reports: UnhonouredReport[] = [];
  const eventInvokeConfigs = new Map<string, EventInvokeConfig>();

  for (const { stackName, template } of stacks) {
    const resources = template.Resources ?? {};
    const physical = state.physicalIds(stackName);
    const functionName = (id: string): string => localFunctionName(stackName, id, resources[id]?.Properties);
    const ctx: ResolveContext = {
      stackName,
      region: env.region,
      accountId: env.accountId,
      parameters: Object.fromEntries(
        Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, String(p.Default ?? "")]),
      ),
      conditions: template.Conditions ?? {},
      ref(id) {
        const r = resources[id];
        if (r?.Type === "AWS::Lambda::Function") return functionName(id);
        if (r?.Type === "AWS::Lambda::LayerVersion") return layerArn(stackName, id, env);
        const p = physical.get(id);
        if (p === undefined) throw new ResolveError(`${stackName}: resource ${id} is not deployed (Ref)`);
        return p;
      },
      getAtt(id, attribute) {
        const r = resources[id];
        if (!r) throw new ResolveError(`${stackName}: no resource ${id} (Fn::GetAtt)`);
        const p = r.Type === "AWS::Lambda::Function" ? functionName(id) : physical.get(id);
        if (p === undefined)
          throw new ResolveError(`${stackName}: resource ${id} is not deployed (Fn::GetAtt ${attribute})`);
        const arn = attribute === "Arn" ? arnFor(r.Type, p, env.region, env.accountId) : undefined;
        if (arn === undefined)
          throw new ResolveError(`${stackName}: Fn::GetAtt ${id}.${attribute} of ${r.Type} is not supported`);
        return arn;
      },
      importValue(name) {
        const v = state.exports.get(name);
        if (v === undefined) throw new ResolveError(`export ${name} does not exist (is its stack deployed?)`);
        return v;
      },
    };
    for (const [id, r] of Object.entries(resources)) {
      const unrun = unrunTypeReport(stackName, id, r.Type);
      if (unrun) reports.push(unrun);
      if (r.Type !== "AWS::Lambda::Function") continue;
      reports.push(...functionReports(stackName, id, r.Properties ?? {}));
      try {
        functions.push(functionSpec(assemblyDir, stackName, id, r, ctx, functionName(id), resources));
      } catch (error) {
        problems.push(`${stackName}/${id}: ${(error as Error).message}`);
      }
    }
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type !== "AWS::Lambda::EventSourceMapping") continue;
      const props = r.Properties ?? {};
      // AWS's rule comes first: CreateEventSourceMapping refuses such a mapping before anything runs it.
      const needsProvisioned = provisionedModeRequiredBy(props);
      if (props.SelfManagedEventSource !== undefined && needsProvisioned.length > 0 && !props.ProvisionedPollerConfig) {
        problems.push(`${stackName}/${id}: ${provisionedModeRefusal(needsProvisioned)}`);
        continue;
      }
      const mappingReports = kafkaMappingReports(stackName, id, props);
      reports.push(...mappingReports);
      if (mappingReports.some((report) => report.action === "refused")) continue;
      try {
        mappings.push(mappingSpec(stackName, id, props, ctx));
      } catch (error) {
        problems.push(`${stackName}/${id}: ${(error as Error).message}`);
      }
    }
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type !== "AWS::Lambda::Url") continue;
      try {
        urls.push(
          functionUrlSpec(stackName, id, (resolve(ctx, r.Properties ?? {}) ?? {}) as Record<string, unknown>, env),
        );
      } catch (error) {
        problems.push(`${stackName}/${id}: ${(error as Error).message}`);
      }
    }
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type !== "AWS::Lambda::EventInvokeConfig") continue;
      try {
        const { functionName: name, config } = eventInvokeConfigResource(
          (resolve(ctx, r.Properties ?? {}) ?? {}) as Record<string, unknown>,
        );
        if (eventInvokeConfigs.has(name)) throw new Error(`function ${name} already has an EventInvokeConfig`);
        eventInvokeConfigs.set(name, config);
      } catch (error) {
        problems.push(`${stackName}/${id}: ${(error as Error).message}`);
      }
    }
    const read = readSchedules(stackName, resources, ctx, physical);
    schedules.push(...read.specs);
    problems.push(...read.problems);
    reports.push(...read.reports);
  }
  const names = new Set(functions.map((f) => f.name));
  for (const name of eventInvokeConfigs.keys()) {
    if (!names.has(name)) problems.push(`EventInvokeConfig: function ${name} is not in the assembly`);
  }
  for (const m of mappings) {
    if (!names.has(m.functionName))
      problems.push(`mapping ${m.logicalId}: function ${m.functionName} is not in the assembly`);
  }
  for (const u of urls) {
    if (!names.has(u.functionName))
      problems.push(`${u.stackName}/${u.logicalId}: function ${u.functionName} is not in the assembly`);
    const twin = urls.find((o) => o !== u && o.urlId === u.urlId);
    if (twin) problems.push(`${u.stackName}/${u.logicalId}: ${twin.logicalId} is already a URL of ${u.functionName}`);
  }
  if (problems.length > 0) throw new AssemblyError(`the cloud assembly at ${assemblyDir} cannot be run`, problems);
  return { functions, mappings, urls, schedules, reports, eventInvokeConfigs };
}

function num(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got ${JSON.stringify(value)}`);
  return n;
}

function functionSpec(
  assemblyDir: string,
  stackName: string,
  logicalId: string,
  r: TemplateResource,
  ctx: ResolveContext,
  name: string,
  resources: Record<string, TemplateResource>,
): FunctionSpec {
  const props = (resolve(ctx, r.Properties ?? {}) ?? {}) as Record<string, unknown>;
  const codeDir = assetDir(assemblyDir, r, "function");
  const layerDirs = ((r.Properties?.Layers as unknown[] | undefined) ?? []).map((layer) => {
    const id = (layer as { Ref?: unknown } | undefined)?.Ref;
    const layerResource = typeof id === "string" ? resources[id] : undefined;
    if (layerResource?.Type !== "AWS::Lambda::LayerVersion") {
      throw new Error(
        `layer ${JSON.stringify(layer)} is not a LayerVersion of this stack: only layers built in the assembly can be mounted locally`,
      );
    }
    return assetDir(assemblyDir, layerResource, `layer ${id}`);
  });
  const runtime = String(props.Runtime ?? "");
  if (!SUPPORTED_RUNTIMES.test(runtime))
    throw new Error(`runtime "${runtime}" is not supported locally (nodejs*.x only)`);
  const handler = String(props.Handler ?? "");
  if (!/^[^\s]+\.[^\s.]+$/.test(handler)) throw new Error(`handler "${handler}" is not <file>.<export>`);
  const timeoutSeconds = num(props.Timeout, 3);
  if (timeoutSeconds < 1 || timeoutSeconds > 900) throw new Error(`Timeout ${timeoutSeconds} is outside 1-900 s`);
  const memoryMb = num(props.MemorySize, 128);
  if (memoryMb < 128 || memoryMb > 10_240) throw new Error(`MemorySize ${memoryMb} is outside 128-10240 MB`);
  const env = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<
    string,
    unknown
  >;
  const environment = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  const { logging, logGroup } = parseLoggingConfig(props.LoggingConfig, name);
  const reserved = props.ReservedConcurrentExecutions;
  const architectures = props.Architectures as string[] | undefined;
  const deadLetterTargetArn = (props.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
  if (deadLetterTargetArn !== undefined && !/^arn:aws[\w-]*:(sqs|sns):/.test(String(deadLetterTargetArn))) {
    throw new Error(`DeadLetterConfig.TargetArn ${String(deadLetterTargetArn)} is not an SQS queue or SNS topic ARN`);
  }
  const spec = {
    name,
    stackName,
    logicalId,
    description: typeof props.Description === "string" ? props.Description : undefined,
    handler,
    runtime,
    architecture: architectures?.[0] === "arm64" ? ("arm64" as const) : ("x86_64" as const),
    codeDir,
    layerDirs,
    environment,
    timeoutSeconds,
    memoryMb,
    reservedConcurrency: reserved === undefined ? undefined : num(reserved, 0),
    logGroup,
    logging,
    roleArn: typeof props.Role === "string" ? props.Role : undefined,
    ...(deadLetterTargetArn === undefined ? {} : { deadLetterTargetArn: String(deadLetterTargetArn) }),
  };
  const codeSha256 = createHash("sha256").update(JSON.stringify(spec)).digest("base64");
  return { ...spec, codeSha256 };
}

/** The unpacked asset directory of a function or layer, from its `aws:asset:path` metadata. */
function assetDir(assemblyDir: string, r: TemplateResource, what: string): string {
  const assetPath = r.Metadata?.["aws:asset:path"];
  if (typeof assetPath !== "string") {
    throw new Error(`${what} has no aws:asset:path metadata: only local asset code can run locally`);
  }
  const dir = resolvePath(assemblyDir, assetPath);
  if (!existsSync(dir)) throw new Error(`${what}: code directory ${dir} is missing`);
  return dir;
}

/** The ARN a layer version would have; locally a layer is never published, only mounted. */
function layerArn(stackName: string, logicalId: string, env: { region: string; accountId: string }): string {
  return `arn:aws:lambda:${env.region}:${env.accountId}:layer:${`${stackName}-${logicalId}`.slice(0, 140)}:1`;
}

/**
 * What in a Kafka mapping's properties AWS accepts only in provisioned mode (ProvisionedPollerConfig): the
 * error-handling controls (Lambda developer guide, "Configuring error handling controls for Kafka event
 * sources"), an on-failure destination (a Kafka topic included), and a schema registry. A control counts when
 * it is written at all, whatever its value: the stricter reading, so nothing passes here that AWS could refuse.
 */
export function provisionedModeRequiredBy(props: Readonly<Record<string, unknown>>): string[] {
  const out = [
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError",
    "DestinationConfig",
  ].filter((key) => props[key] !== undefined);
  if (((props.FunctionResponseTypes as unknown[] | undefined) ?? []).includes("ReportBatchItemFailures")) {
    out.push("FunctionResponseTypes ReportBatchItemFailures");
  }
  const config = props.SelfManagedKafkaEventSourceConfig as { SchemaRegistryConfig?: unknown } | undefined;
  if (config?.SchemaRegistryConfig !== undefined) out.push("SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig");
  return out;
}

/**
 * The refusal, in the InvalidParameterValueException style of Lambda's API: AWS's exact wording for this case is
 * not in its published documentation, so this one says what is wrong and what to set.
 */
export function provisionedModeRefusal(properties: readonly string[]): string {
  return (
    `InvalidParameterValueException: ${properties.join(", ")} on a self-managed Apache Kafka event source ` +
    "mapping requires provisioned mode: set ProvisionedPollerConfig (MinimumPollers, MaximumPollers)"
  );
}

/** ProvisionedPollerConfig as Lambda validates it: MinimumPollers 1 to 200, MaximumPollers 1 to 2,000. */
function provisionedPollerConfig(raw: unknown): KafkaMappingSpec["provisionedPollerConfig"] {
  if (raw === undefined) return undefined;
  const config = raw as { MinimumPollers?: unknown; MaximumPollers?: unknown };
  // AWS's defaults for Kafka when one bound is left out: 1 and 200.
  const minimumPollers = num(config.MinimumPollers, 1);
  const maximumPollers = num(config.MaximumPollers, 200);
  if (!Number.isInteger(minimumPollers) || minimumPollers < 1 || minimumPollers > 200) {
    throw new Error(`ProvisionedPollerConfig.MinimumPollers must be 1 to 200 (got ${minimumPollers})`);
  }
  if (!Number.isInteger(maximumPollers) || maximumPollers < 1 || maximumPollers > 2000) {
    throw new Error(`ProvisionedPollerConfig.MaximumPollers must be 1 to 2000 (got ${maximumPollers})`);
  }
  if (minimumPollers > maximumPollers) {
    throw new Error(
      `ProvisionedPollerConfig.MinimumPollers (${minimumPollers}) must not exceed MaximumPollers (${maximumPollers})`,
    );
  }
  return { minimumPollers, maximumPollers };
}

function mappingSpec(
  stackName: string,
  logicalId: string,
  raw: Record<string, unknown>,
  ctx: ResolveContext,
): KafkaMappingSpec {
  const props = (resolve(ctx, raw) ?? {}) as Record<string, unknown>;
  const uuid = stableUuid(`${stackName}/${logicalId}`);
  const endpoints = (props.SelfManagedEventSource as { Endpoints?: { KafkaBootstrapServers?: string[] } } | undefined)
    ?.Endpoints?.KafkaBootstrapServers;
  const bootstrapServers = endpoints ?? [];
  if (bootstrapServers.length < 1 || bootstrapServers.length > 10) {
    throw new Error(`KafkaBootstrapServers must list 1 to 10 brokers (got ${bootstrapServers.length})`);
  }
  const topics = (props.Topics as string[] | undefined) ?? [];
  if (topics.length !== 1) throw new Error(`Topics must hold exactly one topic (got ${topics.length})`);
  const batchSize = num(props.BatchSize, 100);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(`BatchSize must be 1 to 10000 (got ${batchSize})`);
  }
  const windowSeconds = props.MaximumBatchingWindowInSeconds;
  const maxBatchingWindowMs = windowSeconds === undefined ? 500 : num(windowSeconds, 0) * 1000;
  if (maxBatchingWindowMs < 0 || maxBatchingWindowMs > 300_000) {
    throw new Error(`MaximumBatchingWindowInSeconds must be 0 to 300 (got ${String(windowSeconds)})`);
  }
  const startingPosition = String(props.StartingPosition ?? "") as StartingPosition;
  if (!["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"].includes(startingPosition)) {
    throw new Error(`StartingPosition must be TRIM_HORIZON, LATEST or AT_TIMESTAMP (got "${startingPosition}")`);
  }
  const startingPositionTimestamp =
    props.StartingPositionTimestamp === undefined ? undefined : num(props.StartingPositionTimestamp, 0);
  if (startingPosition === "AT_TIMESTAMP" && startingPositionTimestamp === undefined) {
    throw new Error("StartingPositionTimestamp is required with AT_TIMESTAMP");
  }
  const consumerGroupId =
    (props.SelfManagedKafkaEventSourceConfig as { ConsumerGroupId?: string } | undefined)?.ConsumerGroupId ?? uuid;
  const access = (props.SourceAccessConfigurations as Array<{ Type: string; URI: string }> | undefined) ?? [];
  const auth = access.find((a) => ["SASL_SCRAM_512_AUTH", "SASL_SCRAM_256_AUTH", "BASIC_AUTH"].includes(a.Type));
  const destination = (props.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure
    ?.Destination;
  const onFailure = destination === undefined ? undefined : failureDestination(destination, topics);
  const retries = num(props.MaximumRetryAttempts, -1);
  if (!Number.isInteger(retries) || retries < -1 || retries > 10_000) {
    throw new Error(`MaximumRetryAttempts must be -1 to 10000 (got ${retries})`);
  }
  const maxAge = num(props.MaximumRecordAgeInSeconds, -1);
  if (maxAge !== -1 && (maxAge < 60 || maxAge > 604_800)) {
    throw new Error(`MaximumRecordAgeInSeconds must be -1 or 60 to 604800 (got ${maxAge})`);
  }
  const filters = (props.FilterCriteria as { Filters?: Array<{ Pattern?: string }> } | undefined)?.Filters ?? [];
  for (const f of filters) {
    try {
      JSON.parse(f.Pattern ?? "");
    } catch (error) {
      throw new Error(`FilterCriteria pattern is not JSON: ${f.Pattern}`, { cause: error });
    }
  }
  return {
    uuid,
    stackName,
    logicalId,
    functionName: String(props.FunctionName ?? ""),
    topics,
    bootstrapServers,
    batchSize,
    maxBatchingWindowMs,
    startingPosition,
    startingPositionTimestamp,
    consumerGroupId,
    enabled: props.Enabled === undefined ? true : props.Enabled === true || props.Enabled === "true",
    filterPatterns: filters.map((f) => f.Pattern ?? ""),
    maximumRetryAttempts: retries,
    maximumRecordAgeSeconds: maxAge,
    bisectBatchOnFunctionError:
      props.BisectBatchOnFunctionError === true || props.BisectBatchOnFunctionError === "true",
    reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
      "ReportBatchItemFailures",
    ),
    onFailure,
    provisionedPollerConfig: provisionedPollerConfig(props.ProvisionedPollerConfig),
    metricsConfig: parseMetricsConfig(props.MetricsConfig),
    scramSecretArn: auth?.URI,
    authentication: (auth?.Type as KafkaMappingSpec["authentication"] | undefined) ?? "NONE",
  };
}

function failureDestination(destination: string, sourceTopics: readonly string[]): FailureDestinationSpec {
  if (destination.startsWith("arn:aws:s3:::")) return { destination, kind: "s3" };
  if (destination.startsWith("arn:aws:sqs:")) return { destination, kind: "sqs" };
  if (destination.startsWith("arn:aws:sns:")) return { destination, kind: "sns" };
  if (destination.startsWith("kafka://")) {
    const topic = destination.slice("kafka://".length);
    if (sourceTopics.includes(topic))
      throw new Error(`the on-failure topic ${topic} may not be the mapping's source topic`);
    return { destination, kind: "kafka" };
  }
  throw new Error(`unsupported on-failure destination ${destination} (S3, SQS, SNS or kafka://<topic>)`);
}
