/**
 * The hourly pipeline's offline source: `/hourly/observations/<YYYY-MM-DDTHH>.csv`, an hourly-changing CSV in
 * Meteostat's hourly shape (10 stations, a row every 2 minutes: 300 good rows an hour) with bad rows mixed in.
 *
 * Each hour DECLARES what ingest must make of it, counted while the file is built (each bad row is made to be bad
 * in one way only), never by running the product's rules. A few sample hours behave badly on purpose:
 *
 * | hour            | behaviour                                   | declared                             |
 * | --------------- | ------------------------------------------- | ------------------------------------ |
 * | 2026-11-29T10   | a normal hour                               | published on attempt 1               |
 * | 2026-11-29T11   | answers 503 twice, then the file (repeating)| published on attempt 3               |
 * | 2026-11-29T12   | always answers 503                          | failed after 3 attempts              |
 * | 2026-11-29T13   | every other answer is cut inside a row      | published on attempt 2               |
 * | 2026-11-29T14   | another data set's header                   | rejected-file (bad-header), 1 attempt|
 * | any other hour  | a normal hour                               | published on attempt 1               |
 */
import { Rng } from "../prng";

export const HOURLY_ROUTE = "/hourly/observations/";
export const HOURLY_HEADER = "station,time,temp,dwpt,rhum,prcp,wdir,wspd,pres";
const STATIONS = ["10637", "10729", "10865", "10382", "10513", "10147", "10400", "10738", "10870", "10488"];
const GOOD_TIMES_PER_STATION = 30;

export type HourBehaviour = "normal" | "503-twice" | "always-503" | "truncated-once" | "bad-header";

export const SAMPLE_HOURS: Readonly<Record<string, HourBehaviour>> = {
  "2026-11-29T10": "normal",
  "2026-11-29T11": "503-twice",
  "2026-11-29T12": "always-503",
  "2026-11-29T13": "truncated-once",
  "2026-11-29T14": "bad-header",
};

export interface DeclaredHour {
  readonly hour: string;
  readonly behaviour: HourBehaviour;
  readonly status: "published" | "failed" | "rejected-file";
  /** Attempts ingest makes (Lambda's 1 + 2 retries at most). */
  readonly attempts: number;
  readonly fetched: number;
  readonly kept: number;
  /** Rows rejected, by reason; reasons not listed are 0. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Kept rows with at least one measurement left empty (kept, with nulls or prcp 0). */
  readonly keptWithGaps: number;
}

export interface HourlyFile {
  readonly body: string;
  readonly declared: DeclaredHour;
}

const pad = (n: number) => String(n).padStart(2, "0");
const fixed = (v: number) => v.toFixed(1);

/** The CSV of an hour and what it must produce. Same hour, same bytes. */
export function hourlyFile(hour: string): HourlyFile {
  const behaviour = SAMPLE_HOURS[hour] ?? "normal";
  const rng = new Rng("hourly", hour);
  const day = hour.slice(0, 10);
  const hh = hour.slice(11, 13);
  const time = (minute: number, second = 0) => `${day} ${hh}:${pad(minute)}:${pad(second)}`;
  const good: string[][] = [];
  let keptWithGaps = 0;
  for (const [s, station] of STATIONS.entries()) {
    for (let i = 0; i < GOOD_TIMES_PER_STATION; i++) {
      const temp = fixed(-5 + 20 * rng.next());
      const gaps = (s * GOOD_TIMES_PER_STATION + i) % 17 === 0; // every 17th row has empty measurements
      if (gaps) keptWithGaps++;
      good.push([
        station,
        time(i * 2),
        temp,
        gaps ? "" : fixed(Number(temp) - 3 * rng.next()),
        gaps ? "" : String(Math.round(40 + 60 * rng.next())),
        gaps ? "" : fixed(2 * rng.next()),
        gaps ? "" : String(Math.round(360 * rng.next())),
        fixed(30 * rng.next()),
        gaps ? "" : fixed(990 + 30 * rng.next()),
      ]);
    }
  }
  // Bad rows, each bad in exactly one way and unlike every other line (odd seconds: no good row has them).
  const copies = good.filter((_, i) => i % 29 === 3); // exact copies of good rows
  const sameKey = good.filter((_, i) => i % 41 === 7).map((r) => r.map((c, j) => (j === 2 ? fixed(Number(c) + 1) : c)));
  const missingTemp = [0, 1, 2, 3].map((k) => [
    STATIONS[k] ?? "",
    time(k * 2, 1),
    "",
    "1.0",
    "70",
    "0.0",
    "90",
    "5.0",
    "1010.0",
  ]);
  const wrongType = [4, 5, 6].map((k) => [
    STATIONS[k] ?? "",
    time(k * 2, 3),
    "n/a",
    "1.0",
    "70",
    "0.0",
    "90",
    "5.0",
    "1010.0",
  ]);
  const rows = [...good];
  const insert = (extra: string[][]) => {
    for (const row of extra) rows.splice(Math.floor(rng.next() * (rows.length + 1)), 0, row);
  };
  // Duplicates after their originals: a copy inserted before its original would make the original the copy.
  rows.push(...copies, ...sameKey);
  insert([...missingTemp, ...wrongType]);
  const header = behaviour === "bad-header" ? "date,station_id,temperature_c" : HOURLY_HEADER;
  const body = `${[header, ...rows.map((r) => r.join(","))].join("\n")}\n`;
  const fetched = rows.length;
  const published = behaviour !== "always-503" && behaviour !== "bad-header";
  return {
    body,
    declared: {
      hour,
      behaviour,
      status: behaviour === "always-503" ? "failed" : behaviour === "bad-header" ? "rejected-file" : "published",
      attempts: { normal: 1, "503-twice": 3, "always-503": 3, "truncated-once": 2, "bad-header": 1 }[behaviour],
      fetched: published ? fetched : 0,
      kept: published ? good.length : 0,
      rejected: published
        ? {
            "duplicate-row": copies.length,
            "duplicate-key": sameKey.length,
            "missing-temp": missingTemp.length,
            "invalid-number": wrongType.length,
          }
        : {},
      keptWithGaps: published ? keptWithGaps : 0,
    },
  };
}

/**
 * The answer to the `n`-th request (0-based) for an hour's file. The bad behaviours repeat (503, 503, file, 503, …;
 * cut, whole, cut, …) so every new run of the hour meets them again from its first attempt, as long as each run
 * ends before the next starts.
 */
export function hourlyAnswer(hour: string, n: number): { status: number; body: string } {
  const file = hourlyFile(hour);
  switch (file.declared.behaviour) {
    case "503-twice":
      return n % 3 < 2 ? { status: 503, body: "busy, try later\n" } : { status: 200, body: file.body };
    case "always-503":
      return { status: 503, body: "down\n" };
    case "truncated-once": {
      // The first answer stops a few characters into a row, as a transfer cut short would.
      const cut = file.body.indexOf("\n", Math.floor(file.body.length / 2)) + 7;
      return n % 2 === 0 ? { status: 200, body: file.body.slice(0, cut) } : { status: 200, body: file.body };
    }
    default:
      return { status: 200, body: file.body };
  }
}

/** The hour of a request path, or undefined when it is not `/hourly/observations/<hour>.csv`. */
export function hourOfPath(path: string): string | undefined {
  const m = /^\/hourly\/observations\/(\d{4}-\d{2}-\d{2}T\d{2})\.csv$/.exec(path);
  return m?.[1];
}
