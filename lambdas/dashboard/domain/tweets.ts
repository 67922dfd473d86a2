/**
 * The Tweets and Tracker pages' figures from the summaries of `#tweets/summary`: the hourly series of the busiest
 * hashtags, users ranked by friends or followers, and the tracker's keywords as configured.
 */
import type { HashtagCount, TrackerTable, UserRow } from "#tweets/summary";
import type { HourlySeries, TrackedKeyword, UserRanking } from "../contract";

export function hourlySeries(
  hashtags: readonly HashtagCount[],
  hourly: Readonly<Record<string, Readonly<Record<string, number>>>>,
  top: number,
): HourlySeries {
  const chosen = hashtags.slice(0, top);
  const hours = [...new Set(chosen.flatMap((h) => Object.keys(hourly[h.key] ?? {})))].sort();
  return {
    hours,
    series: chosen.map((h) => ({
      key: h.key,
      display: h.display,
      counts: hours.map((hour) => hourly[h.key]?.[hour] ?? 0),
    })),
  };
}

/** Users by friends or followers, most first, ties by user id. */
export function rankUsers(users: readonly UserRow[], by: UserRanking, limit: number): UserRow[] {
  const count = (u: UserRow): number => (by === "friends" ? u.friendsCount : u.followersCount);
  return [...users].sort((a, b) => count(b) - count(a) || a.userId.localeCompare(b.userId)).slice(0, limit);
}

/** Every configured keyword (with zero counts until a tweet mentions it), then any other keyword the table holds. */
export function trackedKeywords(configured: readonly string[], tracker: TrackerTable): TrackedKeyword[] {
  const names = [
    ...configured,
    ...Object.keys(tracker.keywords)
      .filter((k) => !configured.includes(k))
      .sort(),
  ];
  return names.map((keyword) => ({
    keyword,
    tweets: tracker.keywords[keyword]?.tweets ?? 0,
    hashtags: tracker.keywords[keyword]?.hashtags ?? [],
  }));
}
