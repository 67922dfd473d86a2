/**
 * The sample's declarations against what the tables hold: every difference, named. An empty list means the
 * pipelines made exactly what the sample was built to make.
 */
import type { TweetTables } from "#tweets/summary";
import type { SampleDeclaration } from "./sample";

export function checkAgainstSample(
  tables: TweetTables,
  declared: SampleDeclaration,
  keywords: readonly string[],
): string[] {
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
      problems.push(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
    }
  };
  expect("tweets applied", tables.applied, declared.tweets);
  expect("rejected by reason", sorted(tables.rejected), sorted(declared.rejected));
  expect("hashtags", tables.hashtags, declared.hashtags);
  const busiest = declared.hashtags[0]?.key ?? "";
  expect(`hourly counts of #${busiest}`, tables.hourly[busiest], declared.busiestHourly);
  for (const key of declared.uncounted) {
    if (tables.hashtags.some((h) => h.key === key)) problems.push(`#${key} is counted; the sample never counts it`);
  }
  expect("users", tables.users, declared.users);
  if (JSON.stringify(keywords) !== JSON.stringify(declared.keywords)) {
    problems.push(
      `the tracker follows ${JSON.stringify(keywords)}; the sample declares its counts for ${JSON.stringify(declared.keywords)} only`,
    );
    return problems;
  }
  for (const keyword of declared.keywords) {
    const want = declared.tracker[keyword];
    const got = tables.tracker.keywords[keyword];
    expect(`tracker "${keyword}" tweets`, got?.tweets ?? 0, want?.tweets ?? 0);
    const counts = Object.fromEntries((got?.hashtags ?? []).map((h) => [h.key, h.count]));
    expect(`tracker "${keyword}" hashtags`, sorted(counts), sorted(want?.hashtags ?? {}));
  }
  expect("tracker tweets applied", tables.tracker.applied, declared.trackedTweets);
  return problems;
}

function sorted(record: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
