import { noRejections } from "#hourly/cleaning";
import type { RunRecord } from "#hourly/run-records";
import { firingFor } from "#local/jobs/hourly/job";
import { formatHourSummaries, formatPartitions, summarizeHour } from "#local/jobs/hourly/summary";

const hour = "2026-11-29T11";
const attempt = (n: number, fields: Partial<RunRecord>): RunRecord =>
  ({
    hour,
    id: `run#0${n}`,
    runId: "run",
    attempt: n,
    sourceUrl: "http://sample/x.csv",
    startedAt: `2026-11-29T19:0${n}:00.000Z`,
    ...fields,
  }) as RunRecord;
const partitions = [{ dt: "2026-11-29", hour: "11", objects: 3, rows: 300 }];

test("one line per hour: attempts counted, the last attempt's counts, the lake's rows, retry delays in the time", () => {
  const rejected = { ...noRejections(), "duplicate-row": 11, "missing-temp": 4 };
  const s = summarizeHour(
    hour,
    [
      attempt(3, {
        status: "published",
        fetched: 326,
        kept: 300,
        published: 300,
        rejected,
        finishedAt: "2026-11-29T19:03:01.500Z",
      }),
      attempt(1, { status: "failed", error: "HTTP 503" }),
      attempt(2, { status: "failed", error: "HTTP 503" }),
    ],
    partitions,
  );
  expect(s).toEqual({
    hour,
    attempts: 3,
    status: "published",
    fetched: 326,
    kept: 300,
    published: 300,
    rejected: "duplicate-row 11, missing-temp 4",
    lakeRows: 300,
    seconds: 121.5,
  });
  expect(formatHourSummaries([s]).split("\n")[1]).toBe(
    "2026-11-29T11         3  published              326   300        300      300    121.5  duplicate-row 11, missing-temp 4",
  );
});

test("a refused file and a failed hour say why; an hour not started says so", () => {
  const refused = attempt(1, { status: "rejected-file", reason: "bad-header", finishedAt: "2026-11-29T19:01:00.100Z" });
  expect(summarizeHour(hour, [refused], [])).toMatchObject({
    status: "rejected-file",
    rejected: "file: bad-header",
    lakeRows: 0,
  });
  const failed = attempt(1, {
    status: "failed",
    error: "fetching http://127.0.0.1:7580/hourly/observations/x.csv failed: HTTP 503 from http://127.0.0.1:7580/x.csv",
  });
  expect(summarizeHour(hour, [failed], [])).toMatchObject({
    status: "failed",
    rejected: "last error: fetching the source failed: HTTP 503",
  });
  expect(summarizeHour(hour, [], [])).toMatchObject({ attempts: 0, status: "not started", seconds: undefined });
});

test("the partitions table, and the firing that ingests an hour", () => {
  expect(formatPartitions(partitions)).toBe(
    "partition                    objects   rows\ndt=2026-11-29/hour=11              3    300",
  );
  expect(formatPartitions([])).toBe("(no partitions)");
  expect(firingFor("2026-11-29T23")).toBe("2026-11-30T00:00:00.000Z");
});
