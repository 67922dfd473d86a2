/**
 * hashtags: one tweet's increments, applied exactly once — its hashtags' all-time, per-hour and per-spelling
 * counters, and its author's row in the users table (latest name with emoji removed, friends and followers,
 * one more tweet seen) — in the transactions of `#tweets/exactly-once`, under the tweet id as receipt. The users
 * are kept here rather than in a stage of their own: they come from the same record, and one receipt in one
 * transaction makes both exact, with one read of the stream instead of two.
 */

import type { RecordOutcome } from "#shared/outcome";
import type { ApplyResult, CounterWrite, RecordWrites } from "#tweets/exactly-once";
import { ALL, formSk, type HashtagTables, hourSk, tagPk } from "#tweets/tables";
import { cleanUserName } from "#tweets/text";
import { parseTweet, type Tweet, type TweetRejection } from "#tweets/tweet";

export interface HashtagsDeps {
  readonly tables: HashtagTables;
  readonly apply: (record: RecordWrites) => Promise<ApplyResult>;
  readonly reject: (reason: TweetRejection, detail: string) => Promise<void>;
}

/** The writes one tweet makes: its author first, then for each hashtag its all-time, hour and spelling counters. */
export function hashtagWrites(tweet: Tweet, tables: HashtagTables): CounterWrite[] {
  const u = tweet.user;
  const user: CounterWrite = {
    table: tables.users,
    key: { userId: u.id },
    add: { tweetsSeen: 1 },
    set: {
      name: cleanUserName(u.name),
      rawName: u.name,
      screenName: u.screenName,
      friendsCount: u.friendsCount,
      followersCount: u.followersCount,
      location: u.location ?? "",
      lastTweetId: tweet.id,
      lastTweetAt: tweet.createdAt.toISOString(),
    },
  };
  const counters = tweet.hashtags.flatMap(({ key, display }): CounterWrite[] => [
    { table: tables.hashtags, key: { pk: tagPk(key), sk: ALL }, add: { count: 1 }, set: { tag: key } },
    { table: tables.hashtags, key: { pk: tagPk(key), sk: hourSk(tweet.hour) }, add: { count: 1 }, set: { tag: key } },
    { table: tables.hashtags, key: { pk: tagPk(key), sk: formSk(display) }, add: { count: 1 }, set: { display } },
  ]);
  return [user, ...counters];
}

export async function countTweet(value: string, by: string, deps: HashtagsDeps): Promise<RecordOutcome> {
  const parsed = parseTweet(value);
  if (!parsed.ok) {
    await deps.reject(parsed.reason, parsed.detail);
    return { outcome: "rejected", reason: parsed.reason, fields: { detail: parsed.detail } };
  }
  const { tweet } = parsed;
  const result = await deps.apply({
    receiptTable: deps.tables.hashtags,
    recordId: tweet.id,
    appliedBy: by,
    writes: hashtagWrites(tweet, deps.tables),
  });
  return {
    outcome: result.applied > 0 ? "applied" : "already-applied",
    fields: {
      tweetId: tweet.id,
      userId: tweet.user.id,
      kind: tweet.kind,
      hashtags: tweet.hashtags.length,
      parts: result.applied + result.alreadyApplied,
      ...(result.applied > 0 && result.alreadyApplied > 0 ? { partsAlreadyApplied: result.alreadyApplied } : {}),
    },
  };
}
