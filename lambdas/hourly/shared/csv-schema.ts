/**
 * The hourly CSV as the ingest function expects it: Meteostat's hourly shape, one row per station and hour,
 * and the rules that turn a raw row into an observation or a rejection. Declared here, in one place, so the
 * cleaning code only applies them and the README and the tests can cite them.
 *
 * | column  | unit     | missing (empty) | range          |
 * | ------- | -------- | --------------- | -------------- |
 * | station | —        | reject          | 1–32 chars     |
 * | time    | UTC      | reject          | within the hour|
 * | temp    | °C       | reject          | -90 … 60       |
 * | dwpt    | °C       | null            | -90 … 60       |
 * | rhum    | %        | null            | 0 … 100        |
 * | prcp    | mm       | fill 0          | 0 … 500        |
 * | wdir    | degrees  | null            | 0 … 360        |
 * | wspd    | km/h     | null            | 0 … 500        |
 * | pres    | hPa      | null            | 850 … 1100     |
 *
 * `time` is Meteostat's `YYYY-MM-DD HH:MM:SS` (or with a `T`; UTC, as Meteostat's times are) or ISO 8601 with a zone.
 */

/** The header the file must start with, in this order; any other header makes the file permanently bad. */
export const COLUMNS = ["station", "time", "temp", "dwpt", "rhum", "prcp", "wdir", "wspd", "pres"] as const;
export type Column = (typeof COLUMNS)[number];
export type MeasurementColumn = Exclude<Column, "station" | "time">;
export const MEASUREMENTS: readonly MeasurementColumn[] = ["temp", "dwpt", "rhum", "prcp", "wdir", "wspd", "pres"];

/** What an empty measurement becomes: the row is rejected, the value is null, or a fixed value is filled in. */
export type MissingRule =
  | { readonly kind: "reject" }
  | { readonly kind: "null" }
  | { readonly kind: "fill"; readonly value: number };

export interface MeasurementRule {
  readonly missing: MissingRule;
  readonly min: number;
  readonly max: number;
}

export const MEASUREMENT_RULES: Readonly<Record<MeasurementColumn, MeasurementRule>> = {
  // A row without a temperature says nothing the lake's readers want: the one required measurement.
  temp: { missing: { kind: "reject" }, min: -90, max: 60 },
  dwpt: { missing: { kind: "null" }, min: -90, max: 60 },
  rhum: { missing: { kind: "null" }, min: 0, max: 100 },
  // Meteostat leaves precipitation empty when none was reported; the lake counts that as none.
  prcp: { missing: { kind: "fill", value: 0 }, min: 0, max: 500 },
  wdir: { missing: { kind: "null" }, min: 0, max: 360 },
  wspd: { missing: { kind: "null" }, min: 0, max: 500 },
  pres: { missing: { kind: "null" }, min: 850, max: 1100 },
};

export const MAX_STATION_LENGTH = 32;

/**
 * Why a row was not kept, in the order they are checked: an exact copy of an earlier line first, then the shape
 * of the row, then its values, then a second row for the same station and time (the first one wins).
 */
export const ROW_REJECTIONS = [
  "duplicate-row",
  "wrong-column-count",
  "missing-station",
  "invalid-station",
  "missing-time",
  "invalid-time",
  "outside-hour",
  "missing-temp",
  "invalid-number",
  "out-of-range",
  "duplicate-key",
] as const;
export type RowRejection = (typeof ROW_REJECTIONS)[number];

/** Why a whole file was refused without retrying: nothing about it gets better by waiting. */
export const FILE_REJECTIONS = ["bad-header", "empty-file", "malformed-csv"] as const;
export type FileRejection = (typeof FILE_REJECTIONS)[number];
