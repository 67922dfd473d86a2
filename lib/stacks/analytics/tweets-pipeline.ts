import type { RemovalPolicy } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { KafkaStageDefaults } from "../../constructs/kafka-stage";

export interface TweetsPipelineProps {
  readonly stageDefaults: KafkaStageDefaults;
  /** The topic the tweet stream goes through; the hashtag/users consumer and the keyword tracker both read it. */
  readonly topic: string;
  /** What the keyword tracker follows (lib/settings.ts `trackedKeywords`). */
  readonly trackedKeywords: readonly string[];
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Hashtag counts and users from a stream of tweets, and the keyword tracker's counts. */
export class TweetsPipeline extends Construct {
  constructor(
    scope: Construct,
    id: string,
    readonly props: TweetsPipelineProps,
  ) {
    super(scope, id);
  }
}
