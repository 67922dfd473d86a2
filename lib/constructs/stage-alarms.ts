import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { DEFAULT_OFFSET_LAG_ALARM_THRESHOLD } from "../settings";

export interface StageAlarmsProps {
  /** The function's name (a plain string such as `SluiceFunction.plainName`, or a token). */
  readonly functionName: string;
  /** UUID of the Kafka mapping that feeds the function (`eventSourceMappingId`). @default - no OffsetLag alarm */
  readonly eventSourceMappingId?: string;
  /** The topic both alarms notify on ALARM and on OK. */
  readonly alertTopic: ITopic;
  /** Records behind that raise the OffsetLag alarm when held 5 minutes. @default DEFAULT_OFFSET_LAG_ALARM_THRESHOLD (1000) */
  readonly offsetLagThreshold?: number;
}

/** AWS/Lambda, as Lambda publishes it: one-minute data points. */
const NAMESPACE = "AWS/Lambda";
const MINUTE = Duration.minutes(1);
/** Minutes of lag at or over the threshold before the OffsetLag alarm goes off: a burst that drains is not an alert. */
export const OFFSET_LAG_MINUTES = 5;

/**
 * The alarms of one function (and of the Kafka mapping that feeds it), both notifying the alerts topic on ALARM
 * and on OK:
 * - Errors: Sum >= 1 in a minute. Missing data is not breaching: Lambda publishes Errors only when the function
 *   runs, and a quiet minute is a healthy one.
 * - OffsetLag (the mapping's, dimensions FunctionName + EventSourceMappingUUID): Maximum >= the threshold for
 *   OFFSET_LAG_MINUTES minutes running; no data (an idle mapping) is not breaching either.
 */
export class StageAlarms extends Construct {
  readonly errors: Alarm;
  readonly offsetLag: Alarm | undefined;

  constructor(scope: Construct, id: string, props: StageAlarmsProps) {
    super(scope, id);
    const threshold = props.offsetLagThreshold ?? DEFAULT_OFFSET_LAG_ALARM_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new Error(
        `StageAlarms: offsetLagThreshold must be a whole number of records, at least 1 (got ${threshold})`,
      );
    }
    const notify = new SnsAction(props.alertTopic);

    this.errors = new Alarm(this, "Errors", {
      alarmDescription: `${props.functionName}: the function failed (Errors >= 1 in a minute)`,
      metric: new Metric({
        namespace: NAMESPACE,
        metricName: "Errors",
        dimensionsMap: { FunctionName: props.functionName },
        statistic: "Sum",
        period: MINUTE,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errors.addAlarmAction(notify);
    this.errors.addOkAction(notify);

    if (props.eventSourceMappingId === undefined) {
      this.offsetLag = undefined;
      return;
    }
    this.offsetLag = new Alarm(this, "OffsetLag", {
      alarmDescription: `${props.functionName}: its Kafka mapping is ${threshold} or more records behind for ${OFFSET_LAG_MINUTES} minutes`,
      metric: new Metric({
        namespace: NAMESPACE,
        metricName: "OffsetLag",
        dimensionsMap: { FunctionName: props.functionName, EventSourceMappingUUID: props.eventSourceMappingId },
        statistic: "Maximum",
        period: MINUTE,
      }),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: OFFSET_LAG_MINUTES,
      datapointsToAlarm: OFFSET_LAG_MINUTES,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.offsetLag.addAlarmAction(notify);
    this.offsetLag.addOkAction(notify);
  }
}
