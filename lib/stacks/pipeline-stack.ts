import { join } from "node:path";
import { CfnOutput, Duration, Fn, type RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import { Table } from "aws-cdk-lib/aws-dynamodb";
import { Architecture } from "aws-cdk-lib/aws-lambda";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { cleanEnvironment } from "../../lambdas/faces/clean/settings";
import { scrapeEnvironment } from "../../lambdas/faces/scrape/settings";
import { storeEnvironment } from "../../lambdas/faces/store/settings";
import { validateEnvironment } from "../../lambdas/faces/validate/settings";
import { KafkaStage, type KafkaStageProps, kafkaStageDefaults } from "../constructs/kafka-stage";
import { NodeModulesLayer } from "../constructs/node-modules-layer";
import type { SluiceSettings } from "../settings";
import { sourceSetup } from "../sources";
import { type DataExports, importSharedData } from "./data-stack";

export interface PipelineStackProps extends StackProps {
  readonly settings: SluiceSettings;
  /** Export names of the data stack's resources; the pipeline imports them by name (weak references). */
  readonly data: DataExports;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const LAMBDAS = join(__dirname, "..", "..", "lambdas", "faces");
const STAGES = ["scrape", "validate", "store", "clean"] as const;
type StageName = (typeof STAGES)[number];

/** The face-image pipeline: scrape ← celebrities, validate ← image-candidates, store ← images-verified, clean ← images-stored. */
export class PipelineStack extends Stack {
  readonly stages: Record<StageName, KafkaStage>;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { settings, data } = props;
    const topics = settings.topics;
    const imagesBucket = Bucket.fromBucketArn(this, "ImagesBucket", Fn.importValue(data.imagesBucketArn));
    const lakeBucket = Bucket.fromBucketArn(this, "LakeBucket", Fn.importValue(data.lakeBucketArn));
    const metadataTable = Table.fromTableArn(this, "MetadataTable", Fn.importValue(data.metadataTableArn));
    const { kafkaSecret, failureBucket: failuresBucket, alertTopic } = importSharedData(this, data);
    const tmdbSecret = Secret.fromSecretAttributes(this, "TmdbSecret", {
      secretCompleteArn: Fn.importValue(data.tmdbSecretArn),
    });
    const sources = sourceSetup(settings);
    // sharp's libvips is native: a layer built for the function's platform (this machine's, locally).
    const sharpLayer = new NodeModulesLayer(this, "SharpLayer", {
      packages: ["sharp"],
      architecture: Architecture.ARM_64,
      target: settings.profile === "local" ? "host" : { os: "linux", cpu: "arm64", libc: "glibc" },
      description: "sharp (libvips) for the clean stage",
    });

    const common = kafkaStageDefaults(settings, {
      kafkaSecret,
      failureBucket: failuresBucket,
      logRemovalPolicy: props.logRemovalPolicy,
      alertTopic,
    });
    const stage = (
      stageName: StageName,
      inputTopic: string,
      outputTopic: string,
      description: string,
      extra: Partial<KafkaStageProps> = {},
    ): KafkaStage =>
      new KafkaStage(this, stageName, {
        ...common,
        stageName,
        description,
        entry: join(LAMBDAS, stageName, "handler.ts"),
        inputTopic,
        outputTopic,
        ...extra,
      });

    // Grants first, in the order the template has always had them; each stage's variables come from its settings module.
    const scrape = stage("scrape", topics.celebrities, topics.imageCandidates, "Finds image candidates of a person", {
      timeout: Duration.seconds(120),
      environment: scrapeEnvironment({
        table: metadataTable.tableName,
        tmdbSecretArn: tmdbSecret.secretArn,
        ...sources,
      }),
    });
    tmdbSecret.grantRead(scrape.function);
    metadataTable.grantReadWriteData(scrape.function);
    const validate = stage(
      "validate",
      topics.imageCandidates,
      topics.imagesVerified,
      "Drops unsafe or already-seen image URLs",
      {
        memorySize: 256,
        timeout: Duration.seconds(60),
        environment: validateEnvironment({ table: metadataTable.tableName, urlAllowList: sources.urlAllowList }),
      },
    );
    metadataTable.grantReadWriteData(validate.function);
    const store = stage("store", topics.imagesVerified, topics.imagesStored, "Downloads images into S3 with metadata", {
      memorySize: 1024,
      timeout: Duration.seconds(300),
      environment: storeEnvironment({
        table: metadataTable.tableName,
        imagesBucket: imagesBucket.bucketName,
        urlAllowList: sources.urlAllowList,
        downloadTimeoutMs: sources.downloadTimeoutMs,
        politeness: sources.politeness,
      }),
    });
    imagesBucket.grantReadWrite(store.function);
    metadataTable.grantReadWriteData(store.function);
    const clean = stage(
      "clean",
      topics.imagesStored,
      topics.dataset,
      "Rejects useless or malicious images, writes Parquet",
      {
        memorySize: 1536,
        timeout: Duration.seconds(300),
        layers: [sharpLayer],
        externalModules: ["sharp"],
        environment: cleanEnvironment({
          table: metadataTable.tableName,
          imagesBucket: imagesBucket.bucketName,
          lakeBucket: lakeBucket.bucketName,
        }),
      },
    );
    imagesBucket.grantReadWrite(clean.function);
    lakeBucket.grantReadWrite(clean.function);
    metadataTable.grantReadWriteData(clean.function);
    this.stages = { scrape, validate, store, clean };

    // cdk-nag: the wildcards CDK's grants produce, each scoped to this deployment's own resources.
    const objectGrant =
      "Object-level access (bucket/*) to this deployment's own bucket, granted by CDK's grant methods.";
    const actionGrant = "Action groups CDK's S3 grants use (e.g. s3:GetObject*), limited to this deployment's buckets.";
    for (const s of Object.values(this.stages)) {
      const acks: Array<[string, string]> = [
        ...["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"].map(
          (a): [string, string] => [`Action::${a}`, actionGrant],
        ),
        ...[data.imagesBucketArn, data.lakeBucketArn].map((e): [string, string] => [`Resource::${e}/*`, objectGrant]),
        [`Resource::${data.metadataTableArn}/index/*`, "Index access on this deployment's own metadata table."],
      ];
      for (const [finding, reason] of acks) {
        Validations.of(s).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
      }
    }

    for (const name of STAGES) {
      const s = this.stages[name];
      const cap = name.charAt(0).toUpperCase() + name.slice(1);
      new CfnOutput(this, `${cap}FunctionName`, {
        value: s.function.plainName,
        description: `${name} ← ${s.inputTopic}`,
      });
    }
    new CfnOutput(this, "KafkaBootstrapServers", { value: settings.kafkaBootstrapServers.join(",") });
    new CfnOutput(this, "Topics", { value: Object.values(topics).join(",") });
  }
}
