/**
 * Next firing times, each written out by hand from the calendar (2026: 1 March and 1 November are Sundays;
 * Europe/Berlin springs forward on 29 March at 02:00 and falls back on 25 October at 03:00), never computed
 * by the functions under test.
 */
import { parseScheduleExpression, type ScheduleExpression } from "#local/lambda-service/schedules/expressions";
import { type FireWindow, instantOf, nextFire } from "#local/lambda-service/schedules/next-fire";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const expr = (text: string): ScheduleExpression => parseScheduleExpression(text, { allowAt: true });
const always: FireWindow = { anchorMs: 0, rateFiresAtAnchor: true };
const next = (text: string, after: string, zone = "UTC", window: FireWindow = always) =>
  iso(nextFire(expr(text), zone, window, at(after)));

describe("cron() in UTC, AWS's documented examples", () => {
  it("every day at 10:15", () => {
    expect(next("cron(15 10 * * ? *)", "2026-11-29T10:15:00Z")).toBe("2026-11-30T10:15:00.000Z");
    expect(next("cron(15 10 * * ? *)", "2026-11-29T10:14:59Z")).toBe("2026-11-29T10:15:00.000Z");
  });

  it("6 PM Monday through Friday: after Friday 27 November comes Monday 30 November", () => {
    expect(next("cron(0 18 ? * MON-FRI *)", "2026-11-27T18:00:00Z")).toBe("2026-11-30T18:00:00.000Z");
  });

  it("8 AM on the first day of the month", () => {
    expect(next("cron(0 8 1 * ? *)", "2026-11-29T00:00:00Z")).toBe("2026-12-01T08:00:00.000Z");
  });

  it("every 5 minutes between 8:00 and 17:55 on weekdays: Friday 17:55, then Monday 8:00", () => {
    expect(next("cron(0/5 8-17 ? * MON-FRI *)", "2026-11-27T17:50:00Z")).toBe("2026-11-27T17:55:00.000Z");
    expect(next("cron(0/5 8-17 ? * MON-FRI *)", "2026-11-27T17:55:00Z")).toBe("2026-11-30T08:00:00.000Z");
  });

  it("9 AM on the first Monday of the month: 1 December 2026 is a Tuesday, so 7 December", () => {
    expect(next("cron(0 9 ? * 2#1 *)", "2026-11-29T00:00:00Z")).toBe("2026-12-07T09:00:00.000Z");
  });
});

describe("L, W and years", () => {
  it("L: the last day of February, 28 in 2027 and 29 in 2028", () => {
    expect(next("cron(0 12 L * ? *)", "2027-02-01T00:00:00Z")).toBe("2027-02-28T12:00:00.000Z");
    expect(next("cron(0 12 L * ? *)", "2028-02-01T00:00:00Z")).toBe("2028-02-29T12:00:00.000Z");
  });

  it("1W: Sunday 1 November 2026 moves to Monday the 2nd; Saturday 1 August 2026 to Monday the 3rd", () => {
    expect(next("cron(0 9 1W * ? *)", "2026-10-31T00:00:00Z")).toBe("2026-11-02T09:00:00.000Z");
    expect(next("cron(0 9 1W * ? *)", "2026-07-31T00:00:00Z")).toBe("2026-08-03T09:00:00.000Z");
  });

  it("6L: the last Friday of November 2026 is the 27th", () => {
    expect(next("cron(0 9 ? * 6L *)", "2026-11-01T00:00:00Z")).toBe("2026-11-27T09:00:00.000Z");
  });

  it("a year field: once in 2030, never again after", () => {
    expect(next("cron(0 0 1 1 ? 2030)", "2026-11-29T00:00:00Z")).toBe("2030-01-01T00:00:00.000Z");
    expect(next("cron(0 0 1 1 ? 2020)", "2026-11-29T00:00:00Z")).toBeUndefined();
  });
});

describe("time zones and daylight saving (Europe/Berlin)", () => {
  const berlin = (text: string, after: string) => next(text, after, "Europe/Berlin");

  it("02:30 does not exist on 29 March 2026 (02:00 CET → 03:00 CEST): that day is skipped", () => {
    // 28 March 02:30 CET = 01:30Z; the next one is 30 March 02:30 CEST = 00:30Z.
    expect(berlin("cron(30 2 * * ? *)", "2026-03-28T01:30:00Z")).toBe("2026-03-30T00:30:00.000Z");
  });

  it("02:30 happens twice on 25 October 2026 (03:00 CEST → 02:00 CET): it fires once, at the first", () => {
    expect(berlin("cron(30 2 * * ? *)", "2026-10-24T12:00:00Z")).toBe("2026-10-25T00:30:00.000Z");
    // After the first 02:30 (00:30Z), the repeated 02:30 CET (01:30Z) is not a firing: 26 October 02:30 CET is.
    expect(berlin("cron(30 2 * * ? *)", "2026-10-25T00:30:00Z")).toBe("2026-10-26T01:30:00.000Z");
  });

  it("09:00 local follows the offset: 08:00Z in winter, 07:00Z in summer", () => {
    expect(berlin("cron(0 9 * * ? *)", "2026-03-28T12:00:00Z")).toBe("2026-03-29T07:00:00.000Z");
    expect(berlin("cron(0 9 * * ? *)", "2026-10-25T00:00:00Z")).toBe("2026-10-25T08:00:00.000Z");
  });

  it("a wall time in the gap has no instant; one in the overlap has the earlier", () => {
    expect(
      instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, "Europe/Berlin"),
    ).toBeUndefined();
    expect(iso(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, "Europe/Berlin"))).toBe(
      "2026-10-25T00:30:00.000Z",
    );
  });
});

describe("at()", () => {
  it("18:00 on 24 December 2026 in New York (EST, UTC-5) is 23:00Z, once", () => {
    expect(next("at(2026-12-24T18:00:00)", "2026-11-29T00:00:00Z", "America/New_York")).toBe(
      "2026-12-24T23:00:00.000Z",
    );
    expect(next("at(2026-12-24T18:00:00)", "2026-12-24T23:00:00Z", "America/New_York")).toBeUndefined();
  });

  it("ignores StartDate and EndDate", () => {
    const window: FireWindow = { ...always, startMs: at("2027-01-01T00:00:00Z"), endMs: at("2026-12-01T00:00:00Z") };
    expect(next("at(2026-12-24T18:00:00)", "2026-11-29T00:00:00Z", "UTC", window)).toBe("2026-12-24T18:00:00.000Z");
  });
});

describe("rate(), StartDate and EndDate", () => {
  const anchor = at("2026-11-29T10:00:00Z");

  it("a schedule fires at its anchor, then every period; a rule one period after its anchor", () => {
    const scheduleWindow: FireWindow = { anchorMs: anchor, rateFiresAtAnchor: true };
    const ruleWindow: FireWindow = { anchorMs: anchor, rateFiresAtAnchor: false };
    expect(next("rate(5 minutes)", "2026-11-29T09:59:59Z", "UTC", scheduleWindow)).toBe("2026-11-29T10:00:00.000Z");
    expect(next("rate(5 minutes)", "2026-11-29T10:00:00Z", "UTC", scheduleWindow)).toBe("2026-11-29T10:05:00.000Z");
    expect(next("rate(5 minutes)", "2026-11-29T09:59:59Z", "UTC", ruleWindow)).toBe("2026-11-29T10:05:00.000Z");
    expect(next("rate(5 minutes)", "2026-11-29T10:07:00Z", "UTC", ruleWindow)).toBe("2026-11-29T10:10:00.000Z");
  });

  it("counts a rate from StartDate, and stops at EndDate", () => {
    const window: FireWindow = {
      anchorMs: anchor,
      rateFiresAtAnchor: true,
      startMs: at("2026-12-01T06:00:00Z"),
      endMs: at("2026-12-01T08:30:00Z"),
    };
    expect(next("rate(1 hour)", "2026-11-29T10:00:00Z", "UTC", window)).toBe("2026-12-01T06:00:00.000Z");
    expect(next("rate(1 hour)", "2026-12-01T07:00:00Z", "UTC", window)).toBe("2026-12-01T08:00:00.000Z");
    expect(next("rate(1 hour)", "2026-12-01T08:00:00Z", "UTC", window)).toBeUndefined();
  });

  it("a cron fires no earlier than StartDate (at it, if it matches) and not after EndDate", () => {
    const window: FireWindow = { ...always, startMs: at("2026-11-29T15:00:00Z"), endMs: at("2026-11-29T17:00:00Z") };
    expect(next("cron(0 * * * ? *)", "2026-11-29T12:10:00Z", "UTC", window)).toBe("2026-11-29T15:00:00.000Z");
    expect(next("cron(0 * * * ? *)", "2026-11-29T16:00:00Z", "UTC", window)).toBe("2026-11-29T17:00:00.000Z");
    expect(next("cron(0 * * * ? *)", "2026-11-29T17:00:00Z", "UTC", window)).toBeUndefined();
  });
});
