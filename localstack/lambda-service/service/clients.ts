/**
 * The SDK clients and the Kafka modules the Lambda service needs, loaded on first use: they take most of a
 * cold start to load, and the endpoint should answer before they are needed. Kept apart from the service so
 * the composition does not carry the list of modules and how each is loaded.
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { LOCAL_CREDENTIALS } from "../../config";
import type { MetricsSink } from "../metrics/publisher";

export async function loadEsmModules() {
  // require, not import(): these are this package's own CommonJS modules (and esbuild keeps them lazy).
  const kafkajs = await import("kafkajs");
  const destinations = require("../esm/destinations") as typeof import("../esm/destinations");
  const kafkaClient = require("../esm/kafka-client") as typeof import("../esm/kafka-client");
  const poller = require("../esm/poller") as typeof import("../esm/poller");
  const kafkaSecret = require("../../support/kafka-secret") as typeof import("../../support/kafka-secret");
  return {
    Kafka: kafkajs.Kafka,
    createFailureSink: destinations.createFailureSink,
    mappingKafkaConfig: kafkaClient.mappingKafkaConfig,
    mappingKafkaConfigFactory: kafkaClient.mappingKafkaConfigFactory,
    readKafkaSecret: kafkaSecret.readKafkaSecret,
    KafkaEventSourcePoller: poller.KafkaEventSourcePoller,
  };
}

export interface Clients {
  readonly cfnModule: typeof import("@aws-sdk/client-cloudformation");
  readonly cfn: CloudFormationClient;
  readonly secrets: SecretsManagerClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
  /** PutMetricData through the CloudWatch client. */
  readonly metrics: MetricsSink;
  readonly esm: Awaited<ReturnType<typeof loadEsmModules>>;
}

/** How the service's SDK clients reach LocalStack. */
export interface SdkOptions {
  endpoint: string;
  region: string;
  credentials: typeof LOCAL_CREDENTIALS;
  forcePathStyle: boolean;
}

export async function loadClients(sdk: SdkOptions): Promise<Clients> {
  const [cfn, secrets, s3, sqs, sns, cw] = await Promise.all([
    import("@aws-sdk/client-cloudformation"),
    import("@aws-sdk/client-secrets-manager"),
    import("@aws-sdk/client-s3"),
    import("@aws-sdk/client-sqs"),
    import("@aws-sdk/client-sns"),
    import("@aws-sdk/client-cloudwatch"),
  ]);
  const cloudwatch = new cw.CloudWatchClient(sdk);
  return {
    cfnModule: cfn,
    cfn: new cfn.CloudFormationClient(sdk),
    secrets: new secrets.SecretsManagerClient(sdk),
    s3: new s3.S3Client(sdk),
    sqs: new sqs.SQSClient(sdk),
    sns: new sns.SNSClient(sdk),
    cloudwatch,
    metrics: {
      putMetricData: async (input) => {
        await cloudwatch.send(new cw.PutMetricDataCommand({ ...input, MetricData: [...input.MetricData] }));
      },
    },
    esm: await loadEsmModules(),
  };
}

/** Releases the clients' connections. */
export function destroyClients(c: Clients): void {
  for (const client of [c.cfn, c.secrets, c.s3, c.sqs, c.sns, c.cloudwatch]) client.destroy();
}
