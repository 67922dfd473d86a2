/**
 * Where the lake's objects are: `lake/observations/dt=YYYY-MM-DD/hour=HH/<topic>-<partition>-<offset>.parquet`
 * (Hive partitions of the observation's own date and hour). The writer names keys from it (`lake/lake.ts`); the
 * local report and the dashboard read partitions back from keys with it.
 */

export const LAKE_PREFIX = "lake/observations";

const KEY = /^lake\/observations\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/[^/]+\.parquet$/;

/** The Hive partition of a lake object's key, or undefined for a key that is not a lake object. */
export function partitionOfKey(key: string): { dt: string; hour: string } | undefined {
  const m = KEY.exec(key);
  return m ? { dt: m[1] as string, hour: m[2] as string } : undefined;
}

/** The key prefix of a day's partitions (`YYYY-MM-DD`), or of one hour's (`YYYY-MM-DDTHH`). */
export function partitionPrefix(dayOrHour: string): string {
  const day = `${LAKE_PREFIX}/dt=${dayOrHour.slice(0, 10)}/`;
  return dayOrHour.length > 10 ? `${day}hour=${dayOrHour.slice(11, 13)}/` : day;
}
