import { partitionOfKey, partitionPrefix } from "#hourly/lake-layout";
import { mergePartitions } from "#local/jobs/hourly/lake";

describe("the lake reader's pure parts", () => {
  test("a lake object's key gives its partition; other keys none", () => {
    expect(
      partitionOfKey("lake/observations/dt=2026-11-29/hour=07/observations-0-00000000000000000012.parquet"),
    ).toEqual({ dt: "2026-11-29", hour: "07" });
    expect(partitionOfKey("lake/observations/dt=2026-11-29/hour=07/notes.txt")).toBeUndefined();
    expect(partitionOfKey("datasets/faces/v1/topic=t/partition=0/t-0-1.parquet")).toBeUndefined();
  });

  test("objects counted from the keys and rows from DuckDB's counts, per partition in order", () => {
    const key = (dt: string, hour: string, offset: number) =>
      `lake/observations/dt=${dt}/hour=${hour}/observations-0-${String(offset).padStart(20, "0")}.parquet`;
    expect(
      mergePartitions(
        [key("2026-11-29", "14", 5), key("2026-11-29", "13", 0), key("2026-11-29", "13", 3), "lake/other"],
        [
          { dt: "2026-11-29", hour: "14", rows: 2 },
          { dt: "2026-11-29", hour: "13", rows: 7 },
        ],
      ),
    ).toEqual([
      { dt: "2026-11-29", hour: "13", objects: 2, rows: 7 },
      { dt: "2026-11-29", hour: "14", objects: 1, rows: 2 },
    ]);
  });
});

test("the prefix of a day's partitions and of one hour's", () => {
  expect(partitionPrefix("2026-11-29")).toBe("lake/observations/dt=2026-11-29/");
  expect(partitionPrefix("2026-11-29T07")).toBe("lake/observations/dt=2026-11-29/hour=07/");
  expect(partitionOfKey(`${partitionPrefix("2026-11-29T07")}observations-0-00000000000000000042.parquet`)).toEqual({
    dt: "2026-11-29",
    hour: "07",
  });
});
