/**
 * Schedule expressions are accepted and refused as EventBridge and EventBridge Scheduler document them.
 */
import { isTimeZone, parseScheduleExpression } from "#local/lambda-service/schedules/expressions";

const schedule = (text: string) => parseScheduleExpression(text, { allowAt: true });
const rule = (text: string) => parseScheduleExpression(text, { allowAt: false });

describe("rate()", () => {
  it("reads minutes, hours and days, singular for 1 and plural above", () => {
    expect(schedule("rate(1 minute)")).toMatchObject({ kind: "rate", periodMs: 60_000 });
    expect(schedule("rate(5 minutes)")).toMatchObject({ kind: "rate", periodMs: 300_000 });
    expect(rule("rate(2 hours)")).toMatchObject({ kind: "rate", periodMs: 7_200_000 });
    expect(rule("rate(1 day)")).toMatchObject({ kind: "rate", periodMs: 86_400_000 });
  });

  it.each(["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(1.5 hours)", "rate(1 second)", "rate(5)"])(
    "refuses %s",
    (text) => {
      expect(() => schedule(text)).toThrow(/invalid schedule expression/);
    },
  );
});

describe("cron()", () => {
  it("reads AWS's documented examples", () => {
    // "Run at 10:15 AM (UTC+0) every day": cron(15 10 * * ? *)
    expect(schedule("cron(15 10 * * ? *)")).toMatchObject({
      kind: "cron",
      fields: { minutes: [15], hours: [10], dayOfWeek: undefined },
    });
    // "Run at 6:00 PM Monday through Friday": cron(0 18 ? * MON-FRI *)
    expect(schedule("cron(0 18 ? * MON-FRI *)")).toMatchObject({
      fields: { dayOfMonth: undefined, dayOfWeek: { days: [2, 3, 4, 5, 6] } },
    });
    // "Run every 10 minutes Monday through Friday": cron(0/10 * ? * MON-FRI *)
    expect(schedule("cron(0/10 * ? * MON-FRI *)")).toMatchObject({ fields: { minutes: [0, 10, 20, 30, 40, 50] } });
    // "Run every 5 minutes between 8:00 AM and 5:55 PM Monday through Friday": cron(0/5 8-17 ? * MON-FRI *)
    expect(schedule("cron(0/5 8-17 ? * MON-FRI *)")).toMatchObject({
      fields: { hours: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17] },
    });
    // "Run at 9 AM on the first Monday of each month": cron(0 9 ? * 2#1 *)
    expect(schedule("cron(0 9 ? * 2#1 *)")).toMatchObject({ fields: { dayOfWeek: { nth: [{ day: 2, n: 1 }] } } });
  });

  it("reads L, W, month names and year lists", () => {
    expect(schedule("cron(0 12 L * ? *)")).toMatchObject({ fields: { dayOfMonth: { last: true } } });
    expect(schedule("cron(0 9 3W * ? *)")).toMatchObject({ fields: { dayOfMonth: { nearestWeekday: [3] } } });
    expect(schedule("cron(0 9 ? * 6L *)")).toMatchObject({ fields: { dayOfWeek: { lastOfMonth: [6] } } });
    expect(schedule("cron(0 9 1 JAN,JUL ? 2027,2029)")).toMatchObject({
      fields: { months: [1, 7], years: [2027, 2029] },
    });
  });

  it.each([
    ["cron(0 10 * * *)", /six fields/],
    ["cron(0 10 * * * *)", /exactly one of day-of-month and day-of-week/],
    ["cron(0 10 ? * ? *)", /exactly one of day-of-month and day-of-week/],
    ["cron(60 10 * * ? *)", /minutes value "60" is outside 0-59/],
    ["cron(0 24 * * ? *)", /hours value "24"/],
    ["cron(0 10 32 * ? *)", /day-of-month value "32"/],
    ["cron(0 10 ? * 8 *)", /day-of-week value "8"/],
    ["cron(0 10 ? * 2#6 *)", /occurrence must be 1-5/],
    ["cron(0 10 * FOO ? *)", /month value "FOO"/],
    ["cron(0 10 * * ? 1969)", /year value "1969"/],
    ["cron(0 10-5 * * ? *)", /runs backwards/],
  ])("refuses %s", (text, reason) => {
    expect(() => schedule(text)).toThrow(reason);
  });
});

describe("at()", () => {
  it("reads a one-time schedule's local date and time", () => {
    expect(schedule("at(2026-12-24T18:00:00)")).toEqual({
      kind: "at",
      text: "at(2026-12-24T18:00:00)",
      wallTime: { year: 2026, month: 12, day: 24, hour: 18, minute: 0, second: 0 },
    });
  });

  it("refuses dates that do not exist, other shapes, and at() on an EventBridge rule", () => {
    expect(() => schedule("at(2026-02-30T00:00:00)")).toThrow(/not a real date/);
    expect(() => schedule("at(2026-12-24 18:00)")).toThrow(/yyyy-mm-ddThh:mm:ss/);
    expect(() => rule("at(2026-12-24T18:00:00)")).toThrow(/not rules/);
    expect(() => rule("every(5 minutes)")).toThrow(/expected rate\(…\), cron\(…\)$/);
  });
});

it("knows IANA time zones", () => {
  expect(isTimeZone("Europe/Berlin")).toBe(true);
  expect(isTimeZone("America/New_York")).toBe(true);
  expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
});
