import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { KafkaStageDefaults } from "../../constructs/kafka-stage";

export interface LakeWriterProps {
  readonly stageDefaults: KafkaStageDefaults;
  /** The topic of cleaned observations (`observations`). */
  readonly topic: string;
  readonly lakeBucket: IBucket;
}

/** The Kafka-fed stage that writes observations to the lake as Parquet, partitioned by date and hour. */
export class LakeWriter extends Construct {
  constructor(
    scope: Construct,
    id: string,
    readonly props: LakeWriterProps,
  ) {
    super(scope, id);
  }
}
