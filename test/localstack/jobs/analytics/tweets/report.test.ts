import { checkAgainstSample } from "#local/jobs/analytics/tweets/check";
import { trackedKeywordsOf, tweetsTopicOf } from "#local/jobs/analytics/tweets/outputs";
import { tweetTableNames } from "#local/jobs/analytics/tweets/report";
import { buildSample } from "#local/jobs/analytics/tweets/sample";
import { summarizeHashtags, summarizeTracker } from "#tweets/summary";

describe("summaries of the tables", () => {
  test("hashtags: busiest first, ties by key, the most used spelling displayed (ties: code-point order)", () => {
    const s = summarizeHashtags([
      { pk: "TAG#b", sk: "ALL", count: 5 },
      { pk: "TAG#b", sk: "FORM#B", count: 3 },
      { pk: "TAG#b", sk: "FORM#b", count: 2 },
      { pk: "TAG#a", sk: "ALL", count: 5 },
      { pk: "TAG#a", sk: "FORM#a", count: 2 },
      { pk: "TAG#a", sk: "FORM#A", count: 2 },
      { pk: "TAG#a", sk: "HOUR#2020-03-14T09", count: 5 },
      { pk: "RECEIPT#1", sk: "PART#0" },
      { pk: "RECEIPT#1", sk: "PART#1" },
      { pk: "RECEIPT#2", sk: "PART#0" },
      { pk: "REJECTED#x", sk: "REJECTED", reason: "not-json" },
    ]);
    expect(s.hashtags).toEqual([
      { key: "a", display: "A", count: 5 },
      { key: "b", display: "B", count: 5 },
    ]);
    expect(s.hourly).toEqual({ a: { "2020-03-14T09": 5 } });
    expect(s.applied).toBe(2);
    expect(s.rejected).toEqual({ "not-json": 1 });
  });

  test("tracker: per keyword, its tweets and hashtags", () => {
    const t = summarizeTracker([
      { pk: "KEYWORD#pandemic", sk: "TWEETS", count: 2 },
      { pk: "KEYWORD#pandemic", sk: "TAG#x", count: 2, tag: "x" },
      { pk: "KEYWORD#pandemic", sk: "FORM#x#X", count: 2, tag: "x", display: "X" },
      { pk: "RECEIPT#9", sk: "PART#0" },
    ]);
    expect(t).toEqual({
      applied: 1,
      rejected: {},
      keywords: { pandemic: { tweets: 2, hashtags: [{ key: "x", display: "X", count: 2 }] } },
    });
  });
});

describe("outputs the producer needs", () => {
  test("names and keywords, or a message saying what to do", () => {
    expect(trackedKeywordsOf({ TrackedKeywords: '["a b","c"]' })).toEqual(["a b", "c"]);
    expect(() => trackedKeywordsOf({})).toThrow(/deploy first/);
    expect(() => trackedKeywordsOf({ TrackedKeywords: "a,b" })).toThrow(/not JSON/);
    expect(() => trackedKeywordsOf({ TrackedKeywords: "[]" })).toThrow(/not a list of keywords/);
    expect(tweetsTopicOf({ TweetsTopic: "tweets" })).toBe("tweets");
    expect(() => tweetTableNames({ TweetHashtagsTableName: "h" })).toThrow(/TweetUsersTableName is missing/);
  });
});

describe("checkAgainstSample", () => {
  test("other keywords than the sample's are named, not compared", () => {
    const { declared } = buildSample({ tweets: 50 });
    const empty = {
      applied: 0,
      rejected: {},
      hashtags: [],
      hourly: {},
      users: [],
      tracker: { applied: 0, rejected: {}, keywords: {} },
    };
    const problems = checkAgainstSample(empty, declared, ["flu"]);
    expect(problems.at(-1)).toMatch(/the tracker follows \["flu"\]; the sample declares its counts for/);
  });
});
