/**
 * The tweet pipelines' tables summarised by pure functions over their items (the local job's report, the tests and
 * the dashboard read them the same way): hashtag totals with their most used spelling, hourly counts, users, and
 * the keyword tracker's counts per keyword. Busiest first, ties by key.
 */
import { ALL, REJECTED, TWEETS } from "./tables";

export type Item = Record<string, unknown>;

export interface HashtagCount {
  readonly key: string;
  /** The most used spelling (ties: the first in code-point order). */
  readonly display: string;
  readonly count: number;
}

export interface UserRow {
  readonly userId: string;
  readonly name: string;
  readonly friendsCount: number;
  readonly followersCount: number;
  readonly tweetsSeen: number;
}

export interface TweetTables {
  /** Tweets whose increments are applied (receipts of part 0). */
  readonly applied: number;
  readonly rejected: Record<string, number>;
  /** Every hashtag, busiest first (ties by key). */
  readonly hashtags: HashtagCount[];
  /** Per hashtag key, per hour: count. */
  readonly hourly: Record<string, Record<string, number>>;
  readonly users: UserRow[];
  readonly tracker: TrackerTable;
}

export interface TrackerTable {
  readonly applied: number;
  readonly rejected: Record<string, number>;
  readonly keywords: Record<string, { tweets: number; hashtags: HashtagCount[] }>;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));
export const byCount = (a: HashtagCount, b: HashtagCount): number => b.count - a.count || (a.key < b.key ? -1 : 1);

/** The most used display form per key, from `[key, display, count]` triples. */
function displays(forms: Iterable<readonly [string, string, number]>): Map<string, string> {
  const best = new Map<string, { display: string; count: number }>();
  for (const [key, display, count] of forms) {
    const current = best.get(key);
    if (!current || count > current.count || (count === current.count && display < current.display)) {
      best.set(key, { display, count });
    }
  }
  return new Map([...best].map(([k, v]) => [k, v.display]));
}

function receiptsAndRejections(items: Item[]): { applied: number; rejected: Record<string, number> } {
  let applied = 0;
  const rejected: Record<string, number> = {};
  for (const item of items) {
    const pk = str(item.pk);
    if (pk.startsWith("RECEIPT#") && item.sk === "PART#0") applied++;
    if (pk.startsWith("REJECTED#") && item.sk === REJECTED)
      rejected[str(item.reason)] = (rejected[str(item.reason)] ?? 0) + 1;
  }
  return { applied, rejected };
}

export function summarizeHashtags(items: Item[]): Pick<TweetTables, "applied" | "rejected" | "hashtags" | "hourly"> {
  const totals = new Map<string, number>();
  const forms: Array<[string, string, number]> = [];
  const hourly: Record<string, Record<string, number>> = {};
  for (const item of items) {
    const pk = str(item.pk);
    if (!pk.startsWith("TAG#")) continue;
    const key = pk.slice(4);
    const sk = str(item.sk);
    if (sk === ALL) totals.set(key, num(item.count));
    else if (sk.startsWith("FORM#")) forms.push([key, sk.slice(5), num(item.count)]);
    else if (sk.startsWith("HOUR#")) hourly[key] = { ...hourly[key], [sk.slice(5)]: num(item.count) };
  }
  const display = displays(forms);
  const hashtags = [...totals].map(([key, count]) => ({ key, display: display.get(key) ?? key, count })).sort(byCount);
  return { ...receiptsAndRejections(items), hashtags, hourly };
}

export function summarizeUsers(items: Item[]): UserRow[] {
  return items
    .map((u) => ({
      userId: str(u.userId),
      name: str(u.name),
      friendsCount: num(u.friendsCount),
      followersCount: num(u.followersCount),
      tweetsSeen: num(u.tweetsSeen),
    }))
    .sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

export function summarizeTracker(items: Item[]): TrackerTable {
  const keywords: Record<string, { tweets: number; hashtags: HashtagCount[] }> = {};
  const forms: Array<[string, string, number]> = [];
  const tags: Array<[string, string, number]> = [];
  for (const item of items) {
    const pk = str(item.pk);
    if (!pk.startsWith("KEYWORD#")) continue;
    const keyword = pk.slice(8);
    const entry = keywords[keyword] ?? { tweets: 0, hashtags: [] };
    keywords[keyword] = entry;
    const sk = str(item.sk);
    if (sk === TWEETS) entry.tweets = num(item.count);
    else if (sk.startsWith("TAG#")) tags.push([keyword, sk.slice(4), num(item.count)]);
    else if (sk.startsWith("FORM#"))
      forms.push([`${keyword}\u0000${str(item.tag)}`, str(item.display), num(item.count)]);
  }
  const display = displays(forms);
  for (const [keyword, key, count] of tags) {
    keywords[keyword]?.hashtags.push({ key, display: display.get(`${keyword}\u0000${key}`) ?? key, count });
  }
  for (const entry of Object.values(keywords)) entry.hashtags.sort(byCount);
  return { ...receiptsAndRejections(items), keywords };
}
