/**
 * tracker: the keyword tracker's counts. Its event-source mapping passes only tweets the producer marked with a
 * tracked keyword (`tracked_keywords`; Lambda's filters cannot search text); the stage matches the keywords again
 * with its own list, so the counts follow the deployed keywords even if a producer's list is stale. Per keyword
 * it counts the tweets and, exactly once, their hashtags (all time and per spelling), under the tweet id as
 * receipt in the tracker's table.
 */
import type { RecordOutcome } from "#shared/outcome";
import type { ApplyResult, CounterWrite, RecordWrites } from "#tweets/exactly-once";
import type { KeywordMatcher } from "#tweets/keywords";
import { keywordPk, TWEETS, trackerFormSk, trackerTagSk } from "#tweets/tables";
import { parseTweet, type Tweet, type TweetRejection } from "#tweets/tweet";

export interface TrackerDeps {
  readonly table: string;
  readonly match: KeywordMatcher;
  readonly apply: (record: RecordWrites) => Promise<ApplyResult>;
  readonly reject: (reason: TweetRejection, detail: string) => Promise<void>;
}

/** Per keyword the tweet mentions: one more tweet, and one more use of each of its hashtags (and spellings). */
export function trackerWrites(tweet: Tweet, keywords: readonly string[], table: string): CounterWrite[] {
  return keywords.flatMap((keyword): CounterWrite[] => [
    { table, key: { pk: keywordPk(keyword), sk: TWEETS }, add: { count: 1 }, set: { keyword } },
    ...tweet.hashtags.flatMap(({ key, display }): CounterWrite[] => [
      { table, key: { pk: keywordPk(keyword), sk: trackerTagSk(key) }, add: { count: 1 }, set: { keyword, tag: key } },
      {
        table,
        key: { pk: keywordPk(keyword), sk: trackerFormSk(key, display) },
        add: { count: 1 },
        set: { keyword, tag: key, display },
      },
    ]),
  ]);
}

export async function trackTweet(value: string, by: string, deps: TrackerDeps): Promise<RecordOutcome> {
  const parsed = parseTweet(value);
  if (!parsed.ok) {
    await deps.reject(parsed.reason, parsed.detail);
    return { outcome: "rejected", reason: parsed.reason, fields: { detail: parsed.detail } };
  }
  const { tweet } = parsed;
  const keywords = deps.match(tweet.keywordText);
  if (keywords.length === 0) {
    return {
      outcome: "skipped",
      reason: "no-tracked-keyword",
      fields: { tweetId: tweet.id, marked: tweet.trackedKeywords },
    };
  }
  const result = await deps.apply({
    receiptTable: deps.table,
    recordId: tweet.id,
    appliedBy: by,
    writes: trackerWrites(tweet, keywords, deps.table),
  });
  return {
    outcome: result.applied > 0 ? "applied" : "already-applied",
    fields: {
      tweetId: tweet.id,
      keywords,
      hashtags: tweet.hashtags.length,
      parts: result.applied + result.alreadyApplied,
    },
  };
}
