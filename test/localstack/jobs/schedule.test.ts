import { parseScheduleArgs } from "#local/jobs/schedule";
import { parseScheduledTime } from "#local/lambda-service/schedules/scheduled-event";

describe("parseScheduledTime", () => {
  test.each([
    ["2026-11-29T12:00:00Z", "2026-11-29T12:00:00.000Z"],
    ["2026-11-29T12:00Z", "2026-11-29T12:00:00.000Z"],
    ["2026-11-29T13:00:00+01:00", "2026-11-29T12:00:00.000Z"],
    ["2024-02-29T00:00:00.5Z", "2024-02-29T00:00:00.500Z"],
  ])("%s is %s", (text, iso) => {
    expect(new Date(parseScheduledTime(text)).toISOString()).toBe(iso);
  });

  test.each([
    ["2026-11-29T12", /is not a scheduled time/],
    ["2026-11-29 12:00:00Z", /is not a scheduled time/],
    ["2026-11-29T12:00:00", /with its zone/],
    ["tomorrow", /is not a scheduled time/],
    ["2026-02-29T00:00:00Z", /is not a real date and time/],
    ["2026-11-31T00:00:00Z", /is not a real date and time/],
    ["2026-11-29T24:00:00Z", /is not a real date and time/],
    ["2026-13-01T00:00:00Z", /is not a real date and time/],
  ])("refuses %s", (text, message) => {
    expect(() => parseScheduledTime(text)).toThrow(message);
  });
});

describe("schedule run's arguments", () => {
  test("a name, and a scheduled time when given", () => {
    expect(parseScheduleArgs(["run", "sluice-hourly-ingest"])).toEqual({ name: "sluice-hourly-ingest" });
    expect(parseScheduleArgs(["run", "sluice-hourly-ingest", "--at", "2026-11-29T12:00:00Z"])).toEqual({
      name: "sluice-hourly-ingest",
      at: "2026-11-29T12:00:00Z",
    });
  });

  test.each([
    [[], /needs an action: run/],
    [["go", "x"], /unknown action "go"/],
    [["run"], /needs the schedule's name/],
    [["run", "a", "b"], /unexpected arguments: b/],
    [["run", "a", "--at"], /argument missing/],
    [["run", "a", "--when", "x"], /Unknown option '--when'/],
    [["run", "a", "--at", "noon"], /"noon" is not a scheduled time/],
  ])("%j is refused with the usage", (args, message) => {
    expect(() => parseScheduleArgs(args)).toThrow(message);
  });
});
