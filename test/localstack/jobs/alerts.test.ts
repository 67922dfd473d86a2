/**
 * `sluice alerts` reads what LocalStack keeps: alarm history items and SES store messages, recorded here as
 * LocalStack 4.14 returned them (trimmed), with the state changes and mails they must read as.
 */
import type { AlarmHistoryItem } from "@aws-sdk/client-cloudwatch";
import { alarmInBody, parseSince, sentMail } from "#local/jobs/alerts";
import { newestFirst, stateChange } from "#shared/alarm-history";

const ALARM_MESSAGE = JSON.stringify({
  AlarmName: "exp-errors",
  OldStateValue: "OK",
  NewStateValue: "ALARM",
  NewStateReason: "Threshold Crossed",
});

describe("alarm history", () => {
  const item = (over: Partial<AlarmHistoryItem>): AlarmHistoryItem => ({
    AlarmName: "exp-errors",
    AlarmType: "MetricAlarm",
    HistoryItemType: "StateUpdate",
    // LocalStack stamps the item with the time of the change before this one.
    Timestamp: new Date("2026-11-29T15:46:55.150Z"),
    HistorySummary: "Alarm updated from OK to ALARM",
    HistoryData: JSON.stringify({
      version: "1.0",
      oldState: { stateValue: "OK", stateReason: "Threshold Crossed: no datapoints were received for 1 period" },
      newState: {
        stateValue: "ALARM",
        stateReason: "Threshold Crossed",
        stateReasonData: { queryDate: "2026-11-29T15:47:55+0000", recentDatapoints: [1.0], threshold: 1.0 },
      },
    }),
    ...over,
  });

  test("a state update reads as old → new with its reason, at the evaluation's own time", () => {
    expect(stateChange(item({}))).toEqual({
      time: new Date("2026-11-29T15:47:55Z"),
      alarm: "exp-errors",
      from: "OK",
      to: "ALARM",
      reason: "Threshold Crossed",
    });
  });

  test("without reason data (set-alarm-state) the item's own timestamp and summary are used", () => {
    expect(stateChange(item({ HistoryData: "not json", HistorySummary: "Alarm updated from ALARM to OK" }))).toEqual({
      time: new Date("2026-11-29T15:46:55.150Z"),
      alarm: "exp-errors",
      from: "ALARM",
      to: "OK",
      reason: "",
    });
  });

  test("other history item types are not state changes", () => {
    expect(stateChange(item({ HistoryItemType: "ConfigurationUpdate" }))).toBeUndefined();
  });
});

describe("the SES store", () => {
  test("an email subscription's mail holds the alarm message itself", () => {
    expect(
      sentMail({
        Timestamp: "2026-11-29T15:48:40",
        Destination: { ToAddresses: ["ops@example.com"] },
        Subject: "SNS-Subscriber-Endpoint",
        Body: { text_part: ALARM_MESSAGE, html_part: null },
      }),
    ).toEqual({
      time: new Date("2026-11-29T15:48:40Z"),
      to: ["ops@example.com"],
      subject: "SNS-Subscriber-Endpoint",
      summary: "ALARM: exp-errors (OK → ALARM)",
    });
  });

  test("an email-json subscription's mail holds it inside the SNS envelope", () => {
    const envelope = JSON.stringify({
      Type: "Notification",
      Subject: 'ALARM: "exp-errors" in us-east-1',
      Message: ALARM_MESSAGE,
    });
    expect(alarmInBody(envelope)).toMatchObject({ AlarmName: "exp-errors", NewStateValue: "ALARM" });
  });

  test("any other mail is summarised by its first line", () => {
    const mail = sentMail({ Timestamp: "2026-11-29T15:48:40", Body: { text_part: "hello\nworld" } });
    expect([mail.summary, mail.to]).toEqual(["hello", []]);
  });
});

test("newest first, since a time, at most the limit", () => {
  const at = (iso: string) => ({ time: new Date(iso) });
  const items = [at("2026-11-29T10:00:00Z"), at("2026-11-29T12:00:00Z"), at("2026-11-29T11:00:00Z")];
  expect(newestFirst(items, { limit: 2 })).toEqual([at("2026-11-29T12:00:00Z"), at("2026-11-29T11:00:00Z")]);
  expect(newestFirst(items, { since: new Date("2026-11-29T10:30:00Z") })).toHaveLength(2);
});

test.each<[string, string]>([
  ["30m", "2026-11-29T11:30:00.000Z"],
  ["2h", "2026-11-29T10:00:00.000Z"],
  ["1d", "2026-11-28T12:00:00.000Z"],
  ["2026-11-29T09:15:00Z", "2026-11-29T09:15:00.000Z"],
])("--since %s", (text, expected) => {
  expect(parseSince(text, new Date("2026-11-29T12:00:00Z")).toISOString()).toBe(expected);
});

test("--since refuses what it cannot read", () => {
  expect(() => parseSince("yesterday")).toThrow(/--since: expected 30m, 2h, 1d or an ISO 8601 time/);
});
