/**
 * `sluice alerts`: what the alarms did and whom they told, newest first.
 *
 * - Alarm state changes, from CloudWatch's DescribeAlarmHistory (StateUpdate items).
 * - Mail sent, from LocalStack's SES store (GET /_aws/ses through the endpoint): SNS hands every email and
 *   email-json subscription of a topic to SES, which keeps the message instead of sending it.
 * - Where notifications go: the subscriptions of the topics the alarms act on (an SQS subscriber's messages stay
 *   in its queue for its consumer; reading them here would take them from it).
 *
 * The history is read by `#shared/alarm-history` (the dashboard reads it too).
 *
 * LocalStack's DescribeAlarmHistory stamps an item with the time of the change BEFORE it (it copies the alarm's
 * StateUpdatedTimestamp before updating it) and ignores MaxRecords and ScanBy; the evaluation that made the change
 * records its own time as stateReasonData.queryDate, which is used when present. Sorting and limits are done here.
 */
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import {
  type AlertsOptions,
  alarmActions,
  newestFirst,
  parseAwsDate,
  readAlarmHistory,
  readAlarms,
  type StateChange,
} from "#shared/alarm-history";
import type { LocalConfig } from "../config";
import { awsClients } from "../support/aws";

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

export type { AlertsOptions, StateChange };

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

/** The subscriptions of every SNS topic an alarm acts on. */
async function readSubscribers(cfg: LocalConfig): Promise<Subscriber[]> {
  const { cloudWatch, sns } = awsClients(cfg);
  const topics = new Set<string>();
  for (const a of await readAlarms(cloudWatch)) {
    for (const arn of alarmActions(a)) {
      if (arn.startsWith("arn:aws:sns:")) topics.add(arn);
    }
  }
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

export async function readAlerts(cfg: LocalConfig, options: AlertsOptions = {}): Promise<AlertsReport> {
  const [changes, mail, subscribers] = await Promise.all([
    readAlarmHistory(awsClients(cfg).cloudWatch),
    readMailStore(cfg),
    readSubscribers(cfg),
  ]);
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
