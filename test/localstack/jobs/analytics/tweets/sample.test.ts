/**
 * The sample checked the other way round, in-process: its lines go through the producer's marking, the tracker's
 * filter (the local service's FilterCriteria matcher) and both stages' functions into an in-memory DynamoDB, and
 * what the tables then hold must be exactly what the sample declares.
 */

import { DEFAULT_TRACKED_KEYWORDS } from "#lib/settings";
import { checkAgainstSample } from "#local/jobs/analytics/tweets/check";
import { markLine } from "#local/jobs/analytics/tweets/mark";
import { buildSample } from "#local/jobs/analytics/tweets/sample";
import { compileKafkaFilters } from "#local/lambda-service/esm/filter";
import { applyOnce } from "#tweets/exactly-once";
import { keywordMatcher } from "#tweets/keywords";
import { summarizeHashtags, summarizeTracker, summarizeUsers } from "#tweets/summary";
import { countTweet } from "../../../../../lambdas/analytics/tweets/hashtags/hashtags";
import { TRACKER_FILTER } from "../../../../../lambdas/analytics/tweets/tracker/settings";
import { trackTweet } from "../../../../../lambdas/analytics/tweets/tracker/tracker";
import { FakeDynamo } from "../../../../lambdas/analytics/tweets/shared/fake-dynamo";

const NOW = new Date("2026-11-29T12:00:00Z");

async function run(lines: readonly string[], keywords: readonly string[]) {
  const db = new FakeDynamo();
  const match = keywordMatcher(keywords);
  const filter = compileKafkaFilters([JSON.stringify(TRACKER_FILTER)]);
  const apply = (writes: Parameters<typeof applyOnce>[1]) => applyOnce(db, writes, NOW);
  const rejections = new Map<string, { reason: string; detail: string }>();
  const outcomes: Record<string, number> = {};
  let offset = 0;
  for (const line of lines) {
    const record = markLine(line, match);
    const by = `tweets-0-${offset++}`;
    const outcome = await countTweet(record.value, by, {
      tables: { hashtags: "hashtags", users: "users" },
      apply,
      reject: async (reason, detail) => void rejections.set(by, { reason, detail }),
    });
    outcomes[outcome.outcome] = (outcomes[outcome.outcome] ?? 0) + 1;
    if (filter.matches(Buffer.from(record.value))) {
      await trackTweet(record.value, by, { table: "tracker", match, apply, reject: async () => {} });
    }
  }
  const rejectedItems = [...rejections].map(([by, r]) => ({ pk: `REJECTED#${by}`, sk: "REJECTED", ...r }));
  const tables = {
    ...summarizeHashtags([...db.items("hashtags"), ...rejectedItems]),
    users: summarizeUsers(db.items("users")),
    tracker: summarizeTracker(db.items("tracker")),
  };
  return { db, tables, outcomes };
}

describe("the sample tweet stream", () => {
  const sample = buildSample();

  test("is the same every time, a few thousand lines", () => {
    expect(buildSample().lines).toEqual(sample.lines);
    expect(sample.lines.length).toBe(sample.declared.lines);
    expect(sample.declared.lines).toBeGreaterThan(3000);
    expect(buildSample({ seed: 7 }).lines).not.toEqual(sample.lines);
  });

  test("holds what it says: retweets, quotes, truncated tweets, emoji, many scripts, malformed lines", () => {
    const text = sample.lines.join("\n");
    for (const needle of [
      '"retweeted_status"',
      '"quoted_status"',
      '"extended_tweet"',
      "😷",
      "коронавирус",
      "كورونا",
      "新冠肺炎",
      "コロナ",
      "코로나19",
    ]) {
      expect(text).toContain(needle);
    }
    expect(Object.values(sample.declared.rejected).reduce((a, b) => a + b, 0)).toBe(10);
  });

  test("its declarations are what the stages make of it, in-process", async () => {
    const { tables, outcomes } = await run(sample.lines, DEFAULT_TRACKED_KEYWORDS);
    expect(checkAgainstSample(tables, sample.declared, DEFAULT_TRACKED_KEYWORDS)).toEqual([]);
    expect(outcomes).toEqual({
      applied: sample.declared.tweets,
      "already-applied": sample.declared.duplicates,
      rejected: 10,
    });
  }, 60_000);

  test("a wrong pipeline would be caught: the check names the difference", async () => {
    const { tables } = await run(sample.lines.slice(0, 400), DEFAULT_TRACKED_KEYWORDS);
    const problems = checkAgainstSample(tables, sample.declared, DEFAULT_TRACKED_KEYWORDS);
    expect(problems.join("\n")).toMatch(/tweets applied: expected 3000/);
  });
});
