/**
 * Applies the declared rules of `csv-schema.ts` to an hour's rows, one at a time as the parser yields them:
 * each row is kept (as an observation) or counted under one rejection reason. Pure: no I/O, no clock.
 */
import {
  COLUMNS,
  type FileRejection,
  MAX_STATION_LENGTH,
  MEASUREMENT_RULES,
  MEASUREMENTS,
  type MeasurementColumn,
  ROW_REJECTIONS,
  type RowRejection,
} from "./csv-schema";
import { hourStartMs } from "./hour";
import type { Observation } from "./observation";

const HOUR_MS = 3_600_000;
const METEOSTAT_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const STATION = /^[A-Za-z0-9_.-]+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export type RowVerdict =
  | { readonly ok: true; readonly observation: Observation }
  | { readonly ok: false; readonly reason: RowRejection };

export type RejectionCounts = Record<RowRejection, number>;

export interface CleaningSummary {
  /** Data rows read (the header not counted). */
  readonly fetched: number;
  readonly kept: number;
  readonly rejected: RejectionCounts;
}

/** A zero for every row rejection, so a run record always lists them all. */
export function noRejections(): RejectionCounts {
  return Object.fromEntries(ROW_REJECTIONS.map((r) => [r, 0])) as RejectionCounts;
}

/** Whether a header row is the declared one; undefined when it is, else why the file is refused. */
export function checkHeader(header: readonly string[] | undefined): FileRejection | undefined {
  if (header === undefined) return "empty-file";
  const names = header.map((h) => h.trim().toLowerCase());
  const same = names.length === COLUMNS.length && names.every((name, i) => name === COLUMNS[i]);
  return same ? undefined : "bad-header";
}

/** The UTC instant of a `time` cell, or undefined when it is not one of the accepted forms. */
export function parseTime(raw: string): number | undefined {
  const meteostat = METEOSTAT_TIME.exec(raw);
  const text = meteostat ? `${meteostat[1]}T${meteostat[2]}Z` : ISO_WITH_ZONE.test(raw) ? raw : undefined;
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 30 February over into March: a calendar date must come back as written.
  if (meteostat && new Date(ms).toISOString().slice(0, 10) !== meteostat[1]) return undefined;
  return ms;
}

type Measured = { ok: true; value: number | null } | { ok: false; reason: RowRejection };

function measure(column: MeasurementColumn, raw: string): Measured {
  const rule = MEASUREMENT_RULES[column];
  if (raw === "") {
    if (rule.missing.kind === "reject") return { ok: false, reason: "missing-temp" };
    return { ok: true, value: rule.missing.kind === "fill" ? rule.missing.value : null };
  }
  if (!NUMBER.test(raw)) return { ok: false, reason: "invalid-number" };
  const value = Number(raw);
  if (!Number.isFinite(value)) return { ok: false, reason: "invalid-number" };
  if (value < rule.min || value > rule.max) return { ok: false, reason: "out-of-range" };
  return { ok: true, value };
}

/** One row's verdict on its own (no duplicate checks): its shape, then its station and time, then its values. */
export function judgeRow(row: readonly string[], hour: string, attempt: number): RowVerdict {
  if (row.length !== COLUMNS.length) return { ok: false, reason: "wrong-column-count" };
  const cells = row.map((c) => c.trim());
  const [station = "", time = ""] = cells;
  if (station === "") return { ok: false, reason: "missing-station" };
  if (station.length > MAX_STATION_LENGTH || !STATION.test(station)) return { ok: false, reason: "invalid-station" };
  if (time === "") return { ok: false, reason: "missing-time" };
  const ms = parseTime(time);
  if (ms === undefined) return { ok: false, reason: "invalid-time" };
  const start = hourStartMs(hour);
  if (ms < start || ms >= start + HOUR_MS) return { ok: false, reason: "outside-hour" };
  const values: Partial<Record<MeasurementColumn, number | null>> = {};
  for (const [i, column] of MEASUREMENTS.entries()) {
    const measured = measure(column, cells[i + 2] ?? "");
    if (!measured.ok) return measured;
    values[column] = measured.value;
  }
  const m = values as Record<MeasurementColumn, number | null>;
  return {
    ok: true,
    observation: {
      station,
      time: new Date(ms).toISOString(),
      temp: m.temp,
      dwpt: m.dwpt,
      rhum: m.rhum,
      prcp: m.prcp,
      wdir: m.wdir,
      wspd: m.wspd,
      pres: m.pres,
      run: { hour, attempt },
    },
  };
}

/**
 * The rows of one hour, judged in file order: an exact copy of an earlier line is `duplicate-row` (whatever
 * the line holds), a second kept row for the same station and time is `duplicate-key` (the first one wins).
 */
export class HourCleaner {
  private readonly lines = new Set<string>();
  private readonly keys = new Set<string>();
  private readonly rejected = noRejections();
  private fetched = 0;
  readonly kept: Observation[] = [];

  constructor(
    private readonly hour: string,
    private readonly attempt: number,
  ) {
    hourStartMs(hour);
  }

  add(row: readonly string[]): RowVerdict {
    this.fetched++;
    const verdict = this.judge(row);
    if (verdict.ok) this.kept.push(verdict.observation);
    else this.rejected[verdict.reason]++;
    return verdict;
  }

  summary(): CleaningSummary {
    return { fetched: this.fetched, kept: this.kept.length, rejected: { ...this.rejected } };
  }

  private judge(row: readonly string[]): RowVerdict {
    const line = JSON.stringify(row);
    if (this.lines.has(line)) return { ok: false, reason: "duplicate-row" };
    this.lines.add(line);
    const verdict = judgeRow(row, this.hour, this.attempt);
    if (!verdict.ok) return verdict;
    const key = `${verdict.observation.station}\u0000${verdict.observation.time}`;
    if (this.keys.has(key)) return { ok: false, reason: "duplicate-key" };
    this.keys.add(key);
    return verdict;
  }
}
