/**
 * The Lambda API's shapes for a declared function and mapping: FunctionConfiguration and
 * EventSourceMappingConfiguration field by field, function ARNs, and the function names read back from
 * names, full and partial ARNs with or without a qualifier.
 */
import type { MappingView } from "#local/lambda-service/api/backend";
import {
  functionArn,
  functionConfiguration,
  functionNameOf,
  mappingConfiguration,
} from "#local/lambda-service/api/shapes";
import type { FunctionSpec, KafkaMappingSpec } from "#local/lambda-service/types";

const account = { region: "eu-west-1", accountId: "123456789012" };

const fn: FunctionSpec = {
  name: "faces-detect",
  stackName: "Faces",
  logicalId: "Detect",
  handler: "index.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  codeDir: "/tmp/cdk.out/asset.abc",
  layerDirs: [],
  environment: { STAGE: "local" },
  timeoutSeconds: 30,
  memoryMb: 512,
  logGroup: "/aws/lambda/faces-detect",
  logging: { format: "Text" },
  codeSha256: "0123456789abcdef0123456789abcdef0123456789abcdef",
};

const spec: KafkaMappingSpec = {
  uuid: "5d2a9c3e-0000-4000-8000-000000000001",
  stackName: "Faces",
  logicalId: "DetectMapping",
  functionName: "faces-detect",
  topics: ["frames"],
  bootstrapServers: ["127.0.0.1:9092"],
  batchSize: 100,
  maxBatchingWindowMs: 1500,
  startingPosition: "TRIM_HORIZON",
  consumerGroupId: "faces-detect-group",
  enabled: true,
  filterPatterns: [],
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: false,
  authentication: "NONE",
};

const view = (s: KafkaMappingSpec): MappingView => ({
  spec: s,
  state: "Enabled",
  lastProcessingResult: "OK",
  lastModified: new Date("2026-03-01T12:00:00.500Z"),
});

describe("functionNameOf", () => {
  it.each([
    ["faces-detect", "faces-detect"],
    ["faces-detect:$LATEST", "faces-detect"],
    ["arn:aws:lambda:eu-west-1:123456789012:function:faces-detect", "faces-detect"],
    ["arn:aws:lambda:eu-west-1:123456789012:function:faces-detect:live", "faces-detect"],
    ["123456789012:function:faces-detect", "faces-detect"],
    ["arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Afaces-detect", "faces-detect"],
  ])("reads %s as %s", (identifier, name) => {
    expect(functionNameOf(identifier)).toBe(name);
  });

  it("leaves what is no function name or ARN as it was sent, decoded", () => {
    expect(functionNameOf("not%20a%20name")).toBe("not a name");
  });
});

describe("functionArn", () => {
  it("names the function in the service's region and account", () => {
    expect(functionArn(account, "faces-detect")).toBe("arn:aws:lambda:eu-west-1:123456789012:function:faces-detect");
  });
});

describe("functionConfiguration", () => {
  it("answers a declared function in FunctionConfiguration's shape", () => {
    expect(functionConfiguration(account, fn, new Date("2026-01-02T03:04:05.678Z"))).toEqual({
      FunctionName: "faces-detect",
      FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:faces-detect",
      Runtime: "nodejs22.x",
      Role: "arn:aws:iam::123456789012:role/faces-detect",
      Handler: "index.handler",
      CodeSize: 0,
      Description: "",
      Timeout: 30,
      MemorySize: 512,
      LastModified: "2026-01-02T03:04:05.678+0000",
      CodeSha256: "0123456789abcdef0123456789abcdef0123456789abcdef",
      Version: "$LATEST",
      Environment: { Variables: { STAGE: "local" } },
      TracingConfig: { Mode: "PassThrough" },
      RevisionId: "0123456789abcdef0123456789abcdef0123",
      State: "Active",
      LastUpdateStatus: "Successful",
      PackageType: "Zip",
      Architectures: ["arm64"],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: "Text", LogGroup: "/aws/lambda/faces-detect" },
    });
  });

  it("reports a JSON function's LoggingConfig with its levels", () => {
    const logging = { format: "JSON", applicationLogLevel: "WARN", systemLogLevel: "DEBUG" } as const;
    expect(functionConfiguration(account, { ...fn, logging }, new Date()).LoggingConfig).toEqual({
      LogFormat: "JSON",
      ApplicationLogLevel: "WARN",
      SystemLogLevel: "DEBUG",
      LogGroup: "/aws/lambda/faces-detect",
    });
  });

  it("reports the declared role and description when there are some", () => {
    const declared = { ...fn, roleArn: "arn:aws:iam::123456789012:role/detect-role", description: "finds faces" };
    expect(functionConfiguration(account, declared, new Date(0))).toMatchObject({
      Role: "arn:aws:iam::123456789012:role/detect-role",
      Description: "finds faces",
    });
  });
});

describe("mappingConfiguration", () => {
  it("answers a plain Kafka mapping in EventSourceMappingConfiguration's shape", () => {
    expect(mappingConfiguration(account, view(spec))).toEqual({
      UUID: "5d2a9c3e-0000-4000-8000-000000000001",
      EventSourceMappingArn:
        "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:5d2a9c3e-0000-4000-8000-000000000001",
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
      StartingPosition: "TRIM_HORIZON",
      FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:faces-detect",
      LastModified: 1772366400.5,
      LastProcessingResult: "OK",
      State: "Enabled",
      StateTransitionReason: "USER_INITIATED",
      Topics: ["frames"],
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ["127.0.0.1:9092"] } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: "faces-detect-group" },
      SourceAccessConfigurations: [],
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: [],
    });
  });

  it("adds the optional parts a mapping declares", () => {
    const full: KafkaMappingSpec = {
      ...spec,
      startingPosition: "AT_TIMESTAMP",
      startingPositionTimestamp: 1772366400,
      filterPatterns: ['{"value":{"kind":["frame"]}}'],
      onFailure: { destination: "arn:aws:sqs:eu-west-1:123456789012:dlq", kind: "sqs" },
      scramSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka",
      authentication: "SASL_SCRAM_512_AUTH",
      reportBatchItemFailures: true,
      provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 },
      metricsConfig: ["EventCount", "KafkaMetrics"],
    };
    expect(mappingConfiguration(account, view(full))).toMatchObject({
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      MetricsConfig: { Metrics: ["EventCount", "KafkaMetrics"] },
      StartingPosition: "AT_TIMESTAMP",
      StartingPositionTimestamp: 1772366400,
      FilterCriteria: { Filters: [{ Pattern: '{"value":{"kind":["frame"]}}' }] },
      DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:eu-west-1:123456789012:dlq" } },
      SourceAccessConfigurations: [
        { Type: "SASL_SCRAM_512_AUTH", URI: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka" },
      ],
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });
});
