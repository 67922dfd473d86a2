import { HourCleaner, noRejections } from "#hourly/cleaning";
import { readCsv, TruncatedBody } from "../../../lambdas/hourly/ingest/read-csv";
import { hourlyAnswer, hourlyFile, hourOfPath, SAMPLE_HOURS } from "../../../localstack/sample-web/cases/hourly";

/** What the product's rules make of a body; compared with what the sample declared while building it. */
async function cleaned(hour: string, body: string) {
  const csv = await readCsv(body);
  const cleaner = new HourCleaner(hour, 1);
  for await (const row of csv.rows) cleaner.add(row);
  return cleaner.summary();
}

describe("the sample web's hourly CSV", () => {
  test("a few hundred rows for 10 stations, the same bytes for the same hour and new ones each hour", () => {
    const a = hourlyFile("2026-11-29T10");
    expect(a.declared.fetched).toBeGreaterThan(300);
    expect(
      new Set(
        a.body
          .split("\n")
          .slice(1, -1)
          .map((l) => l.split(",")[0]),
      ).size,
    ).toBe(10);
    expect(hourlyFile("2026-11-29T10").body).toBe(a.body);
    expect(hourlyFile("2026-11-30T03").body).not.toBe(a.body);
  });

  test.each(["2026-11-29T10", "2026-11-29T11", "2026-11-29T13", "2026-11-30T03"])(
    "ingest's rules make of %s what the sample declares",
    async (hour) => {
      const { body, declared } = hourlyFile(hour);
      const summary = await cleaned(hour, body);
      expect(summary).toEqual({
        fetched: declared.fetched,
        kept: declared.kept,
        rejected: { ...noRejections(), ...declared.rejected },
      });
      expect(Object.values(declared.rejected).every((n) => n > 0)).toBe(true);
    },
  );

  test("the bad hours answer as declared", async () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => hourlyAnswer("2026-11-29T11", n).status)).toEqual([
      503, 503, 200, 503, 503, 200,
    ]);
    expect([0, 1, 2, 3].map((n) => hourlyAnswer("2026-11-29T12", n).status)).toEqual([503, 503, 503, 503]);
    await expect(cleaned("2026-11-29T13", hourlyAnswer("2026-11-29T13", 0).body)).rejects.toThrow(TruncatedBody);
    expect(hourlyAnswer("2026-11-29T13", 1).body).toBe(hourlyFile("2026-11-29T13").body);
    expect(hourlyAnswer("2026-11-29T13", 2).body).toBe(hourlyAnswer("2026-11-29T13", 0).body);
    expect(hourlyFile("2026-11-29T14").body.split("\n")[0]).not.toMatch(/^station,time/);
    expect(Object.keys(SAMPLE_HOURS)).toHaveLength(5);
  });

  test("only /hourly/observations/<hour>.csv is an hour", () => {
    expect(hourOfPath("/hourly/observations/2026-11-29T10.csv")).toBe("2026-11-29T10");
    expect(hourOfPath("/hourly/observations/2026-11-29.csv")).toBeUndefined();
  });
});
