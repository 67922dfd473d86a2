import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { kafkaStageDefaults } from "../constructs/kafka-stage";
import type { SluiceSettings } from "../settings";
import { BankPipeline } from "./analytics/bank-pipeline";
import { TweetsPipeline } from "./analytics/tweets-pipeline";
import { type DataExports, importSharedData } from "./data-stack";

export interface AnalyticsStackProps extends StackProps {
  readonly settings: SluiceSettings;
  /** Export names of the data stack's resources: the Kafka secret and the failures bucket are shared. */
  readonly data: DataExports;
  /** Of the analytics tables and the log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The stream-analytics pipelines, each Kafka-fed stage on the house construct: bank transactions and balances
 * (`transactions`), and from one stream of tweets (`tweets`) the hashtag counts and users, and the keyword tracker.
 * Their tables are theirs: the face pipeline's data stack shares only the Kafka credentials, the failures bucket and the alerts topic.
 */
export class AnalyticsStack extends Stack {
  readonly bank: BankPipeline;
  readonly tweets: TweetsPipeline;

  constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);
    const { settings, data } = props;
    const { kafkaSecret, failureBucket, alertTopic } = importSharedData(this, data);
    const stageDefaults = kafkaStageDefaults(settings, {
      kafkaSecret,
      failureBucket,
      alertTopic,
      logRemovalPolicy: props.removalPolicy,
    });
    const topics = settings.analyticsTopics;

    this.bank = new BankPipeline(this, "Bank", {
      stageDefaults,
      topic: topics.transactions,
      removalPolicy: props.removalPolicy,
    });
    this.tweets = new TweetsPipeline(this, "Tweets", {
      stageDefaults,
      topic: topics.tweets,
      trackedKeywords: settings.trackedKeywords,
      removalPolicy: props.removalPolicy,
    });

    // `deploy:local` creates the topics every stack lists in an output ending in "Topics".
    new CfnOutput(this, "AnalyticsTopics", { value: Object.values(topics).join(",") });
  }
}
