import { parseCreatedAt, parseTweet, tweetFromJson } from "#tweets/tweet";
import { tweetJson } from "./fixtures";

const ok = (json: unknown) => {
  const parsed = tweetFromJson(json);
  if (!parsed.ok) throw new Error(`expected a tweet: ${parsed.reason} ${parsed.detail}`);
  return parsed.tweet;
};

describe("parseCreatedAt reads the v1.1 timestamp", () => {
  test("UTC", () => {
    expect(parseCreatedAt("Wed Oct 10 20:19:24 +0000 2018")?.toISOString()).toBe("2018-10-10T20:19:24.000Z");
  });
  test("an offset is applied", () => {
    expect(parseCreatedAt("Wed Oct 10 22:19:24 +0200 2018")?.toISOString()).toBe("2018-10-10T20:19:24.000Z");
  });
  test.each([
    ["ISO", "2018-10-10T20:19:24Z"],
    ["wrong weekday", "Thu Oct 10 20:19:24 +0000 2018"],
    ["no such day", "Fri Feb 30 20:19:24 +0000 2018"],
    ["no such month", "Wed Foo 10 20:19:24 +0000 2018"],
    ["hour 24", "Wed Oct 10 24:19:24 +0000 2018"],
    ["empty", ""],
  ])("%s is refused", (_what, text) => {
    expect(parseCreatedAt(text)).toBeUndefined();
  });
});

describe("parseTweet", () => {
  test("a tweet: its fields, the hour bucket, hashtags distinct by key with the first spelling", () => {
    const t = ok(tweetJson());
    expect(t).toMatchObject({
      id: "1050118621198921728",
      hour: "2018-10-10T20",
      kind: "tweet",
      user: { id: "6253282", name: "Twitter API 😷", screenName: "TwitterAPI", friendsCount: 12 },
      trackedKeywords: [],
    });
    expect(t.hashtags).toEqual([
      { key: "pandemic", display: "Pandemic" },
      { key: "covid19", display: "COVID19" },
    ]);
  });

  test("a truncated tweet: the extended tweet's full text and hashtags", () => {
    const t = ok(
      tweetJson({
        truncated: true,
        text: "short…",
        entities: { hashtags: [] },
        extended_tweet: {
          full_text: "long text #Один #Два",
          entities: { hashtags: [{ text: "Один" }, { text: "Два" }] },
        },
      }),
    );
    expect(t.text).toBe("long text #Один #Два");
    expect(t.hashtags.map((h) => h.key)).toEqual(["один", "два"]);
  });

  test("a retweet counts the retweeted tweet's hashtags; keywords are looked for in both texts", () => {
    const t = ok(
      tweetJson({
        text: "RT @who: the pandemic…",
        entities: { hashtags: [] },
        retweeted_status: tweetJson({
          id_str: "1",
          text: "the pandemic and covid-19 #StayHome",
          entities: { hashtags: [{ text: "StayHome" }] },
        }),
      }),
    );
    expect(t.kind).toBe("retweet");
    expect(t.hashtags).toEqual([{ key: "stayhome", display: "StayHome" }]);
    expect(t.keywordText).toContain("covid-19");
    expect(t.user.id).toBe("6253282");
  });

  test("a quote counts its own hashtags, and its keyword text includes the quoted one", () => {
    const t = ok(
      tweetJson({
        text: "so true #Mine",
        entities: { hashtags: [{ text: "Mine" }] },
        quoted_status: tweetJson({
          id_str: "2",
          text: "corona virus #Theirs",
          entities: { hashtags: [{ text: "Theirs" }] },
        }),
      }),
    );
    expect(t.kind).toBe("quote");
    expect(t.hashtags.map((h) => h.display)).toEqual(["Mine"]);
    expect(t.keywordText).toBe("so true #Mine\ncorona virus #Theirs");
  });

  test("no entities means no hashtags; a null location is none; the producer's mark is read", () => {
    const json = tweetJson({ tracked_keywords: ["pandemic"] });
    delete json.entities;
    (json.user as Record<string, unknown>).location = null;
    const t = ok(json);
    expect(t.hashtags).toEqual([]);
    expect(t.user.location).toBeUndefined();
    expect(t.trackedKeywords).toEqual(["pandemic"]);
  });

  test.each<[string, string, string, RegExp]>([
    ["not JSON", "{not json", "not-json", /not JSON/],
    ["a JSON string", '"hello"', "not-a-tweet", /expected a JSON object, got string/],
    ["an array", "[1,2]", "not-a-tweet", /an array/],
    ["a deletion notice", '{"delete":{"status":{"id_str":"1"}}}', "not-a-tweet", /keys: delete/],
    ["no user", JSON.stringify(tweetJson({ user: undefined })), "invalid-tweet", /user/],
    ["a numeric id", JSON.stringify(tweetJson({ id_str: 12 })), "invalid-tweet", /id_str/],
    ["an id with letters", JSON.stringify(tweetJson({ id_str: "12a" })), "invalid-tweet", /decimal id/],
    [
      "negative followers",
      JSON.stringify(tweetJson({ user: { ...(tweetJson().user as object), followers_count: -1 } })),
      "invalid-tweet",
      /user.followers_count/,
    ],
    [
      "an empty hashtag",
      JSON.stringify(tweetJson({ entities: { hashtags: [{ text: "" }] } })),
      "invalid-tweet",
      /entities.hashtags.0.text/,
    ],
    ["an ISO created_at", JSON.stringify(tweetJson({ created_at: "2018-10-10T20:19:24Z" })), "bad-created-at", /2018/],
  ])("%s is rejected (%s)", (_what, text, reason, detail) => {
    const parsed = parseTweet(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toBe(reason);
    expect(parsed.detail).toMatch(detail);
  });
});
