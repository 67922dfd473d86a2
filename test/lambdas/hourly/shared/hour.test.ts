import { hourOf, hourToIngest, ingestEventSchema, sourceUrlFor } from "#hourly/hour";

describe("the hour a run ingests", () => {
  test("a schedule's firing ingests the hour that has just ended", () => {
    expect(hourToIngest({ scheduledTime: "2026-11-29T11:00:00Z" })).toBe("2026-11-29T10");
    expect(hourToIngest({ scheduledTime: "2026-11-30T00:00:00Z" })).toBe("2026-11-29T23");
    expect(hourToIngest({ scheduledTime: "2026-11-29T11:59:59.999Z" })).toBe("2026-11-29T10");
  });
  test("a backfill names its hour", () => {
    expect(hourToIngest({ hour: "2026-11-29T10" })).toBe("2026-11-29T10");
    expect(() => hourToIngest({ hour: "2026-11-29T25" })).toThrow(/not a real hour/);
  });
  test("the event names exactly one of hour or scheduledTime", () => {
    expect(ingestEventSchema.safeParse({ hour: "2026-11-29T10", runId: "r" }).success).toBe(true);
    expect(ingestEventSchema.safeParse({ scheduledTime: "2026-11-29T11:00:00Z" }).success).toBe(true);
    expect(ingestEventSchema.safeParse({}).success).toBe(false);
    expect(ingestEventSchema.safeParse({ hour: "2026-11-29T10", scheduledTime: "2026-11-29T11:00:00Z" }).success).toBe(
      false,
    );
    expect(ingestEventSchema.safeParse({ hour: "2026-11-29 10" }).success).toBe(false);
  });
  test("hourOf and the URL template", () => {
    expect(hourOf(Date.parse("2026-11-29T10:59:00Z"))).toBe("2026-11-29T10");
    expect(sourceUrlFor("http://127.0.0.1:4580/hourly/observations/{hour}.csv", "2026-11-29T10")).toBe(
      "http://127.0.0.1:4580/hourly/observations/2026-11-29T10.csv",
    );
  });
});
