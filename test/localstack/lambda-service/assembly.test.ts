// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation Fn::Sub templates
/**
 * The local Lambda service reads exactly what `cdk synth` wrote for the local profile: the functions and
 * Kafka event-source mappings CloudFormation skips, with references resolved against deployed state.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "#lib/app";
import { AssemblyError, type DeployedState, loadAssembly, stableUuid } from "#local/lambda-service/assembly";
import { type ResolveContext, resolve } from "#local/lambda-service/intrinsics";
import { type SyntheticMapping, writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";

const env = { region: "us-east-1", accountId: "000000000000" };

function synth(context: Record<string, unknown> = {}): string {
  const outdir = mkdtempSync(join(tmpdir(), "sluice-assembly-"));
  // The CDK CLI turns asset metadata on; a direct synthesis has to ask for it.
  const cli = { "aws:cdk:enable-asset-metadata": true };
  buildApp({ context: { ...cli, "sluice:profile": "local", ...context }, outdir, nag: false }).app.synth();
  return outdir;
}

/** What CloudFormation would report after deploying the data stack and the pipeline's deployable part. */
function deployed(dir: string, prefix = "sluice"): DeployedState {
  const exports = new Map<string, string>([
    [`${prefix}-data-ImagesBucketArn`, "arn:aws:s3:::images-bucket"],
    [`${prefix}-data-LakeBucketArn`, "arn:aws:s3:::lake-bucket"],
    [`${prefix}-data-FailuresBucketArn`, "arn:aws:s3:::failures-bucket"],
    [`${prefix}-data-MetadataTableArn`, "arn:aws:dynamodb:us-east-1:000000000000:table/metadata"],
    [`${prefix}-data-KafkaSecretArn`, "arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka-AbCdEf"],
    [`${prefix}-data-TmdbSecretArn`, "arn:aws:secretsmanager:us-east-1:000000000000:secret:tmdb-AbCdEf"],
  ]);
  // Every other export the templates declare (CDK's own for a construct another stack uses, e.g. the analytics
  // tables the dashboard reads), as CloudFormation would report it once the stack is deployed.
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".template.json"))) {
    const template = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      Outputs?: Record<string, { Export?: { Name?: unknown } }>;
    };
    for (const output of Object.values(template.Outputs ?? {})) {
      const name = output.Export?.Name;
      if (typeof name === "string" && !exports.has(name)) exports.set(name, `${name}-value`);
    }
  }
  return {
    exports,
    physicalIds: (stack) => {
      const template = JSON.parse(readFileSync(join(dir, `${stack}.template.json`), "utf8")) as {
        Resources: Record<string, { Properties?: { LogGroupName?: string } }>;
      };
      return new Map(
        Object.entries(template.Resources).map(([id, r]) => [id, r.Properties?.LogGroupName ?? `${id}-physical`]),
      );
    },
  };
}

describe("loadAssembly", () => {
  const dir = synth();
  const { functions, mappings } = loadAssembly(dir, deployed(dir), env);

  test("finds the face pipeline's four functions with their resolved environment", () => {
    // The analytics stack's functions load too; this test is about the face pipeline's.
    const faces = functions.map((f) => f.name).filter((name) => name.startsWith("sluice-pipeline-"));
    expect(faces.sort()).toEqual(["clean", "scrape", "store", "validate"].map((s) => `sluice-pipeline-${s}`));
    const store = functions.find((f) => f.name === "sluice-pipeline-store");
    expect(store).toMatchObject({
      handler: "index.handler",
      runtime: "nodejs22.x",
      architecture: "arm64",
      timeoutSeconds: 300,
      memoryMb: 1024,
      logGroup: "/aws/lambda/sluice-pipeline-store",
      layerDirs: [],
    });
    expect(store?.environment).toMatchObject({
      IMAGES_BUCKET: "images-bucket",
      METADATA_TABLE: "metadata",
      KAFKA_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka-AbCdEf",
      INPUT_TOPIC: "images-verified",
      OUTPUT_TOPIC: "images-stored",
    });
    expect(readFileSync(join(store?.codeDir ?? "", "index.js"), "utf8").length).toBeGreaterThan(1000);
  });

  test("mounts the clean stage's sharp layer from the assembly, built for this machine", () => {
    const clean = functions.find((f) => f.name === "sluice-pipeline-clean");
    expect(clean?.layerDirs).toHaveLength(1);
    const sharpDir = join(clean?.layerDirs[0] ?? "", "nodejs", "node_modules", "sharp");
    expect(JSON.parse(readFileSync(join(sharpDir, "package.json"), "utf8")).name).toBe("sharp");
    const platform = join(clean?.layerDirs[0] ?? "", "nodejs", "node_modules", "@img", `sharp-linux-${process.arch}`);
    expect(readFileSync(join(platform, "package.json"), "utf8")).toContain(`"${process.arch}"`);
  });

  test("finds the four mappings with AWS's defaults filled in", () => {
    const scrape = mappings.find((m) => m.functionName === "sluice-pipeline-scrape");
    expect(scrape).toMatchObject({
      topics: ["celebrities"],
      bootstrapServers: ["127.0.0.1:9092"],
      batchSize: 100,
      maxBatchingWindowMs: 500,
      startingPosition: "TRIM_HORIZON",
      enabled: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeSeconds: -1,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: true,
      onFailure: { kind: "s3", destination: "arn:aws:s3:::failures-bucket" },
      authentication: "SASL_SCRAM_512_AUTH",
      scramSecretArn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka-AbCdEf",
      provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 },
    });
    expect(scrape?.consumerGroupId).toBe(scrape?.uuid);
    expect(scrape?.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("a mapping's UUID, and so its default consumer group, is the same on every load", () => {
    const againDir = synth();
    const again = loadAssembly(againDir, deployed(againDir), env);
    expect(again.mappings.map((m) => m.uuid).sort()).toEqual(mappings.map((m) => m.uuid).sort());
    expect(stableUuid("a")).toBe(stableUuid("a"));
    expect(stableUuid("a")).not.toBe(stableUuid("b"));
  });

  test("an export that does not exist is reported with the resource that needs it", () => {
    const state = deployed(dir);
    (state.exports as Map<string, string>).delete("sluice-data-KafkaSecretArn");
    expect(() => loadAssembly(dir, state, env)).toThrow(AssemblyError);
    expect(() => loadAssembly(dir, state, env)).toThrow(/export sluice-data-KafkaSecretArn does not exist/);
  });

  test.each<[string, (p: Record<string, unknown>) => void, RegExp]>([
    ["batch size 0", (p) => Object.assign(p, { BatchSize: 0 }), /BatchSize must be 1 to 10000/],
    [
      "11 brokers",
      (p) =>
        Object.assign(p, { SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: Array(11).fill("b:1") } } }),
      /1 to 10 brokers/,
    ],
    [
      "a destination topic that is the source",
      (p) => Object.assign(p, { DestinationConfig: { OnFailure: { Destination: "kafka://celebrities" } } }),
      /may not be the mapping's source topic/,
    ],
    ["a window over 300 s", (p) => Object.assign(p, { MaximumBatchingWindowInSeconds: 301 }), /0 to 300/],
    ["a bad filter", (p) => Object.assign(p, { FilterCriteria: { Filters: [{ Pattern: "{nope" }] } }), /not JSON/],
    [
      "error handling without provisioned mode",
      (p) => delete p.ProvisionedPollerConfig,
      /InvalidParameterValueException: MaximumRetryAttempts.*requires provisioned mode: set ProvisionedPollerConfig/,
    ],
    [
      "no minimum poller",
      (p) => Object.assign(p, { ProvisionedPollerConfig: { MinimumPollers: 0, MaximumPollers: 3 } }),
      /MinimumPollers must be 1 to 200/,
    ],
    [
      "2,001 pollers",
      (p) => Object.assign(p, { ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2001 } }),
      /MaximumPollers must be 1 to 2000/,
    ],
    [
      "an unknown metric group",
      (p) => Object.assign(p, { MetricsConfig: { Metrics: ["EventCount", "Latency"] } }),
      /MetricsConfig.Metrics must hold up to 3 of EventCount, ErrorCount, KafkaMetrics/,
    ],
    [
      "more minimum than maximum pollers",
      (p) => Object.assign(p, { ProvisionedPollerConfig: { MinimumPollers: 4, MaximumPollers: 2 } }),
      /must not exceed MaximumPollers/,
    ],
  ])("refuses %s, as Lambda's API would", (_what, mutate, message) => {
    const bad = mkdtempSync(join(tmpdir(), "sluice-assembly-bad-"));
    cpSync(dir, bad, { recursive: true });
    const file = join(bad, "sluice-pipeline.template.json");
    const template = JSON.parse(readFileSync(file, "utf8")) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const mapping = Object.values(template.Resources).find(
      (r) => r.Type === "AWS::Lambda::EventSourceMapping" && JSON.stringify(r.Properties.Topics) === '["celebrities"]',
    );
    if (!mapping) throw new Error("no celebrities mapping in the template");
    mutate(mapping.Properties);
    writeFileSync(file, JSON.stringify(template));
    expect(() => loadAssembly(bad, deployed(bad), env)).toThrow(message);
  });
});

describe("provisioned mode, AWS's rule for Kafka mappings", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-assembly-provisioned-"));
  writeFileSync(join(dir, "index.js"), "exports.handler = async () => ({});\n");
  const noDeployments = { exports: new Map<string, string>(), physicalIds: () => new Map<string, string>() };
  const base = { logicalId: "Mapping", functionLogicalId: "Fn", topic: "in", bootstrapServers: ["127.0.0.1:9092"] };

  function load(name: string, mapping: Partial<SyntheticMapping>) {
    const out = join(dir, name);
    writeSyntheticAssembly(out, {
      functions: [{ logicalId: "Fn", functionName: "fn", codeDir: dir }],
      mappings: [{ ...base, ...mapping }],
    });
    return loadAssembly(out, noDeployments, env);
  }

  test.each<[string, Partial<SyntheticMapping>, RegExp]>([
    ["partial batch responses", { reportBatchItemFailures: true }, /FunctionResponseTypes ReportBatchItemFailures/],
    ["retries", { extraProperties: { MaximumRetryAttempts: 2 } }, /MaximumRetryAttempts/],
    ["bisection", { extraProperties: { BisectBatchOnFunctionError: true } }, /BisectBatchOnFunctionError/],
    ["a record age", { extraProperties: { MaximumRecordAgeInSeconds: 60 } }, /MaximumRecordAgeInSeconds/],
    [
      "a Kafka-topic on-failure destination",
      { extraProperties: { DestinationConfig: { OnFailure: { Destination: "kafka://failed" } } } },
      /DestinationConfig/,
    ],
    [
      "a schema registry",
      {
        extraProperties: {
          SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: { SchemaRegistryURI: "https://registry" } },
        },
      },
      /SchemaRegistryConfig/,
    ],
  ])("%s without ProvisionedPollerConfig is refused as AWS refuses it", (name, mapping, what) => {
    const attempt = () => load(name.replace(/\W+/g, "-"), { ...mapping, provisionedPollerConfig: "none" });
    expect(attempt).toThrow(AssemblyError);
    expect(attempt).toThrow(what);
    expect(attempt).toThrow(/InvalidParameterValueException: .*requires provisioned mode: set ProvisionedPollerConfig/);
  });

  test("the synthetic writer gives a mapping with error handling one provisioned poller by default", () => {
    const { mappings } = load("default-pollers", {
      reportBatchItemFailures: true,
      extraProperties: { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: "kafka://failed" } } },
    });
    expect(mappings[0]?.provisionedPollerConfig).toEqual({ minimumPollers: 1, maximumPollers: 1 });
  });

  test("MetricsConfig is honoured: the groups a mapping opts into, nothing when it has none", () => {
    const { mappings, reports } = load("metrics", { extraProperties: { MetricsConfig: { Metrics: ["EventCount"] } } });
    expect(mappings[0]?.metricsConfig).toEqual(["EventCount"]);
    expect(reports.filter((r) => r.property === "MetricsConfig")).toEqual([]);
    expect(load("no-metrics", {}).mappings[0]?.metricsConfig).toBeUndefined();
  });

  test("a mapping without error handling runs on demand, and may still ask for provisioned mode", () => {
    expect(load("on-demand", {}).mappings[0]?.provisionedPollerConfig).toBeUndefined();
    const { mappings } = load("asked", { provisionedPollerConfig: { minimumPollers: 2, maximumPollers: 5 } });
    expect(mappings[0]?.provisionedPollerConfig).toEqual({ minimumPollers: 2, maximumPollers: 5 });
  });
});

describe("intrinsic functions", () => {
  const ctx: ResolveContext = {
    stackName: "s",
    region: "eu-west-1",
    accountId: "123456789012",
    parameters: { Stage: "dev" },
    conditions: { IsDev: { "Fn::Equals": [{ Ref: "Stage" }, "dev"] } },
    ref: (id) => `physical-${id}`,
    getAtt: (id, attr) => `${id}.${attr}`,
    importValue: (name) => `imported-${name}`,
  };

  test.each<[unknown, unknown]>([
    [{ "Fn::Join": ["-", ["a", { Ref: "AWS::Region" }, { Ref: "Stage" }]] }, "a-eu-west-1-dev"],
    [{ "Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*" }, "arn:aws:s3:::physical-Bucket/*"],
    [{ "Fn::Sub": ["${X}-${Y.Arn}", { X: { Ref: "AWS::AccountId" } }] }, "123456789012-Y.Arn"],
    [{ "Fn::Select": [1, { "Fn::Split": [":", "a:b:c"] }] }, "b"],
    [{ "Fn::ImportValue": { "Fn::Sub": "${AWS::StackName}-Out" } }, "imported-s-Out"],
    [{ "Fn::If": ["IsDev", "yes", "no"] }, "yes"],
    [{ "Fn::GetAtt": ["Role", "Arn"] }, "Role.Arn"],
    [{ list: [{ Ref: "AWS::NoValue" }, "kept"] }, { list: ["kept"] }],
  ])("%j → %j", (input, expected) => {
    expect(resolve(ctx, input)).toEqual(expected);
  });

  test("an unsupported function is named", () => {
    expect(() => resolve(ctx, { "Fn::GetAZs": "" })).toThrow(/unsupported intrinsic function Fn::GetAZs/);
  });
});
