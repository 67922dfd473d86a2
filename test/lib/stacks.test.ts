import { Match, Template } from "aws-cdk-lib/assertions";
import { buildApp } from "#lib/app";
import { PRODUCTION_BROKERS, PRODUCTION_CONTEXT } from "./production-context";

const TOPICS: Record<string, [string, string]> = {
  scrape: ["celebrities", "image-candidates"],
  validate: ["image-candidates", "images-verified"],
  store: ["images-verified", "images-stored"],
  clean: ["images-stored", "dataset"],
};

function templates(context: Record<string, unknown> = {}) {
  const { data, pipeline } = buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false });
  return { data: Template.fromStack(data), pipeline: Template.fromStack(pipeline) };
}

describe("production profile", () => {
  const { data, pipeline } = templates();

  test.each(Object.entries(TOPICS))(
    "%s has a SCRAM Kafka event-source mapping on its topic",
    (stage, [input, output]) => {
      const fn = pipeline.findResources("AWS::Lambda::Function", {
        Properties: { FunctionName: `sluice-pipeline-${stage}` },
      });
      const [logicalId] = Object.keys(fn);
      expect(logicalId).toBeDefined();
      pipeline.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        FunctionName: { Ref: logicalId },
        Topics: [input],
        SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: PRODUCTION_BROKERS.split(",") } },
        SourceAccessConfigurations: [
          { Type: "SASL_SCRAM_512_AUTH", URI: { "Fn::ImportValue": "sluice-data-KafkaSecretArn" } },
        ],
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: Match.absent(),
        StartingPosition: "TRIM_HORIZON",
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        MaximumRetryAttempts: 3,
        BisectBatchOnFunctionError: false,
        DestinationConfig: { OnFailure: { Destination: { "Fn::ImportValue": "sluice-data-FailuresBucketArn" } } },
      });
      pipeline.hasResourceProperties("AWS::Lambda::Function", {
        FunctionName: `sluice-pipeline-${stage}`,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        // JSON with AWS's default levels: records filter patterns select by field, platform.report among them.
        LoggingConfig: {
          LogFormat: "JSON",
          ApplicationLogLevel: "INFO",
          SystemLogLevel: "INFO",
          LogGroup: { Ref: Match.stringLikeRegexp(`^${stage}FunctionLogGroup`) },
        },
        Environment: {
          Variables: Match.objectLike({
            INPUT_TOPIC: input,
            OUTPUT_TOPIC: output,
            KAFKA_BOOTSTRAP_SERVERS: PRODUCTION_BROKERS,
            KAFKA_SECRET_ARN: { "Fn::ImportValue": "sluice-data-KafkaSecretArn" },
          }),
        },
      });
      pipeline.hasResourceProperties("AWS::Logs::LogGroup", {
        LogGroupName: `/aws/lambda/sluice-pipeline-${stage}`,
        RetentionInDays: 30,
      });
    },
  );

  test("exactly four functions and four mappings, and no condition", () => {
    pipeline.resourceCountIs("AWS::Lambda::Function", 4);
    pipeline.resourceCountIs("AWS::Lambda::EventSourceMapping", 4);
    expect(pipeline.toJSON().Conditions).toBeUndefined();
  });

  test("clean gets sharp from a layer built for Lambda's arm64 Linux, not from its bundle", () => {
    pipeline.hasResourceProperties("AWS::Lambda::LayerVersion", {
      CompatibleArchitectures: ["arm64"],
      CompatibleRuntimes: ["nodejs22.x"],
    });
    const functions = Object.values(pipeline.findResources("AWS::Lambda::Function"));
    const withLayers = functions.filter((f) => f.Properties.Layers !== undefined);
    expect(withLayers.map((f) => f.Properties.FunctionName)).toEqual(["sluice-pipeline-clean"]);
  });

  test("production scrapers look at the real services and may not fetch from loopback", () => {
    const scrape = Object.values(pipeline.findResources("AWS::Lambda::Function")).find(
      (f) => f.Properties.FunctionName === "sluice-pipeline-scrape",
    );
    expect(scrape?.Properties.Environment.Variables).toMatchObject({
      WIKIDATA_API_URL: "https://www.wikidata.org/w/api.php",
      TMDB_API_URL: "https://api.themoviedb.org/3",
      URL_ALLOW_LIST: "",
    });
  });

  test("each execution role may write logs to its own log group only, and read the Kafka secret", () => {
    const policies = Object.values(pipeline.findResources("AWS::IAM::Policy"));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
      const role = String((policy.Properties.Roles as Array<{ Ref: string }>)[0]?.Ref);
      const stage = role.replace(/FunctionRole.*/, "");
      expect(statements).toContainEqual({
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: { "Fn::GetAtt": [expect.stringMatching(new RegExp(`^${stage}FunctionLogGroup`)), "Arn"] },
      });
      const kafka = { "Fn::ImportValue": "sluice-data-KafkaSecretArn" };
      const tmdb = { "Fn::ImportValue": "sluice-data-TmdbSecretArn" };
      expect(statements).toContainEqual({
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        // Only scrape calls TMDB, so only scrape may read its token.
        Resource: stage === "scrape" ? [kafka, tmdb] : kafka,
      });
    }
    for (const role of Object.values(pipeline.findResources("AWS::IAM::Role"))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test("every bucket blocks public access, encrypts, and refuses plain HTTP", () => {
    const buckets = data.findResources("AWS::S3::Bucket");
    expect(Object.keys(buckets)).toHaveLength(4);
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(
        bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
      ).toEqual({ SSEAlgorithm: "AES256" });
      expect(bucket.DeletionPolicy).toBe("Retain");
      data.hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "s3:*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  test("the metadata table is on demand, with point-in-time recovery, retained", () => {
    data.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      Properties: {
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  test("the Kafka secret holds the user name and a generated password", () => {
    data.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ username: "sluice" }),
        GenerateStringKey: "password",
        ExcludePunctuation: true,
        PasswordLength: 32,
      },
    });
  });

  test("outputs name every bucket, the table, the secret and every function", () => {
    expect(
      Object.keys(data.findOutputs("*"))
        .filter((k) => !k.startsWith("Export"))
        .sort(),
    ).toEqual(
      [
        "AccessLogsBucketName",
        "AlertsTopicArn",
        "FailuresBucketName",
        "ImagesBucketName",
        "KafkaSecretArn",
        "LakeBucketName",
        "MetadataTableName",
        "TmdbSecretArn",
      ].sort(),
    );
    for (const stage of Object.keys(TOPICS)) {
      const cap = stage.charAt(0).toUpperCase() + stage.slice(1);
      pipeline.hasOutput(`${cap}FunctionName`, { Value: `sluice-pipeline-${stage}` });
    }
  });

  test("no Lambda-backed custom resource anywhere", () => {
    for (const t of [data, pipeline]) {
      const types = Object.values(t.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(
        types.filter((type) => type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource"),
      ).toEqual([]);
    }
  });
});

describe("context settings", () => {
  test("batch size, batching window, brokers and prefix come from context", () => {
    const { pipeline } = templates({
      "sluice:batchSize": 500,
      "sluice:recordConcurrency": 3,
      "sluice:maxBatchingWindowSeconds": 2,
      "sluice:kafkaBootstrapServers": "k1:9092,k2:9092",
      "sluice:stackPrefix": "demo",
    });
    pipeline.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 2,
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ["k1:9092", "k2:9092"] } },
      SourceAccessConfigurations: [
        { Type: "SASL_SCRAM_512_AUTH", URI: { "Fn::ImportValue": "demo-data-KafkaSecretArn" } },
      ],
    });
    pipeline.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "demo-pipeline-scrape",
      Environment: { Variables: Match.objectLike({ STAGE_CONCURRENCY: "3" }) },
    });
  });

  test("per-host politeness: one site's on the live web, five sites' on the sample web, or as set", () => {
    const env = (context: Record<string, unknown>, stage: string) =>
      Object.values(templates(context).pipeline.findResources("AWS::Lambda::Function")).find(
        (f) => f.Properties.FunctionName === `sluice-pipeline-${stage}`,
      )?.Properties.Environment.Variables;
    for (const stage of ["scrape", "store"]) {
      expect(env({}, stage)).not.toHaveProperty("HOST_REQUESTS_PER_SECOND"); // the stages' default: 10/s, 4 at once
      expect(env({ "sluice:sources": "sample" }, stage)).toMatchObject({
        HOST_REQUESTS_PER_SECOND: "50",
        HOST_CONCURRENCY: "20",
      });
      expect(env({ "sluice:hostRequestsPerSecond": 2 }, stage)).toMatchObject({
        HOST_REQUESTS_PER_SECOND: "2",
        HOST_CONCURRENCY: "4",
      });
    }
  });

  test.each([
    [{ "sluice:hostRequestsPerSecond": 0 }, /sluice:hostRequestsPerSecond.*1 to 1000/],
    [{ "sluice:hostConcurrency": 65 }, /sluice:hostConcurrency.*1 to 64/],
    [{ "sluice:batchSize": 0 }, /sluice:batchSize.*1 to 10000/],
    [{ "sluice:batchSize": 10_001 }, /sluice:batchSize/],
    [{ "sluice:recordConcurrency": 0 }, /sluice:recordConcurrency.*1 to 64/],
    [{ "sluice:kafkaBootstrapServers": " , " }, /sluice:kafkaBootstrapServers/],
    [
      { "sluice:kafkaBootstrapServers": Array.from({ length: 11 }, (_, i) => `b${i}:9092`).join(",") },
      /1 to 10 brokers/,
    ],
    [{ "sluice:kafkaBootstrapServers": "no-port" }, /not host:port/],
    [{ "sluice:profile": "staging" }, /sluice:profile/],
    [{ "sluice:topic:celebrities": "bad topic" }, /not a valid Kafka topic/],
    [{ "sluice:maxBatchingWindowSeconds": 301 }, /maxBatchingWindowSeconds/],
    [{ "sluice:applicationLogLevel": "NOTICE" }, /sluice:applicationLogLevel.*TRACE, DEBUG, INFO, WARN, ERROR, FATAL/],
    [{ "sluice:systemLogLevel": "ERROR" }, /sluice:systemLogLevel.*DEBUG, INFO, WARN/],
  ])("rejects %j", (context, message) => {
    expect(() => buildApp({ context: { ...PRODUCTION_CONTEXT, ...context }, nag: false })).toThrow(message);
  });
});

describe("log levels", () => {
  test("every function's application and system levels come from context, Powertools' with them", () => {
    const { pipeline } = templates({ "sluice:applicationLogLevel": "fatal", "sluice:systemLogLevel": "WARN" });
    const functions = pipeline.findResources("AWS::Lambda::Function");
    expect(Object.keys(functions)).toHaveLength(4);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: "JSON",
        ApplicationLogLevel: "FATAL",
        SystemLogLevel: "WARN",
      });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe("CRITICAL");
    }
  });
});

describe("production brokers", () => {
  test.each(["127.0.0.1:9092", "localhost:9092", "k1:9092,127.0.0.1:9093"])(
    "a production synthesis refuses the placeholder %s and names the key to set",
    (servers) => {
      expect(() => buildApp({ context: { "sluice:kafkaBootstrapServers": servers }, nag: false })).toThrow(
        /sluice:kafkaBootstrapServers.*-c sluice:kafkaBootstrapServers=b1:9092,b2:9092/,
      );
    },
  );

  test("cdk.json's placeholder is refused in production and kept by the local profile", () => {
    expect(() => buildApp({ context: {}, nag: false })).toThrow(/placeholder broker/);
    expect(() => buildApp({ context: { "sluice:profile": "local" }, nag: false })).not.toThrow();
  });
});

describe("provisioned mode", () => {
  test("every Kafka mapping with error handling has ProvisionedPollerConfig, 1 to 3 pollers by default", () => {
    const { pipeline } = templates();
    const mappings = Object.values(pipeline.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mappings).toHaveLength(4);
    const controls = [
      "MaximumRetryAttempts",
      "BisectBatchOnFunctionError",
      "FunctionResponseTypes",
      "DestinationConfig",
      "MaximumRecordAgeInSeconds",
    ];
    for (const { Properties: p } of mappings) {
      expect(controls.some((c) => p[c] !== undefined)).toBe(true);
      expect(p.ProvisionedPollerConfig).toEqual({ MinimumPollers: 1, MaximumPollers: 3 });
    }
    pipeline.allResourcesProperties("AWS::Lambda::EventSourceMapping", {
      ProvisionedPollerConfig: { MinimumPollers: Match.anyValue(), MaximumPollers: Match.anyValue() },
    });
  });

  test("the pollers come from context", () => {
    const { pipeline } = templates({ "sluice:minimumPollers": 2, "sluice:maximumPollers": "10" });
    pipeline.allResourcesProperties("AWS::Lambda::EventSourceMapping", {
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 10 },
    });
  });

  test.each([
    [{ "sluice:minimumPollers": 0 }, /sluice:minimumPollers.*1 to 200/],
    [{ "sluice:minimumPollers": 201, "sluice:maximumPollers": 300 }, /sluice:minimumPollers.*1 to 200/],
    [{ "sluice:maximumPollers": 2001 }, /sluice:maximumPollers.*1 to 2000/],
    [{ "sluice:minimumPollers": 5, "sluice:maximumPollers": 4 }, /more than sluice:maximumPollers.*-c sluice:/],
  ])("rejects %j", (context, message) => {
    expect(() => templates(context)).toThrow(message);
  });
});

describe("local profile", () => {
  const { data, pipeline } = templates({ "sluice:profile": "local" });
  const json = pipeline.toJSON() as {
    Conditions: Record<string, unknown>;
    Resources: Record<string, { Type: string; Condition?: string }>;
    Outputs: Record<string, unknown>;
  };

  test("functions and mappings stay in the template behind an always-false condition", () => {
    expect(json.Conditions).toEqual({ SluiceDeployedByCloudFormation: { "Fn::Equals": ["local", "aws"] } });
    const hosted = Object.values(json.Resources).filter((r) => r.Type.startsWith("AWS::Lambda::"));
    expect(hosted).toHaveLength(9); // 4 functions, 4 mappings, the sharp layer
    for (const r of hosted) expect(r.Condition).toBe("SluiceDeployedByCloudFormation");
  });

  test("everything CloudFormation still deploys is unconditioned and refers to nothing it skips", () => {
    const skipped = new Set(
      Object.entries(json.Resources)
        .filter(([, r]) => r.Condition !== undefined)
        .map(([id]) => id),
    );
    const refs = (value: unknown): string[] => {
      if (Array.isArray(value)) return value.flatMap(refs);
      if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => {
          if (k === "Ref" && typeof v === "string") return [v];
          if (k === "Fn::GetAtt" && Array.isArray(v)) return [String(v[0])];
          if (k === "DependsOn") return Array.isArray(v) ? v.map(String) : [String(v)];
          return refs(v);
        });
      }
      return [];
    };
    for (const [id, r] of Object.entries(json.Resources)) {
      if (skipped.has(id)) continue;
      expect({ id, refs: refs(r).filter((x) => skipped.has(x)) }).toEqual({ id, refs: [] });
    }
    expect(refs(json.Outputs).filter((x) => skipped.has(x))).toEqual([]);
  });

  test("data is destroyed with the local stack", () => {
    for (const bucket of Object.values(data.findResources("AWS::S3::Bucket")))
      expect(bucket.DeletionPolicy).toBe("Delete");
    data.hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Delete" });
  });
});
