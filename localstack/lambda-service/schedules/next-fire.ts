/**
 * When a schedule fires next, as a pure function of the expression, the zone and "now": cron fields are
 * matched on the wall clock of the schedule's IANA zone (Intl), so daylight-saving changes behave as
 * EventBridge Scheduler documents — a wall time skipped when clocks spring forward does not fire, and a
 * wall time repeated when they fall back fires once.
 */
import type { CronFields, ScheduleExpression, WallTime } from "./expressions";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall time of an instant in a zone. */
export function wallTimeOf(instantMs: number, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function asUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/**
 * The instant a wall time names in a zone: the earlier one when it occurs twice (clocks fall back), undefined
 * when it does not occur at all (clocks spring forward over it).
 */
export function instantOf(w: WallTime, zone: string): number | undefined {
  const naive = asUtc(w);
  const candidates = new Set<number>();
  for (const probe of [naive - 86_400_000, naive, naive + 86_400_000]) {
    const offset = asUtc(wallTimeOf(probe, zone)) - probe;
    candidates.add(naive - offset);
  }
  const matching = [...candidates].filter((t) => asUtc(wallTimeOf(t, zone)) === naive).sort((a, b) => a - b);
  return matching[0];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday, as AWS's cron numbers them. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekday(year: number, month: number, target: number): number | undefined {
  const last = daysInMonth(year, month);
  if (target > last) return undefined;
  const wd = weekday(year, month, target);
  if (wd >= 2 && wd <= 6) return target;
  if (wd === 7) return target === 1 ? 3 : target - 1; // Saturday: the Friday before, or Monday the 3rd
  return target === last ? target - 2 : target + 1; // Sunday: the Monday after, or Friday before the end
}

function dayMatches(f: CronFields, year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  if (day > last) return false;
  const dom = f.dayOfMonth;
  if (dom) {
    return (
      dom.days.includes(day) ||
      (dom.last && day === last) ||
      dom.nearestWeekday.some((t) => nearestWeekday(year, month, t) === day)
    );
  }
  const dow = f.dayOfWeek;
  if (!dow) return false;
  const wd = weekday(year, month, day);
  return (
    dow.days.includes(wd) ||
    (dow.lastOfMonth.includes(wd) && day + 7 > last) ||
    dow.nth.some((n) => n.day === wd && Math.ceil(day / 7) === n.n)
  );
}

/** The first instant strictly after `afterMs` whose wall time in `zone` matches the cron fields. */
export function nextCronFire(f: CronFields, afterMs: number, zone: string): number | undefined {
  const start = wallTimeOf(afterMs, zone);
  for (const year of f.years) {
    if (year < start.year) continue;
    for (const month of f.months) {
      if (year === start.year && month < start.month) continue;
      for (let day = 1; day <= 31; day++) {
        if (year === start.year && month === start.month && day < start.day) continue;
        if (!dayMatches(f, year, month, day)) continue;
        const today = year === start.year && month === start.month && day === start.day;
        for (const hour of f.hours) {
          if (today && hour < start.hour) continue;
          for (const minute of f.minutes) {
            const t = instantOf({ year, month, day, hour, minute, second: 0 }, zone);
            if (t !== undefined && t > afterMs) return t;
          }
        }
      }
    }
  }
  return undefined;
}

export interface FireWindow {
  /** Scheduler's StartDate / EndDate (epoch ms); ignored for at(). */
  readonly startMs?: number;
  readonly endMs?: number;
  /** Where a rate() counts from when there is no StartDate: when the schedule was loaded. */
  readonly anchorMs: number;
  /** Whether a rate() fires at its anchor (Scheduler: "starts invoking immediately") or one period later (rules). */
  readonly rateFiresAtAnchor: boolean;
}

/** The next firing strictly after `afterMs` (or at it, for a rate's very first firing), or undefined: never again. */
export function nextFire(
  expression: ScheduleExpression,
  zone: string,
  window: FireWindow,
  afterMs: number,
): number | undefined {
  let t: number | undefined;
  if (expression.kind === "at") {
    t = instantOf(expression.wallTime, zone);
    return t !== undefined && t > afterMs ? t : undefined;
  }
  const from = Math.max(afterMs, (window.startMs ?? Number.NEGATIVE_INFINITY) - 1);
  if (expression.kind === "cron") t = nextCronFire(expression.fields, from, zone);
  else {
    const anchor = window.startMs ?? window.anchorMs;
    const first = window.rateFiresAtAnchor ? anchor : anchor + expression.periodMs;
    t = from < first ? first : first + (Math.floor((from - first) / expression.periodMs) + 1) * expression.periodMs;
  }
  if (t === undefined || (window.endMs !== undefined && t > window.endMs)) return undefined;
  return t;
}
