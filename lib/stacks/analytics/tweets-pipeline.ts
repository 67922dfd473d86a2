import { join } from "node:path";
import { CfnOutput, Duration, type RemovalPolicy, SecretValue, Stack, Validations } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { hashtagsEnvironment } from "../../../lambdas/analytics/tweets/hashtags/settings";
import { TRACKER_FILTER, trackerEnvironment } from "../../../lambdas/analytics/tweets/tracker/settings";
import { KafkaStage, type KafkaStageDefaults } from "../../constructs/kafka-stage";

export interface TweetsPipelineProps {
  readonly stageDefaults: KafkaStageDefaults;
  /** The topic the tweet stream goes through; the hashtag/users consumer and the keyword tracker both read it. */
  readonly topic: string;
  /** What the keyword tracker follows (lib/settings.ts `trackedKeywords`). */
  readonly trackedKeywords: readonly string[];
  /** Of the tables and the secret. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

const LAMBDAS = join(__dirname, "..", "..", "..", "lambdas", "analytics", "tweets");

/**
 * Hashtag counts and users from a stream of tweets, and the keyword tracker's counts: two consumers of one topic,
 * each with its own consumer group (the mapping's UUID, as AWS defaults it), each applying a record's increments
 * exactly once. Outputs are named `Tweet…` (and `TrackedKeywords`, `XBearerTokenSecretArn`) so they cannot clash
 * with the other pipelines' outputs, which the local tooling merges into one map.
 */
export class TweetsPipeline extends Construct {
  readonly hashtagsTable: Table;
  readonly usersTable: Table;
  readonly trackerTable: Table;
  readonly xBearerTokenSecret: Secret;
  readonly hashtags: KafkaStage;
  readonly tracker: KafkaStage;

  constructor(
    scope: Construct,
    id: string,
    readonly props: TweetsPipelineProps,
  ) {
    super(scope, id);
    const { removalPolicy } = props;
    const table = (tableId: string, keys: "pk/sk" | "userId"): Table =>
      new Table(this, tableId, {
        partitionKey: { name: keys === "pk/sk" ? "pk" : "userId", type: AttributeType.STRING },
        ...(keys === "pk/sk" ? { sortKey: { name: "sk", type: AttributeType.STRING } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        removalPolicy,
      });
    this.hashtagsTable = table("HashtagCounts", "pk/sk");
    this.usersTable = table("Users", "userId");
    this.trackerTable = table("TrackerCounts", "pk/sk");

    // The X API bearer token is the user's own: created empty, `sluice tweets --from live` skips the stream until
    // `aws secretsmanager put-secret-value` fills it in.
    this.xBearerTokenSecret = new Secret(this, "XBearerToken", {
      description: 'X API v2 bearer token as {"bearerToken":"…"} for the live tweet stream; empty until you put yours',
      secretObjectValue: { bearerToken: SecretValue.unsafePlainText("") },
      removalPolicy,
    });
    Validations.of(this.xBearerTokenSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason: "A third-party API token issued by X: it can only be rotated in X's developer portal.",
    });

    this.hashtags = new KafkaStage(this, "Hashtags", {
      ...props.stageDefaults,
      stageName: "tweet-hashtags",
      description: "Counts hashtags (all time, per hour) and keeps the users, each tweet exactly once",
      entry: join(LAMBDAS, "hashtags", "handler.ts"),
      inputTopic: props.topic,
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: hashtagsEnvironment({
        hashtagsTable: this.hashtagsTable.tableName,
        usersTable: this.usersTable.tableName,
      }),
    });
    this.tracker = new KafkaStage(this, "Tracker", {
      ...props.stageDefaults,
      stageName: "tweet-tracker",
      description: "Counts the hashtags of tweets that mention a tracked keyword, each tweet exactly once",
      entry: join(LAMBDAS, "tracker", "handler.ts"),
      inputTopic: props.topic,
      memorySize: 256,
      timeout: Duration.seconds(60),
      filters: [TRACKER_FILTER],
      environment: trackerEnvironment({ table: this.trackerTable.tableName, keywords: props.trackedKeywords }),
    });

    // Least privilege: the writes of a TransactWriteItems (receipt puts, counter updates), nothing to read or delete.
    this.hashtagsTable.grant(this.hashtags.function, "dynamodb:PutItem", "dynamodb:UpdateItem");
    this.usersTable.grant(this.hashtags.function, "dynamodb:UpdateItem");
    this.trackerTable.grant(this.tracker.function, "dynamodb:PutItem", "dynamodb:UpdateItem");

    const stack = Stack.of(this);
    const out = (name: string, value: string, description: string): CfnOutput =>
      new CfnOutput(stack, name, { value, description });
    out("TweetHashtagsTableName", this.hashtagsTable.tableName, "Hashtag counters (all time, per hour, spellings)");
    out("TweetUsersTableName", this.usersTable.tableName, "Users seen tweeting");
    out("TweetTrackerTableName", this.trackerTable.tableName, "The keyword tracker's counters");
    out("TweetHashtagsFunctionName", this.hashtags.function.plainName, `tweet-hashtags ← ${props.topic}`);
    out("TweetTrackerFunctionName", this.tracker.function.plainName, `tweet-tracker ← ${props.topic}, filtered`);
    out("TweetsTopic", props.topic, "The tweet stream both consumers read");
    // The producer marks tweets with these keywords: it must know the ones the tracker was deployed with.
    out("TrackedKeywords", JSON.stringify(props.trackedKeywords), "The keyword tracker's keywords (JSON list)");
    out("XBearerTokenSecretArn", this.xBearerTokenSecret.secretArn, "X API v2 bearer token for --from live");
  }
}
