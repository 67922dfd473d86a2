import { CfnOutput, Fn, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import { type ITopic, Topic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { AlertsTopic } from "../constructs/alerts-topic";

export interface DataStackProps extends StackProps {
  /** SCRAM user name held by the Kafka credentials secret. */
  readonly kafkaUsername: string;
  /** What happens to buckets, tables and the secret when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Subscribed to the alerts topic. @default - no email subscription */
  readonly alertEmail?: string;
}

/**
 * Everything that holds data: images, the Parquet lake, failed-record destinations, image metadata,
 * the Kafka credentials, and the alerts topic the alarms notify. Buckets block public access, encrypt at rest, refuse plain HTTP, and log
 * access to a dedicated bucket.
 */
/** Names of the CloudFormation exports through which other stacks reach this stack's resources. */
export interface DataExports {
  readonly imagesBucketArn: string;
  readonly lakeBucketArn: string;
  readonly failuresBucketArn: string;
  readonly metadataTableArn: string;
  readonly kafkaSecretArn: string;
  readonly tmdbSecretArn: string;
  readonly alertsTopicArn: string;
}

export class DataStack extends Stack {
  readonly imagesBucket: Bucket;
  readonly lakeBucket: Bucket;
  readonly failuresBucket: Bucket;
  readonly metadataTable: Table;
  readonly kafkaSecret: Secret;
  readonly tmdbSecret: Secret;
  readonly alerts: AlertsTopic;
  /** Export names are derived from the stack name, so consumers (and cdk-nag acknowledgements) can name them. */
  readonly exports: DataExports;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const accessLogs = new Bucket(this, "AccessLogs", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server access log target; logging it to itself would loop.",
    });

    const bucket = (id: string, prefix: string): Bucket =>
      new Bucket(this, id, {
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${prefix}/`,
        removalPolicy,
      });
    this.imagesBucket = bucket("Images", "images");
    this.lakeBucket = bucket("Lake", "lake");
    this.failuresBucket = bucket("Failures", "failures");

    this.metadataTable = new Table(this, "Metadata", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    this.kafkaSecret = new Secret(this, "KafkaCredentials", {
      description: "SASL/SCRAM-SHA-512 credentials of the pipeline's Kafka user",
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: props.kafkaUsername }),
        generateStringKey: "password",
        excludePunctuation: true,
        passwordLength: 32,
      },
      removalPolicy,
    });
    Validations.of(this.kafkaSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "A SCRAM password lives in the broker too; rotating it needs a broker-side rotation function, out of scope.",
    });

    // The TMDB API read access token is the user's own: the stack creates the secret empty
    // (the scrape stage then skips TMDB) and `aws secretsmanager put-secret-value` fills it in.
    this.tmdbSecret = new Secret(this, "TmdbCredentials", {
      description: 'TMDB API read access token as {"apiKey":"…"}; empty until you put yours',
      secretObjectValue: { apiKey: SecretValue.unsafePlainText("") },
      removalPolicy,
    });
    Validations.of(this.tmdbSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason: "A third-party API token issued by TMDB: it can only be rotated on TMDB's site.",
    });

    // Every pipeline's alarms notify this one topic; it outlives pipeline stacks as the data does.
    this.alerts = new AlertsTopic(this, "Alerts", { email: props.alertEmail });

    const exportArn = (value: string, what: string): string => {
      const name = `${this.stackName}-${what}`;
      this.exportValue(value, { name });
      return name;
    };
    this.exports = {
      imagesBucketArn: exportArn(this.imagesBucket.bucketArn, "ImagesBucketArn"),
      lakeBucketArn: exportArn(this.lakeBucket.bucketArn, "LakeBucketArn"),
      failuresBucketArn: exportArn(this.failuresBucket.bucketArn, "FailuresBucketArn"),
      metadataTableArn: exportArn(this.metadataTable.tableArn, "MetadataTableArn"),
      kafkaSecretArn: exportArn(this.kafkaSecret.secretArn, "KafkaSecretArn"),
      tmdbSecretArn: exportArn(this.tmdbSecret.secretArn, "TmdbSecretArn"),
      alertsTopicArn: exportArn(this.alerts.topic.topicArn, "AlertsTopicArn"),
    };

    const out = (id: string, value: string, description: string): CfnOutput =>
      new CfnOutput(this, id, { value, description });
    out("ImagesBucketName", this.imagesBucket.bucketName, "Images, under content-addressed keys");
    out("LakeBucketName", this.lakeBucket.bucketName, "Parquet datasets");
    out("FailuresBucketName", this.failuresBucket.bucketName, "Records the event-source mappings gave up on");
    out("AccessLogsBucketName", accessLogs.bucketName, "S3 server access logs");
    out("MetadataTableName", this.metadataTable.tableName, "Image metadata");
    out("KafkaSecretArn", this.kafkaSecret.secretArn, "Kafka SCRAM credentials");
    out("TmdbSecretArn", this.tmdbSecret.secretArn, "TMDB API token (put yours to scrape TMDB)");
    out("AlertsTopicArn", this.alerts.topic.topicArn, "Alarm notifications (ALARM and OK) of every stage");
  }
}

/** What every pipeline stack shares from the data stack, imported into `scope` by export name (weak references). */
export function importSharedData(
  scope: Construct,
  data: DataExports,
): { kafkaSecret: ISecret; failureBucket: IBucket; alertTopic: ITopic } {
  return {
    kafkaSecret: Secret.fromSecretAttributes(scope, "KafkaSecret", {
      secretCompleteArn: Fn.importValue(data.kafkaSecretArn),
    }),
    failureBucket: Bucket.fromBucketArn(scope, "FailuresBucket", Fn.importValue(data.failuresBucketArn)),
    alertTopic: Topic.fromTopicArn(scope, "AlertsTopic", Fn.importValue(data.alertsTopicArn)),
  };
}
