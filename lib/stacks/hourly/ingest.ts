import { join } from "node:path";
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ingestEnvironment } from "../../../lambdas/hourly/ingest/settings";
import { SluiceFunction } from "../../constructs/sluice-function";
import { StageAlarms } from "../../constructs/stage-alarms";
import type { SluiceSettings } from "../../settings";
import { sourceSetup } from "../../sources";

export interface HourlyIngestProps {
  readonly settings: SluiceSettings;
  readonly kafkaSecret: ISecret;
  readonly alertTopic: ITopic;
  /** Where the kept rows go (`observations`). */
  readonly topic: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Lambda's asynchronous retries of a failing hour: 3 attempts in all. */
export const INGEST_RETRY_ATTEMPTS = 2;

/**
 * The schedule, the ingest function it invokes asynchronously, its run records, retries and alarms.
 *
 * Two places a failure can end: the schedule's dead-letter queue when Scheduler cannot hand the event to Lambda at
 * all (after its RetryPolicy), and the function's on-failure queue when the hour failed all 3 attempts. Both are
 * alarmed; the function's Errors too.
 */
export class HourlyIngest extends Construct {
  readonly function: SluiceFunction;
  readonly runs: Table;
  readonly schedule: CfnSchedule;
  readonly scheduleName: string;
  readonly failures: Queue;
  readonly deadLetters: Queue;
  readonly errorsAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(
    scope: Construct,
    id: string,
    readonly props: HourlyIngestProps,
  ) {
    super(scope, id);
    const { settings } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stackName = Stack.of(this).stackName;

    this.runs = new Table(this, "Runs", {
      partitionKey: { name: "hour", type: AttributeType.STRING },
      sortKey: { name: "id", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    const queue = (queueId: string) =>
      new Queue(this, queueId, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy,
      });
    this.failures = queue("Failures");
    this.deadLetters = queue("ScheduleDeadLetters");
    for (const q of [this.failures, this.deadLetters]) {
      Validations.of(q).acknowledge({
        id: "AwsSolutions-SQS3",
        reason: "This queue is itself where failed hours end (an on-failure destination or a dead-letter queue)",
      });
    }

    this.function = new SluiceFunction(this, "Function", {
      entry: join(__dirname, "..", "..", "..", "lambdas", "hourly", "ingest", "handler.ts"),
      name: "ingest",
      description: "Fetches an hour's observations CSV, cleans it and produces the rows to Kafka",
      memorySize: 512,
      timeout: Duration.minutes(2),
      logRemovalPolicy: removalPolicy,
      logLevels: settings.logLevels,
      environment: ingestEnvironment({
        bootstrapServers: settings.kafkaBootstrapServers,
        kafkaSecretArn: props.kafkaSecret.secretArn,
        topic: props.topic,
        sourceUrlTemplate: settings.hourly.sourceUrl,
        urlAllowList: sourceSetup(settings).urlAllowList,
        runsTable: this.runs.tableName,
      }),
    });
    props.kafkaSecret.grantRead(this.function);
    this.runs.grant(this.function, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query");
    this.function.configureAsyncInvoke({
      retryAttempts: INGEST_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failures),
    });

    // The ARN from the plain name, not the function's GetAtt: the local profile leaves the function to the local
    // service, and a deployed role (or the schedule the service reads) must not reference a skipped resource.
    const functionArn = Stack.of(this).formatArn({
      service: "lambda",
      resource: "function",
      resourceName: this.function.plainName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const schedulerRole = new Role(this, "ScheduleRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com"),
      description: `Lets the hourly schedule invoke ${this.function.plainName}`,
    });
    schedulerRole.addToPolicy(new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [functionArn] }));
    this.deadLetters.grantSendMessages(schedulerRole);
    this.scheduleName = `${stackName}-ingest`;
    this.schedule = new CfnSchedule(this, "Schedule", {
      name: this.scheduleName,
      description: "Ingests the hour that has just ended",
      scheduleExpression: settings.hourly.schedule,
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: {
        arn: functionArn,
        roleArn: schedulerRole.roleArn,
        // The firing's own time and id: the run ingests the hour before it, its attempts counted under the id.
        input: JSON.stringify({
          scheduledTime: "<aws.scheduler.scheduled-time>",
          runId: "<aws.scheduler.execution-id>",
        }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetters.queueArn },
      },
    });

    const notify = new SnsAction(props.alertTopic);
    this.errorsAlarm = new StageAlarms(this, "Alarms", {
      functionName: this.function.plainName,
      alertTopic: props.alertTopic,
    }).errors;
    this.deadLetterAlarm = new Alarm(this, "DeadLetterAlarm", {
      alarmDescription: `${this.scheduleName}: the schedule could not invoke ${this.function.plainName} (a message in its dead-letter queue)`,
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(notify);
    this.deadLetterAlarm.addOkAction(notify);

    // Named for the hourly pipeline, so they cannot clash with another pipeline's outputs.
    const out = (key: string, value: string, description: string): void => {
      new CfnOutput(this, key, { value, description }).overrideLogicalId(key);
    };
    out("HourlyIngestFunctionName", this.function.plainName, "Ingests one hour (invoke asynchronously with {hour})");
    out("HourlyRunsTableName", this.runs.tableName, "One item per hour and attempt");
    out("HourlyScheduleName", this.scheduleName, `${settings.hourly.schedule} → the ingest function`);
    out("HourlyFailuresQueueUrl", this.failures.queueUrl, "Hours that failed all 3 attempts (invocation records)");
    out("HourlyDeadLetterQueueUrl", this.deadLetters.queueUrl, "Schedule firings that could not be handed to Lambda");
  }
}
