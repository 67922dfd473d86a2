/**
 * `sluice alerts`: what the alarms did and whom they told, newest first.
 *
 * - Alarm state changes, from CloudWatch's DescribeAlarmHistory (StateUpdate items).
 * - Mail sent, from LocalStack's SES store (GET /_aws/ses through the endpoint): SNS hands every email and
 *   email-json subscription of a topic to SES, which keeps the message instead of sending it.
 * - Where notifications go: the subscriptions of the topics the alarms act on (an SQS subscriber's messages stay
 *   in its queue for its consumer; reading them here would take them from it).
 *
 * LocalStack's DescribeAlarmHistory stamps an item with the time of the change BEFORE it (it copies the alarm's
 * StateUpdatedTimestamp before updating it) and ignores MaxRecords and ScanBy; the evaluation that made the change
 * records its own time as stateReasonData.queryDate, which is used when present. Sorting and limits are done here.
 */
import { type AlarmHistoryItem, DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import type { LocalConfig } from "../config";
import { awsClients } from "../support/aws";

export interface StateChange {
  readonly time: Date;
  readonly alarm: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface SentMail {
  readonly time: Date;
  readonly to: readonly string[];
  readonly subject: string;
  /** "ALARM: <name> (OK → ALARM)" when the body is a CloudWatch alarm notification, else the body's first line. */
  readonly summary: string;
}

export interface Subscriber {
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
}

export interface AlertsReport {
  readonly changes: readonly StateChange[];
  readonly mail: readonly SentMail[];
  readonly subscribers: readonly Subscriber[];
}

export interface AlertsOptions {
  /** Only what happened at or after this time. */
  readonly since?: Date;
  /** At most this many state changes and this many mails. @default 20 */
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

interface AlarmNotification {
  AlarmName?: unknown;
  OldStateValue?: unknown;
  NewStateValue?: unknown;
}

/** The alarm notification in a mail body: the raw message (email) or inside the SNS envelope (email-json). */
export function alarmInBody(body: string): AlarmNotification | undefined {
  const parse = (text: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(text);
      return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const outer = parse(body);
  if (outer === undefined) return undefined;
  const inner = typeof outer.Message === "string" ? parse(outer.Message) : outer;
  return inner !== undefined && typeof inner.AlarmName === "string" ? (inner as AlarmNotification) : undefined;
}

interface SesMessage {
  Timestamp?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Subject?: string;
  Body?: { text_part?: string | null; html_part?: string | null };
}

/** One message of LocalStack's SES store. Its Timestamp is UTC without a zone ("2026-11-29T15:48:40"). */
export function sentMail(message: SesMessage): SentMail {
  const body = message.Body?.text_part ?? message.Body?.html_part ?? "";
  const alarm = alarmInBody(body);
  const d = message.Destination ?? {};
  const stamp = message.Timestamp ?? "";
  return {
    time: parseAwsDate(/[zZ]|[+-]\d\d:?\d\d$/.test(stamp) ? stamp : `${stamp}Z`) ?? new Date(0),
    to: [...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])],
    subject: message.Subject ?? "",
    summary:
      alarm === undefined
        ? (body.split("\n")[0] ?? "").slice(0, 120)
        : `${String(alarm.NewStateValue)}: ${String(alarm.AlarmName)} (${String(alarm.OldStateValue)} → ${String(alarm.NewStateValue)})`,
  };
}

/**
 * LocalStack's SES store. It answers 404 until SES first loads (the route is registered then): nothing was sent.
 */
async function readMailStore(cfg: LocalConfig): Promise<SentMail[]> {
  const response = await fetch(`${cfg.endpoint.url}/_aws/ses`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`GET ${cfg.endpoint.url}/_aws/ses answered ${response.status}`);
  const { messages } = (await response.json()) as { messages?: SesMessage[] };
  return (messages ?? []).map(sentMail);
}

async function readHistory(cfg: LocalConfig): Promise<StateChange[]> {
  const cloudWatch = awsClients(cfg).cloudWatch;
  const items: AlarmHistoryItem[] = [];
  let token: string | undefined;
  do {
    const page = await cloudWatch.send(
      new DescribeAlarmHistoryCommand({ HistoryItemType: "StateUpdate", NextToken: token }),
    );
    items.push(...(page.AlarmHistoryItems ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return items.map(stateChange).filter((c): c is StateChange => c !== undefined);
}

/** The subscriptions of every SNS topic an alarm acts on. */
async function readSubscribers(cfg: LocalConfig): Promise<Subscriber[]> {
  const { cloudWatch, sns } = awsClients(cfg);
  const topics = new Set<string>();
  let token: string | undefined;
  do {
    const page = await cloudWatch.send(new DescribeAlarmsCommand({ NextToken: token }));
    for (const a of page.MetricAlarms ?? []) {
      for (const arn of [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])]) {
        if (arn.startsWith("arn:aws:sns:")) topics.add(arn);
      }
    }
    token = page.NextToken;
  } while (token !== undefined);
  const subscribers: Subscriber[] = [];
  for (const topicArn of [...topics].sort()) {
    let next: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: next }));
      for (const s of page.Subscriptions ?? []) {
        subscribers.push({ topicArn, protocol: s.Protocol ?? "?", endpoint: s.Endpoint ?? "?" });
      }
      next = page.NextToken;
    } while (next !== undefined);
  }
  return subscribers;
}

/** Newest first, at most limit, at or after since. */
export function newestFirst<T extends { readonly time: Date }>(items: readonly T[], options: AlertsOptions): T[] {
  return items
    .filter((i) => options.since === undefined || i.time >= options.since)
    .sort((a, b) => b.time.getTime() - a.time.getTime())
    .slice(0, options.limit ?? 20);
}

export async function readAlerts(cfg: LocalConfig, options: AlertsOptions = {}): Promise<AlertsReport> {
  const [changes, mail, subscribers] = await Promise.all([readHistory(cfg), readMailStore(cfg), readSubscribers(cfg)]);
  return { changes: newestFirst(changes, options), mail: newestFirst(mail, options), subscribers };
}

const when = (d: Date): string =>
  d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");

export function formatAlerts(report: AlertsReport, cfg: LocalConfig): string {
  const lines = ["alarm state changes (CloudWatch DescribeAlarmHistory), newest first"];
  if (report.changes.length === 0) lines.push("  (none)");
  for (const c of report.changes) lines.push(`  ${when(c.time)}  ${c.alarm}  ${c.from} → ${c.to}  ${c.reason}`);
  lines.push("", `mail sent (LocalStack's SES store: GET ${cfg.endpoint.url}/_aws/ses), newest first`);
  if (report.mail.length === 0) lines.push("  (none)");
  for (const m of report.mail) lines.push(`  ${when(m.time)}  to ${m.to.join(", ")}  ${m.summary}`);
  lines.push("", "where the alarms' notifications go (SNS subscriptions of their topics)");
  if (report.subscribers.length === 0) lines.push("  (no subscriber)");
  for (const s of report.subscribers) lines.push(`  ${s.topicArn}  ${s.protocol}  ${s.endpoint}`);
  return lines.join("\n");
}

/** "30m", "2h", "1d" before now, or an ISO 8601 time. */
export function parseSince(text: string, now: Date = new Date()): Date {
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as "s" | "m" | "h" | "d"];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const absolute = parseAwsDate(text);
  if (absolute === undefined) throw new Error(`--since: expected 30m, 2h, 1d or an ISO 8601 time, got "${text}"`);
  return absolute;
}
