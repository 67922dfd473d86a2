/**
 * The hourly pipeline's message on `observations`: one cleaned row of an hourly weather CSV in Meteostat's
 * hourly shape (station, time, temp, dwpt, rhum, prcp, wdir, wspd, pres), keyed by station. Ingest produces it,
 * the lake writer stores it; `run` says which scheduled hour and attempt produced it, for the run records and
 * the logs. Units as Meteostat's: °C, %, mm, degrees, km/h, hPa; a missing measurement is null.
 */
import { z } from "zod";

/** `YYYY-MM-DDTHH`: the hour a run ingests (UTC), also the lake partition `dt=YYYY-MM-DD/hour=HH`. */
export const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

const measurement = z.number().finite().nullable();

export const observationSchema = z.object({
  station: z.string().min(1).max(32),
  /** The observation's time, ISO 8601 in UTC (`2026-11-29T13:00:00.000Z`). */
  time: z.string().datetime(),
  temp: measurement,
  dwpt: measurement,
  rhum: measurement,
  prcp: measurement,
  wdir: measurement,
  wspd: measurement,
  pres: measurement,
  run: z.object({ hour: z.string().regex(HOUR), attempt: z.number().int().min(1) }),
});

export type Observation = z.infer<typeof observationSchema>;

/** The lake partition of an observation: its own time's UTC date and hour. */
export function partitionOf(time: string): { dt: string; hour: string } {
  const iso = new Date(time).toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}
