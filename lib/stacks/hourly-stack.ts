import { CfnOutput, Fn, type RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { kafkaStageDefaults } from "../constructs/kafka-stage";
import type { SluiceSettings } from "../settings";
import { type DataExports, importSharedData } from "./data-stack";
import { HourlyIngest } from "./hourly/ingest";
import { LakeWriter } from "./hourly/lake-writer";

export interface HourlyStackProps extends StackProps {
  readonly settings: SluiceSettings;
  /** Export names of the data stack's resources: the lake, the Kafka secret, the failures bucket, the alerts topic. */
  readonly data: DataExports;
  /** Of the run-record table, the queues and the log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The hourly pipeline: an EventBridge Scheduler schedule invokes `ingest` asynchronously (retries, an on-failure
 * destination, a dead-letter queue), which fetches a remote CSV, cleans it and produces its rows to
 * `observations`; the `lake` stage writes them to the lake bucket as Parquet partitioned by date and hour.
 */
export class HourlyStack extends Stack {
  readonly ingest: HourlyIngest;
  readonly lake: LakeWriter;

  constructor(scope: Construct, id: string, props: HourlyStackProps) {
    super(scope, id, props);
    const { settings, data } = props;
    const { kafkaSecret, failureBucket, alertTopic } = importSharedData(this, data);
    const lakeBucket = Bucket.fromBucketArn(this, "LakeBucket", Fn.importValue(data.lakeBucketArn));
    const stageDefaults = kafkaStageDefaults(settings, {
      kafkaSecret,
      failureBucket,
      alertTopic,
      logRemovalPolicy: props.removalPolicy,
    });
    const topic = settings.hourly.topic;

    this.ingest = new HourlyIngest(this, "Ingest", {
      settings,
      kafkaSecret,
      alertTopic,
      topic,
      removalPolicy: props.removalPolicy,
    });
    this.lake = new LakeWriter(this, "Lake", { stageDefaults, topic, lakeBucket });

    // `deploy:local` creates the topics every stack lists in an output ending in "Topics".
    new CfnOutput(this, "HourlyTopics", { value: topic });
  }
}
