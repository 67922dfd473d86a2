/**
 * What the tracker stage reads from its environment; the stack builds it with `trackerEnvironment`.
 */
import { z } from "zod";
import { type EnvironmentOf, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";
import { TRACKED_MARK } from "#tweets/tweet";

/**
 * The filter of the tracker's event-source mapping: tweets the producer marked with tracked keywords. Lambda's filters
 * have no substring match, so the text cannot be searched there. `exists` on a list the producer leaves out unless it
 * is non-empty reads the same under AWS's EventBridge semantics (a non-empty list of strings has leaves) and the
 * local service's.
 */
export const TRACKER_FILTER = { value: { [TRACKED_MARK]: [{ exists: true }] } } as const;

/** Keywords travel as JSON (a keyword may hold a comma). */
const envKeywords = envString.transform((text, ctx) => {
  try {
    const list: unknown = JSON.parse(text);
    if (Array.isArray(list) && list.length > 0 && list.every((k) => typeof k === "string" && k.trim() !== "")) {
      return list as string[];
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: 'expected a JSON list of keywords, e.g. ["corona virus","COVID-19"]' });
  return z.NEVER;
});

export const TRACKER_SETTINGS = {
  ...STAGE_SETTINGS,
  /** The tracker's counters, receipts and rejections. */
  TRACKER_TABLE: envString,
  /** The keywords tracked, as a JSON list. */
  TRACKED_KEYWORDS: envKeywords,
};
export const TrackerSettingsSchema = z.object(TRACKER_SETTINGS);

export function trackerEnvironment(props: {
  readonly table: string;
  readonly keywords: readonly string[];
}): EnvironmentOf<typeof TRACKER_SETTINGS> {
  return { TRACKER_TABLE: props.table, TRACKED_KEYWORDS: JSON.stringify(props.keywords) };
}
