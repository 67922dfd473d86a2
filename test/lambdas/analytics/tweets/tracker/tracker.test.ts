import { applyOnce } from "#tweets/exactly-once";
import { keywordMatcher } from "#tweets/keywords";
import { type TrackerDeps, trackTweet } from "../../../../../lambdas/analytics/tweets/tracker/tracker";
import { FakeDynamo } from "../shared/fake-dynamo";
import { tweetJson } from "../shared/fixtures";

const NOW = new Date("2026-11-29T12:00:00Z");

function deps(db: FakeDynamo, rejected: string[] = []): TrackerDeps {
  return {
    table: "tracker",
    match: keywordMatcher(["corona virus", "COVID-19", "pandemic"]),
    apply: (writes) => applyOnce(db, writes, NOW),
    reject: async (reason) => void rejected.push(reason),
  };
}

const count = (db: FakeDynamo, pk: string, sk: string) => db.item("tracker", { pk, sk })?.count;

describe("tracker stage", () => {
  test("counts the tweet and its hashtags under every keyword it mentions, once", async () => {
    const db = new FakeDynamo();
    const value = JSON.stringify(
      tweetJson({ text: "The pandemic and COVID-19 #StayHome", entities: { hashtags: [{ text: "StayHome" }] } }),
    );
    const outcome = await trackTweet(value, "tweets-0-1", deps(db));
    expect(outcome).toMatchObject({ outcome: "applied", fields: { keywords: ["COVID-19", "pandemic"] } });
    for (const keyword of ["COVID-19", "pandemic"]) {
      expect(count(db, `KEYWORD#${keyword}`, "TWEETS")).toBe(1);
      expect(count(db, `KEYWORD#${keyword}`, "TAG#stayhome")).toBe(1);
      expect(count(db, `KEYWORD#${keyword}`, "FORM#stayhome#StayHome")).toBe(1);
    }
    expect(count(db, "KEYWORD#corona virus", "TWEETS")).toBeUndefined();

    expect((await trackTweet(value, "tweets-0-1", deps(db))).outcome).toBe("already-applied");
    expect(count(db, "KEYWORD#pandemic", "TWEETS")).toBe(1);
  });

  test("a tweet marked by a producer but mentioning no tracked keyword is skipped, not counted", async () => {
    const db = new FakeDynamo();
    const value = JSON.stringify(tweetJson({ text: "pandemics #x", tracked_keywords: ["pandemic"] }));
    expect(await trackTweet(value, "tweets-0-2", deps(db))).toMatchObject({
      outcome: "skipped",
      reason: "no-tracked-keyword",
    });
    expect(db.sent).toEqual([]);
  });

  test("a malformed record is rejected and recorded", async () => {
    const rejected: string[] = [];
    const value = JSON.stringify({ ...tweetJson(), created_at: "yesterday", tracked_keywords: ["pandemic"] });
    expect(await trackTweet(value, "tweets-0-3", deps(new FakeDynamo(), rejected))).toMatchObject({
      outcome: "rejected",
      reason: "bad-created-at",
    });
    expect(rejected).toEqual(["bad-created-at"]);
  });
});
