/**
 * Schedule expressions as EventBridge (rules) and EventBridge Scheduler accept them: rate(), AWS's six-field
 * cron() (minutes hours day-of-month month day-of-week year, with ? * , - / L W #) and Scheduler's at().
 * Hand-written: the maintained npm cron libraries read Unix/Quartz fields (seconds first, Sunday = 0, no year
 * field), not AWS's order and numbering, so adapting one would cost more than this small parser.
 */

export interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Day-of-month; undefined when the field is `?`. */
  readonly dayOfMonth?: DayOfMonth;
  readonly months: readonly number[];
  /** Day-of-week (1 = Sunday … 7 = Saturday); undefined when the field is `?`. */
  readonly dayOfWeek?: DayOfWeek;
  readonly years: readonly number[];
}

export interface DayOfMonth {
  readonly days: readonly number[];
  /** `L`: the last day of the month. */
  readonly last: boolean;
  /** `nW`: the weekday nearest to day n (within the month). */
  readonly nearestWeekday: readonly number[];
}

export interface DayOfWeek {
  readonly days: readonly number[];
  /** `nL`: the last such weekday of the month. */
  readonly lastOfMonth: readonly number[];
  /** `d#n`: the n-th such weekday of the month. */
  readonly nth: ReadonlyArray<{ readonly day: number; readonly n: number }>;
}

export type ScheduleExpression =
  | { readonly kind: "rate"; readonly text: string; readonly periodMs: number }
  | { readonly kind: "cron"; readonly text: string; readonly fields: CronFields }
  | { readonly kind: "at"; readonly text: string; readonly wallTime: WallTime };

/** A local date and time (no zone). */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export class ExpressionError extends Error {
  constructor(expression: string, reason: string) {
    super(`invalid schedule expression "${expression}": ${reason}`);
    this.name = "ExpressionError";
  }
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Parses and validates; `allowAt` is false for EventBridge rules (at() is Scheduler's only). */
export function parseScheduleExpression(text: string, options: { allowAt: boolean }): ScheduleExpression {
  const m = /^(rate|cron|at)\((.*)\)$/.exec(text.trim());
  if (!m) throw new ExpressionError(text, `expected rate(…), cron(…)${options.allowAt ? " or at(…)" : ""}`);
  const [, kind = "", body = ""] = m;
  if (kind === "rate") return { kind, text, periodMs: parseRate(text, body) };
  if (kind === "cron") return { kind, text, fields: parseCron(text, body) };
  if (!options.allowAt) throw new ExpressionError(text, "at() is for EventBridge Scheduler schedules, not rules");
  return { kind: "at", text, wallTime: parseAt(text, body) };
}

function parseRate(text: string, body: string): number {
  const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body.trim());
  if (!m) throw new ExpressionError(text, "expected rate(<positive integer> minute(s)|hour(s)|day(s))");
  const value = Number(m[1]);
  const unit = m[2] ?? "";
  if (value < 1) throw new ExpressionError(text, "the value must be a positive integer");
  // AWS: "If the value is equal to 1, then the unit must be singular … greater than 1, plural".
  if ((value === 1) !== !unit.endsWith("s")) {
    throw new ExpressionError(
      text,
      value === 1 ? "a value of 1 takes a singular unit" : "a value above 1 takes a plural unit",
    );
  }
  return value * (RATE_UNITS[unit.replace(/s$/, "")] ?? 0);
}

export function parseAt(text: string, body: string): WallTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (!m) throw new ExpressionError(text, "expected at(yyyy-mm-ddThh:mm:ss)");
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new ExpressionError(text, "not a real date and time");
  }
  return { year, month, day, hour, minute, second };
}

function parseCron(text: string, body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ExpressionError(
      text,
      `cron takes six fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`,
    );
  }
  const [min = "", hour = "", dom = "", month = "", dow = "", year = ""] = parts;
  if ((dom === "?") === (dow === "?")) {
    throw new ExpressionError(text, "exactly one of day-of-month and day-of-week must be ?");
  }
  const field = (value: string, name: string, lo: number, hi: number, names?: string[]) =>
    parseList(text, value, name, lo, hi, names);
  return {
    minutes: field(min, "minutes", 0, 59),
    hours: field(hour, "hours", 0, 23),
    dayOfMonth: dom === "?" ? undefined : parseDayOfMonth(text, dom),
    months: field(month, "month", 1, 12, MONTHS),
    dayOfWeek: dow === "?" ? undefined : parseDayOfWeek(text, dow),
    years: field(year, "year", 1970, 2199),
  };
}

function parseValue(text: string, token: string, name: string, lo: number, hi: number, names?: string[]): number {
  const index = names?.indexOf(token.toUpperCase()) ?? -1;
  const n = index >= 0 ? index + lo : /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new ExpressionError(text, `${name} value "${token}" is outside ${lo}-${hi}`);
  }
  return n;
}

/** A list of `*`, `n`, `a-b`, `*\/s`, `a/s`, `a-b/s` items; names (JAN, SUN…) where the field has them. */
function parseList(text: string, value: string, name: string, lo: number, hi: number, names?: string[]): number[] {
  const out = new Set<number>();
  for (const item of value.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) throw new ExpressionError(text, `${name} item "${item}" is not valid`);
    const [, range = "", stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new ExpressionError(text, `${name} step must be at least 1`);
    let from: number;
    let to: number;
    if (range === "*") {
      from = lo;
      to = hi;
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      from = parseValue(text, a, name, lo, hi, names);
      to = parseValue(text, b, name, lo, hi, names);
      if (from > to) throw new ExpressionError(text, `${name} range "${range}" runs backwards`);
    } else {
      from = parseValue(text, range, name, lo, hi, names);
      to = stepText === undefined ? from : hi;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function parseDayOfMonth(text: string, value: string): DayOfMonth {
  const days: number[] = [];
  const nearestWeekday: number[] = [];
  let last = false;
  for (const item of value.split(",")) {
    if (item === "L") last = true;
    else if (/^\d+W$/.test(item)) nearestWeekday.push(parseValue(text, item.slice(0, -1), "day-of-month", 1, 31));
    else days.push(...parseList(text, item, "day-of-month", 1, 31));
  }
  return { days, last, nearestWeekday };
}

function parseDayOfWeek(text: string, value: string): DayOfWeek {
  const days: number[] = [];
  const lastOfMonth: number[] = [];
  const nth: Array<{ day: number; n: number }> = [];
  for (const item of value.split(",")) {
    const hash = /^(\w+)#(\d)$/.exec(item);
    if (item === "L")
      days.push(7); // `L` alone: the last day of the week, Saturday
    else if (/^\w+L$/.test(item)) lastOfMonth.push(parseValue(text, item.slice(0, -1), "day-of-week", 1, 7, DAYS));
    else if (hash) {
      const n = Number(hash[2]);
      if (n < 1 || n > 5) throw new ExpressionError(text, `day-of-week "${item}": the occurrence must be 1-5`);
      nth.push({ day: parseValue(text, hash[1] ?? "", "day-of-week", 1, 7, DAYS), n });
    } else days.push(...parseList(text, item, "day-of-week", 1, 7, DAYS));
  }
  return { days, lastOfMonth, nth };
}

/** Whether an IANA time zone name is known to this Node's Intl. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
