import { join } from "node:path";
import { CfnOutput, Duration, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { LAKE_PREFIX } from "../../../lambdas/hourly/lake/lake";
import { lakeEnvironment } from "../../../lambdas/hourly/lake/settings";
import { KafkaStage, type KafkaStageDefaults } from "../../constructs/kafka-stage";
import { findingArn } from "../../constructs/nag-finding";

export interface LakeWriterProps {
  readonly stageDefaults: KafkaStageDefaults;
  /** The topic of cleaned observations (`observations`). */
  readonly topic: string;
  readonly lakeBucket: IBucket;
}

/**
 * The Kafka-fed stage that writes observations to the lake as Parquet, partitioned by date and hour
 * (see lambdas/hourly/lake/lake.ts). It may put objects under `lake/observations/` of the lake bucket
 * and nothing else: no read, no list, no delete, no other prefix.
 */
export class LakeWriter extends Construct {
  readonly stage: KafkaStage;

  constructor(
    scope: Construct,
    id: string,
    readonly props: LakeWriterProps,
  ) {
    super(scope, id);
    this.stage = new KafkaStage(this, "Writer", {
      ...props.stageDefaults,
      stageName: "lake",
      entry: join(__dirname, "..", "..", "..", "lambdas", "hourly", "lake", "handler.ts"),
      description: "Writes observations to the lake as Parquet, partitioned by date and hour",
      inputTopic: props.topic,
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: lakeEnvironment({ lakeBucket: props.lakeBucket.bucketName }),
    });
    // s3:PutObject alone, on the lake's prefix: CDK's grantPut would add tagging, legal-hold and retention rights.
    const objects = props.lakeBucket.arnForObjects(`${LAKE_PREFIX}/*`);
    this.stage.function.addToRolePolicy(new PolicyStatement({ actions: ["s3:PutObject"], resources: [objects] }));
    Validations.of(this.stage).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${findingArn(this, props.lakeBucket.bucketArn)}/${LAKE_PREFIX}/*]`,
      reason: "PutObject on the lake bucket's observations prefix only: the writer's object keys are made per batch.",
    });

    // Named for the lake writer, so they cannot clash with another construct's outputs in the stack.
    const out = (key: string, value: string, description: string): void => {
      new CfnOutput(this, key, { value, description }).overrideLogicalId(key);
    };
    out("LakeWriterFunctionName", this.stage.function.plainName, `lake ← ${props.topic}`);
    out("LakeObservationsPrefix", `${LAKE_PREFIX}/`, "Where the lake writer's Parquet objects go (dt=…/hour=…)");
  }
}
