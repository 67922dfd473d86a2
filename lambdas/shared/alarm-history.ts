/**
 * The alarms of a project and what they did, from CloudWatch: DescribeAlarms (the alarms and their state) and
 * DescribeAlarmHistory (state changes). `sluice alerts` and the dashboard's lake page both read them through here.
 *
 * LocalStack's DescribeAlarmHistory stamps an item with the time of the change BEFORE it (it copies the alarm's
 * StateUpdatedTimestamp before updating it) and ignores MaxRecords and ScanBy; the evaluation that made the change
 * records its own time as stateReasonData.queryDate, which is used when present. Sorting and limits are done here.
 */
import {
  type AlarmHistoryItem,
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";

export interface StateChange {
  readonly time: Date;
  readonly alarm: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface AlertsOptions {
  /** Only what happened at or after this time. */
  readonly since?: Date;
  /** At most this many items. @default 20 */
  readonly limit?: number;
}

interface HistoryData {
  oldState?: { stateValue?: string };
  newState?: { stateValue?: string; stateReason?: string; stateReasonData?: { queryDate?: string } };
}

/** "2026-11-29T15:47:55+0000" (CloudWatch's stateReasonData dates) or ISO 8601; undefined when unreadable. */
export function parseAwsDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** One StateUpdate history item as a state change; undefined for other item types. */
export function stateChange(item: AlarmHistoryItem): StateChange | undefined {
  if (item.HistoryItemType !== "StateUpdate" || item.AlarmName === undefined) return undefined;
  let data: HistoryData = {};
  try {
    data = JSON.parse(item.HistoryData ?? "{}") as HistoryData;
  } catch {
    // A summary without data still says old → new.
  }
  const summary = /from (\w+) to (\w+)/.exec(item.HistorySummary ?? "");
  const time = parseAwsDate(data.newState?.stateReasonData?.queryDate) ?? item.Timestamp;
  if (time === undefined) return undefined;
  return {
    time,
    alarm: item.AlarmName,
    from: data.oldState?.stateValue ?? summary?.[1] ?? "?",
    to: data.newState?.stateValue ?? summary?.[2] ?? "?",
    reason: data.newState?.stateReason ?? "",
  };
}

/** Newest first, at most limit, at or after since. */
export function newestFirst<T extends { readonly time: Date }>(items: readonly T[], options: AlertsOptions): T[] {
  return items
    .filter((i) => options.since === undefined || i.time >= options.since)
    .sort((a, b) => b.time.getTime() - a.time.getTime())
    .slice(0, options.limit ?? 20);
}

/** Every state change CloudWatch keeps, of every alarm (or of the one named), in no particular order. */
export async function readAlarmHistory(cloudWatch: CloudWatchClient, alarmName?: string): Promise<StateChange[]> {
  const items: AlarmHistoryItem[] = [];
  let token: string | undefined;
  do {
    const page = await cloudWatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: alarmName, HistoryItemType: "StateUpdate", NextToken: token }),
    );
    items.push(...(page.AlarmHistoryItems ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return items.map(stateChange).filter((c): c is StateChange => c !== undefined);
}

/** Every metric alarm of the account and region (whose name starts with `namePrefix`, if given). */
export async function readAlarms(cloudWatch: CloudWatchClient, namePrefix?: string): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  let token: string | undefined;
  do {
    const page = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: namePrefix, NextToken: token }));
    alarms.push(...(page.MetricAlarms ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return alarms;
}

/** Every action of an alarm, on any state (ARNs: SNS topics, Auto Scaling policies, …). */
export function alarmActions(alarm: MetricAlarm): string[] {
  return [...(alarm.AlarmActions ?? []), ...(alarm.OKActions ?? []), ...(alarm.InsufficientDataActions ?? [])];
}
