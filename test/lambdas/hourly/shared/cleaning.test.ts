import { checkHeader, HourCleaner, judgeRow, noRejections, parseTime } from "#hourly/cleaning";
import { COLUMNS, type RowRejection } from "#hourly/csv-schema";
import { observationSchema } from "#hourly/observation";

const HOUR = "2026-11-29T10";
const good = ["10637", "2026-11-29 10:00:00", "4.2", "1.1", "80", "0.3", "250", "11.2", "1013.4"];
const withCell = (index: number, value: string) => good.map((c, i) => (i === index ? value : c));

describe("checkHeader", () => {
  test("the declared header passes, in any case and with spaces around names", () => {
    expect(checkHeader([...COLUMNS])).toBeUndefined();
    expect(checkHeader(COLUMNS.map((c) => ` ${c.toUpperCase()} `))).toBeUndefined();
  });
  test.each([
    ["a missing column", COLUMNS.slice(0, 8)],
    ["an extra column", [...COLUMNS, "coco"]],
    ["columns in another order", ["time", "station", ...COLUMNS.slice(2)]],
    ["another data set's header", ["date", "value"]],
  ])("%s is a bad header", (_name, header) => {
    expect(checkHeader(header)).toBe("bad-header");
  });
  test("no header at all is an empty file", () => {
    expect(checkHeader(undefined)).toBe("empty-file");
  });
});

describe("parseTime", () => {
  test.each([
    ["2026-11-29 10:00:00", "2026-11-29T10:00:00.000Z"],
    ["2026-11-29 10:00", "2026-11-29T10:00:00.000Z"],
    ["2026-11-29T10:00:00Z", "2026-11-29T10:00:00.000Z"],
    ["2026-11-29T10:00:00", "2026-11-29T10:00:00.000Z"],
    ["2026-11-29T11:30:00+01:00", "2026-11-29T10:30:00.000Z"],
  ])("%s is %s", (raw, iso) => {
    expect(new Date(parseTime(raw) ?? Number.NaN).toISOString()).toBe(iso);
  });
  test.each(["yesterday", "2026-11-29", "2026-13-01 10:00:00", "2026-02-30 10:00:00", "1764410400"])(
    "%s is not a time",
    (raw) => {
      expect(parseTime(raw)).toBeUndefined();
    },
  );
});

describe("judgeRow", () => {
  test("a good row becomes an observation of the contract, keyed by its run", () => {
    const verdict = judgeRow(good, HOUR, 2);
    expect(verdict).toEqual({
      ok: true,
      observation: {
        station: "10637",
        time: "2026-11-29T10:00:00.000Z",
        temp: 4.2,
        dwpt: 1.1,
        rhum: 80,
        prcp: 0.3,
        wdir: 250,
        wspd: 11.2,
        pres: 1013.4,
        run: { hour: HOUR, attempt: 2 },
      },
    });
    expect(verdict.ok && observationSchema.parse(verdict.observation)).toBeTruthy();
  });

  test("missing values: temp rejects, prcp is filled with 0, the others become null", () => {
    expect(judgeRow(withCell(2, ""), HOUR, 1)).toEqual({ ok: false, reason: "missing-temp" });
    const filled = judgeRow(["10637", "2026-11-29 10:00:00", "4.2", "", "", "", "", "", ""], HOUR, 1);
    expect(filled.ok && filled.observation).toMatchObject({
      dwpt: null,
      rhum: null,
      prcp: 0,
      wdir: null,
      wspd: null,
      pres: null,
    });
  });

  test("cells are trimmed before they are judged", () => {
    const verdict = judgeRow(
      good.map((c) => ` ${c} `),
      HOUR,
      1,
    );
    expect(verdict.ok && verdict.observation.station).toBe("10637");
  });

  test.each<[string, string[], RowRejection]>([
    ["too few cells", good.slice(0, 8), "wrong-column-count"],
    ["too many cells", [...good, "x"], "wrong-column-count"],
    ["no station", withCell(0, ""), "missing-station"],
    ["a station with spaces", withCell(0, "bad station"), "invalid-station"],
    ["a station over 32 characters", withCell(0, "s".repeat(33)), "invalid-station"],
    ["no time", withCell(1, ""), "missing-time"],
    ["a time that is not one", withCell(1, "noon"), "invalid-time"],
    ["a time of another hour", withCell(1, "2026-11-29 11:00:00"), "outside-hour"],
    ["a time of the hour before", withCell(1, "2026-11-29 09:59:59"), "outside-hour"],
    ["a word for temp", withCell(2, "warm"), "invalid-number"],
    ["a comma decimal", withCell(2, "4,2"), "invalid-number"],
    ["NaN", withCell(3, "NaN"), "invalid-number"],
    ["Infinity", withCell(4, "Infinity"), "invalid-number"],
    ["a number with a unit", withCell(7, "11 km/h"), "invalid-number"],
    ["a temp of 99 °C", withCell(2, "99"), "out-of-range"],
    ["a humidity over 100 %", withCell(4, "101"), "out-of-range"],
    ["negative precipitation", withCell(5, "-1"), "out-of-range"],
    ["a wind direction of 400°", withCell(6, "400"), "out-of-range"],
    ["a pressure of 10 hPa", withCell(8, "10"), "out-of-range"],
  ])("%s: %s", (_name, row, reason) => {
    expect(judgeRow(row, HOUR, 1)).toEqual({ ok: false, reason });
  });

  test("the first failing check names the reason (shape before values)", () => {
    expect(judgeRow(["", "noon", "warm"], HOUR, 1)).toEqual({ ok: false, reason: "wrong-column-count" });
    expect(
      judgeRow(
        withCell(1, "noon").map((c, i) => (i === 2 ? "warm" : c)),
        HOUR,
        1,
      ),
    ).toEqual({
      ok: false,
      reason: "invalid-time",
    });
  });
});

describe("HourCleaner", () => {
  test("drops exact duplicates and second rows of a key, first one wins, and counts every reason", () => {
    const cleaner = new HourCleaner(HOUR, 1);
    const other = withCell(0, "10729");
    const sameKeyOtherValues = withCell(2, "5.0");
    const rows = [good, other, good, sameKeyOtherValues, withCell(2, "warm"), withCell(2, "warm"), withCell(1, "")];
    const verdicts = rows.map((r) => cleaner.add(r));
    expect(verdicts.map((v) => (v.ok ? "kept" : v.reason))).toEqual([
      "kept",
      "kept",
      "duplicate-row",
      "duplicate-key",
      "invalid-number",
      "duplicate-row",
      "missing-time",
    ]);
    expect(cleaner.summary()).toEqual({
      fetched: 7,
      kept: 2,
      rejected: { ...noRejections(), "duplicate-row": 2, "duplicate-key": 1, "invalid-number": 1, "missing-time": 1 },
    });
    expect(cleaner.kept.map((o) => [o.station, o.temp])).toEqual([
      ["10637", 4.2],
      ["10729", 4.2],
    ]);
  });

  test("the same instant written two ways is one key", () => {
    const cleaner = new HourCleaner(HOUR, 1);
    cleaner.add(good);
    expect(cleaner.add(withCell(1, "2026-11-29T10:00:00Z"))).toEqual({ ok: false, reason: "duplicate-key" });
  });

  test("an hour that is not one is refused up front", () => {
    expect(() => new HourCleaner("2026-11-29 10", 1)).toThrow(/not an hour/);
  });
});
