/**
 * Which hour a run ingests, from the event that started it. The schedule fires at the top of an hour and
 * ingests the hour that has just ended (its file is complete then); a backfill names the hour itself.
 *
 * - schedule: `{ "scheduledTime": "<aws.scheduler.scheduled-time>", "runId": "<aws.scheduler.execution-id>" }`
 * - backfill: `{ "hour": "2026-11-29T10", "runId": "<uuid>" }`
 *
 * `runId` is the same in every attempt of one event (Lambda's async retries resend the same payload), so the
 * run records count attempts by it; an event without one falls back to the invocation's request id.
 */
import { z } from "zod";
import { HOUR } from "./observation";

const HOUR_MS = 3_600_000;

export const ingestEventSchema = z
  .object({
    hour: z.string().regex(HOUR, "expected YYYY-MM-DDTHH").optional(),
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
    runId: z.string().min(1).max(128).optional(),
  })
  .refine((e) => (e.hour === undefined) !== (e.scheduledTime === undefined), {
    message: "give exactly one of hour (YYYY-MM-DDTHH) or scheduledTime (ISO 8601)",
  });
export type IngestEvent = z.infer<typeof ingestEventSchema>;

/** `YYYY-MM-DDTHH` of an instant (UTC). */
export function hourOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/** The first millisecond of an hour. */
export function hourStartMs(hour: string): number {
  if (!HOUR.test(hour)) throw new Error(`"${hour}" is not an hour (YYYY-MM-DDTHH)`);
  const ms = Date.parse(`${hour}:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`"${hour}" is not a real hour`);
  return ms;
}

/** The hour an event asks for: its `hour`, or the hour before its `scheduledTime`. */
export function hourToIngest(event: IngestEvent): string {
  if (event.hour !== undefined) {
    hourStartMs(event.hour);
    return event.hour;
  }
  return hourOf(Date.parse(event.scheduledTime ?? "") - HOUR_MS);
}

/** The source URL of an hour: the template with `{hour}` replaced. */
export function sourceUrlFor(template: string, hour: string): string {
  return template.replaceAll("{hour}", encodeURIComponent(hour));
}
