import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Observation } from "#hourly/observation";
import {
  decodeObservation,
  type LakeRow,
  lakeFiles,
  lakeKey,
  lakeParquet,
  toRow,
} from "../../../../lambdas/hourly/lake/lake";

const T = "observations";

function observation(station: string, time: string, overrides: Partial<Observation> = {}): Observation {
  return {
    station,
    time,
    temp: 4.5,
    dwpt: 1.2,
    rhum: 79,
    prcp: null,
    wdir: 230,
    wspd: 14.8,
    pres: 1012.3,
    run: { hour: "2026-11-29T13", attempt: 1 },
    ...overrides,
  };
}

const row = (partition: number, offset: number, station: string, time: string): LakeRow =>
  toRow(observation(station, time), { topic: T, partition, offset });

describe("decoding a record", () => {
  test("a valid observation decodes", () => {
    const o = observation("10637", "2026-11-29T13:00:00.000Z");
    expect(decodeObservation(JSON.stringify(o))).toEqual({ ok: true, observation: o });
  });

  test("an invalid record is rejected with the reason: which fields, or not JSON", () => {
    expect(decodeObservation("{oops")).toEqual({ ok: false, reason: "not-json" });
    expect(decodeObservation(undefined)).toEqual({ ok: false, reason: "not-json" });
    const bad = { ...observation("", "yesterday"), temp: "warm" };
    expect(decodeObservation(JSON.stringify(bad))).toEqual({ ok: false, reason: "invalid:station,temp,time" });
    expect(decodeObservation("42")).toEqual({ ok: false, reason: "invalid:value" });
  });
});

describe("the lake's objects", () => {
  test("a key names the Hive partition, the topic, the Kafka partition and the first offset (20 digits)", () => {
    expect(lakeKey({ dt: "2026-11-29", hour: "13" }, T, 2, 41)).toBe(
      "lake/observations/dt=2026-11-29/hour=13/observations-2-00000000000000000041.parquet",
    );
  });

  test("a row carries the observation's typed values, the run and the record's coordinates", () => {
    const o = observation("10637", "2026-11-29T13:00:00Z", { temp: null, run: { hour: "2026-11-29T14", attempt: 3 } });
    expect(toRow(o, { topic: T, partition: 1, offset: 7 })).toEqual({
      station: "10637",
      time: "2026-11-29T13:00:00.000Z",
      temp: null,
      dwpt: 1.2,
      rhum: 79,
      prcp: null,
      wdir: 230,
      wspd: 14.8,
      pres: 1012.3,
      run_hour: "2026-11-29T14",
      run_attempt: 3,
      kafka_topic: T,
      kafka_partition: 1,
      kafka_offset: 7,
    });
  });

  test("a batch spanning two hours and two Kafka partitions: one object per pair, named by its first offset, rows in offset order", () => {
    const files = lakeFiles([
      row(0, 12, "B", "2026-11-29T14:00:00.000Z"),
      row(0, 10, "A", "2026-11-29T13:00:00.000Z"),
      row(0, 11, "A", "2026-11-29T14:00:00.000Z"),
      row(1, 5, "C", "2026-11-29T13:59:59.000Z"),
      row(0, 13, "B", "2026-11-29T13:30:00.000Z"),
    ]);
    expect(files.map((f) => [f.key, f.rows.map((r) => r.kafka_offset)])).toEqual([
      ["lake/observations/dt=2026-11-29/hour=13/observations-0-00000000000000000010.parquet", [10, 13]],
      ["lake/observations/dt=2026-11-29/hour=13/observations-1-00000000000000000005.parquet", [5]],
      ["lake/observations/dt=2026-11-29/hour=14/observations-0-00000000000000000011.parquet", [11, 12]],
    ]);
  });

  test("an hour crossing midnight lands in the next day's partition", () => {
    const files = lakeFiles([row(0, 1, "A", "2026-11-29T23:00:00.000Z"), row(0, 2, "A", "2026-11-30T00:00:00.000Z")]);
    expect(files.map((f) => `${f.dt}/${f.hour}`)).toEqual(["2026-11-29/23", "2026-11-30/00"]);
  });

  test("two batches of one Kafka partition in one hour give two objects, not one overwritten", () => {
    const first = lakeFiles([row(0, 0, "A", "2026-11-29T13:00:00.000Z"), row(0, 1, "B", "2026-11-29T13:00:00.000Z")]);
    const second = lakeFiles([row(0, 2, "C", "2026-11-29T13:00:00.000Z")]);
    expect(new Set([...first, ...second].map((f) => f.key)).size).toBe(2);
  });

  test("a redelivered batch, its records in another order, gives the same keys and the same bytes", () => {
    const rows = [
      row(0, 10, "A", "2026-11-29T13:00:00.000Z"),
      row(0, 11, "B", "2026-11-29T13:00:00.000Z"),
      row(0, 12, "C", "2026-11-29T14:00:00.000Z"),
    ];
    const once = lakeFiles(rows).map((f) => [f.key, lakeParquet(f.rows)] as const);
    const again = lakeFiles([...rows].reverse()).map((f) => [f.key, lakeParquet(f.rows)] as const);
    expect(again.map(([k]) => k)).toEqual(once.map(([k]) => k));
    again.forEach(([, bytes], i) => {
      expect(bytes.equals(once[i]?.[1] as Buffer)).toBe(true);
    });
  });
});

describe("the Parquet, read back by DuckDB with Hive partitioning", () => {
  test("typed columns (time a TIMESTAMP, measurements nullable DOUBLE), dt and hour from the path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-lake-"));
    try {
      const rows = [
        row(0, 6, "10637", "2026-11-29T13:00:00.000Z"),
        toRow(observation("10738", "2026-11-29T13:00:00.000Z", { temp: null, pres: null }), {
          topic: T,
          partition: 0,
          offset: 7,
        }),
      ];
      for (const f of lakeFiles(rows)) {
        const path = join(dir, f.key);
        mkdirSync(join(path, ".."), { recursive: true });
        writeFileSync(path, lakeParquet(f.rows));
      }
      const duck = await DuckDBInstance.create(":memory:");
      const conn = await duck.connect();
      try {
        const source = `read_parquet('${dir}/lake/observations/*/*/*.parquet', hive_partitioning = true)`;
        const schema = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJson();
        expect(schema.map((c) => [c.column_name, c.column_type])).toEqual([
          ["station", "VARCHAR"],
          ["time", "TIMESTAMP"],
          ["temp", "DOUBLE"],
          ["dwpt", "DOUBLE"],
          ["rhum", "DOUBLE"],
          ["prcp", "DOUBLE"],
          ["wdir", "DOUBLE"],
          ["wspd", "DOUBLE"],
          ["pres", "DOUBLE"],
          ["run_hour", "VARCHAR"],
          ["run_attempt", "INTEGER"],
          ["kafka_topic", "VARCHAR"],
          ["kafka_partition", "INTEGER"],
          ["kafka_offset", "BIGINT"],
          ["dt", "DATE"],
          ["hour", "BIGINT"],
        ]);
        const read = (
          await conn.runAndReadAll(
            `SELECT station, time::VARCHAR AS time, temp, pres, dt::VARCHAR AS dt, hour FROM ${source} ORDER BY kafka_offset`,
          )
        ).getRowObjectsJson();
        expect(read).toEqual([
          { station: "10637", time: "2026-11-29 13:00:00", temp: 4.5, pres: 1012.3, dt: "2026-11-29", hour: "13" },
          { station: "10738", time: "2026-11-29 13:00:00", temp: null, pres: null, dt: "2026-11-29", hour: "13" },
        ]);
      } finally {
        conn.closeSync();
        duck.closeSync();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
