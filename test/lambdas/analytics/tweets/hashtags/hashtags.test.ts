import { applyOnce } from "#tweets/exactly-once";
import { parseTweet } from "#tweets/tweet";
import {
  countTweet,
  type HashtagsDeps,
  hashtagWrites,
} from "../../../../../lambdas/analytics/tweets/hashtags/hashtags";
import { FakeDynamo } from "../shared/fake-dynamo";
import { tweetJson } from "../shared/fixtures";

const tables = { hashtags: "hashtags", users: "users" };
const NOW = new Date("2026-11-29T12:00:00Z");

function deps(db: FakeDynamo, rejected: string[] = []): HashtagsDeps {
  return {
    tables,
    apply: (writes) => applyOnce(db, writes, NOW),
    reject: async (reason) => void rejected.push(reason),
  };
}

const count = (db: FakeDynamo, pk: string, sk: string) => db.item("hashtags", { pk, sk })?.count;

describe("hashtags stage", () => {
  test("a tweet counts each hashtag once, per hour and per spelling, and its author", async () => {
    const db = new FakeDynamo();
    const outcome = await countTweet(JSON.stringify(tweetJson()), "tweets-0-1", deps(db));
    expect(outcome).toMatchObject({ outcome: "applied", fields: { tweetId: "1050118621198921728", hashtags: 2 } });
    expect(count(db, "TAG#pandemic", "ALL")).toBe(1);
    expect(count(db, "TAG#pandemic", "HOUR#2018-10-10T20")).toBe(1);
    expect(count(db, "TAG#pandemic", "FORM#Pandemic")).toBe(1);
    expect(count(db, "TAG#pandemic", "FORM#pandemic")).toBeUndefined();
    expect(db.item("users", { userId: "6253282" })).toMatchObject({
      name: "Twitter API",
      rawName: "Twitter API 😷",
      friendsCount: 12,
      followersCount: 6133636,
      tweetsSeen: 1,
      lastTweetId: "1050118621198921728",
    });
  });

  test("a redelivered tweet changes no counter and no row", async () => {
    const db = new FakeDynamo();
    const value = JSON.stringify(tweetJson());
    await countTweet(value, "tweets-0-1", deps(db));
    const before = JSON.stringify([...db.tables.entries()].map(([k, v]) => [k, [...v]]));
    const again = await countTweet(value, "tweets-0-1", deps(db));
    expect(again.outcome).toBe("already-applied");
    expect(JSON.stringify([...db.tables.entries()].map(([k, v]) => [k, [...v]]))).toBe(before);
  });

  test("the user's latest tweet sets the name; an emoji-only name is No name", async () => {
    const db = new FakeDynamo();
    const user = tweetJson().user as Record<string, unknown>;
    await countTweet(JSON.stringify(tweetJson()), "tweets-0-1", deps(db));
    await countTweet(
      JSON.stringify(tweetJson({ id_str: "2", user: { ...user, name: "🌸🌸", friends_count: 13 } })),
      "tweets-0-2",
      deps(db),
    );
    expect(db.item("users", { userId: "6253282" })).toMatchObject({ name: "No name", friendsCount: 13, tweetsSeen: 2 });
  });

  test("a tweet with 40 hashtags needs two transactions, each at most 100 items", async () => {
    const db = new FakeDynamo();
    const hashtags = Array.from({ length: 40 }, (_, i) => ({ text: `Tag${i}` }));
    const outcome = await countTweet(JSON.stringify(tweetJson({ entities: { hashtags } })), "tweets-0-3", deps(db));
    expect(outcome.fields).toMatchObject({ hashtags: 40, parts: 2 });
    expect(db.sent.map((t) => t.TransactItems?.length)).toEqual([100, 23]);
    expect(count(db, "TAG#tag39", "ALL")).toBe(1);
  });

  test("a malformed record is rejected with its reason and recorded", async () => {
    const db = new FakeDynamo();
    const rejected: string[] = [];
    const outcome = await countTweet("{oops", "tweets-0-4", deps(db, rejected));
    expect(outcome).toMatchObject({ outcome: "rejected", reason: "not-json" });
    expect(rejected).toEqual(["not-json"]);
    expect(db.sent).toEqual([]);
  });

  test("hashtagWrites: the author first, then three counters per hashtag", () => {
    const parsed = parseTweet(JSON.stringify(tweetJson()));
    if (!parsed.ok) throw new Error("fixture");
    const writes = hashtagWrites(parsed.tweet, tables);
    expect(writes.map((w) => `${w.table}:${Object.values(w.key).join("/")}`)).toEqual([
      "users:6253282",
      "hashtags:TAG#pandemic/ALL",
      "hashtags:TAG#pandemic/HOUR#2018-10-10T20",
      "hashtags:TAG#pandemic/FORM#Pandemic",
      "hashtags:TAG#covid19/ALL",
      "hashtags:TAG#covid19/HOUR#2018-10-10T20",
      "hashtags:TAG#covid19/FORM#COVID19",
    ]);
  });
});
