import { markLine } from "#local/jobs/analytics/tweets/mark";
import { keywordMatcher } from "#tweets/keywords";

const match = keywordMatcher(["corona virus", "COVID-19", "pandemic"]);
const tweet = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    created_at: "Sat Mar 14 09:00:00 +0000 2020",
    id_str: "1",
    text,
    user: { id_str: "77", name: "a", screen_name: "a", friends_count: 1, followers_count: 1 },
    ...extra,
  });

describe("markLine", () => {
  test("a tweet that mentions keywords is keyed by its author and marked", () => {
    const record = markLine(tweet("Corona Virus and covid-19"), match);
    expect(record.key).toBe("77");
    expect(record.keywords).toEqual(["corona virus", "COVID-19"]);
    expect(JSON.parse(record.value).tracked_keywords).toEqual(["corona virus", "COVID-19"]);
  });

  test("a tweet that mentions none carries no mark, even if the line came with a stale one", () => {
    const record = markLine(tweet("covid-190", { tracked_keywords: ["pandemic"] }), match);
    expect(record.keywords).toEqual([]);
    expect(JSON.parse(record.value)).not.toHaveProperty("tracked_keywords");
  });

  test("a keyword in a retweeted text marks the retweet", () => {
    const record = markLine(tweet("RT @b: …", { retweeted_status: JSON.parse(tweet("the pandemic")) }), match);
    expect(record.keywords).toEqual(["pandemic"]);
  });

  test.each([
    ["not JSON", "{nope", undefined],
    ["a deletion notice", '{"delete":{}}', undefined],
    ["an invalid tweet with a user", tweet("pandemic", { created_at: "yesterday" }), "77"],
  ])("%s goes through unchanged and unmarked", (_what, line, key) => {
    expect(markLine(line, match)).toEqual({ key, value: line, keywords: [] });
  });
});
