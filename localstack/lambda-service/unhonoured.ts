/**
 * What the local service cannot honour in a cloud assembly, reported by name (stack, logical id, type,
 * property) instead of silently dropped: a resource type it does not run, a property it does not apply, or a
 * resource it refuses to run because running it without that property would be wrong (a Kafka mapping whose
 * schema registry or TLS client certificate would be skipped must never connect as if neither existed).
 */

export interface UnhonouredReport {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** The property (path) concerned; undefined for the whole resource. */
  readonly property?: string;
  readonly message: string;
  /** "refused": the resource is not run at all; "ignored": it runs without that property. */
  readonly action: "refused" | "ignored";
}

export function formatReport(r: UnhonouredReport): string {
  const what = r.property ? `${r.type} ${r.property}` : r.type;
  return `${r.action === "refused" ? "refused" : "ignored"}: ${r.stackName}/${r.logicalId} (${what}): ${r.message}`;
}

/** Lambda resource types LocalStack community leaves to the local service and the service does not run yet. */
const UNRUN_TYPES: Readonly<Record<string, string>> = {
  "AWS::Lambda::Alias": "aliases are not served locally (invoke $LATEST)",
  "AWS::Lambda::Version": "versions are not published locally (invoke $LATEST)",
};

const FUNCTION_PROPERTIES = new Set([
  "FunctionName",
  "Handler",
  "Runtime",
  "Code",
  "MemorySize",
  "Timeout",
  "Environment",
  "ReservedConcurrentExecutions",
  "Layers",
  "LoggingConfig",
  "Role",
  "Description",
  "Architectures",
  "Tags",
]);

const KAFKA_MAPPING_PROPERTIES = new Set([
  "FunctionName",
  "Topics",
  "SelfManagedEventSource",
  "SelfManagedKafkaEventSourceConfig",
  "SourceAccessConfigurations",
  "BatchSize",
  "MaximumBatchingWindowInSeconds",
  "StartingPosition",
  "StartingPositionTimestamp",
  "DestinationConfig",
  "MaximumRetryAttempts",
  "MaximumRecordAgeInSeconds",
  "FilterCriteria",
  "BisectBatchOnFunctionError",
  "FunctionResponseTypes",
  "ProvisionedPollerConfig",
  "MetricsConfig",
  "Enabled",
  "Tags",
]);

/** Reports for a resource type the service leaves unrun, or undefined when it runs (or never needs to run) it. */
export function unrunTypeReport(stackName: string, logicalId: string, type: string): UnhonouredReport | undefined {
  const message = UNRUN_TYPES[type];
  return message === undefined ? undefined : { stackName, logicalId, type, message, action: "ignored" };
}

/** The function properties the service does not apply. */
export function functionReports(
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): UnhonouredReport[] {
  return Object.keys(props)
    .filter((p) => !FUNCTION_PROPERTIES.has(p))
    .map((property) => ({
      stackName,
      logicalId,
      type: "AWS::Lambda::Function",
      property,
      message: "not applied locally",
      action: "ignored" as const,
    }));
}

/**
 * What a self-managed Kafka mapping asks for that the service cannot honour. A refusal means the mapping must
 * not run: a schema registry the records would bypass, or TLS authentication it would replace with none.
 */
export function kafkaMappingReports(
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): UnhonouredReport[] {
  const type = "AWS::Lambda::EventSourceMapping";
  const out: UnhonouredReport[] = [];
  const add = (property: string, message: string, action: UnhonouredReport["action"]) =>
    out.push({ stackName, logicalId, type, property, message, action });
  if (!props.SelfManagedEventSource) {
    add(
      "SelfManagedEventSource",
      "only self-managed Kafka mappings are run locally (SQS, Kinesis, DynamoDB, MSK… are not)",
      "refused",
    );
    return out;
  }
  const config = (props.SelfManagedKafkaEventSourceConfig ?? {}) as Record<string, unknown>;
  if (config.SchemaRegistryConfig !== undefined) {
    add(
      "SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig",
      "schema registries are not supported locally: records would reach the function undecoded and unvalidated",
      "refused",
    );
  }
  for (const key of Object.keys(config)) {
    if (key !== "ConsumerGroupId" && key !== "SchemaRegistryConfig") {
      add(`SelfManagedKafkaEventSourceConfig.${key}`, "not applied locally", "ignored");
    }
  }
  const access = (props.SourceAccessConfigurations ?? []) as Array<{ Type?: unknown }>;
  for (const [i, a] of access.entries()) {
    const property = `SourceAccessConfigurations[${i}] ${String(a.Type)}`;
    if (a.Type === "CLIENT_CERTIFICATE_TLS_AUTH" || a.Type === "SERVER_ROOT_CA_CERTIFICATE") {
      add(property, "TLS authentication is not supported locally; the mapping will not connect without it", "refused");
    } else if (a.Type === "VPC_SUBNET" || a.Type === "VPC_SECURITY_GROUP") {
      add(property, "VPC networking does not apply locally", "ignored");
    } else if (!["SASL_SCRAM_512_AUTH", "SASL_SCRAM_256_AUTH", "BASIC_AUTH"].includes(String(a.Type))) {
      add(
        property,
        "this access configuration is not supported locally; the mapping will not connect without it",
        "refused",
      );
    }
  }
  for (const key of Object.keys(props)) {
    if (!KAFKA_MAPPING_PROPERTIES.has(key)) add(key, "not applied locally", "ignored");
  }
  return out;
}
