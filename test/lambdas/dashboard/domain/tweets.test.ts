import { hourlySeries, rankUsers, trackedKeywords } from "#dashboard/domain/tweets";

test("the hourly series of the busiest hashtags share one sorted list of hours, zero where a tag had none", () => {
  const hashtags = [
    { key: "a", display: "A", count: 5 },
    { key: "b", display: "b", count: 3 },
    { key: "c", display: "c", count: 1 },
  ];
  const hourly = {
    a: { "2026-11-29T10": 2, "2026-11-29T08": 3 },
    b: { "2026-11-29T09": 3 },
    c: { "2026-11-29T07": 1 },
  };
  expect(hourlySeries(hashtags, hourly, 2)).toEqual({
    hours: ["2026-11-29T08", "2026-11-29T09", "2026-11-29T10"],
    series: [
      { key: "a", display: "A", counts: [3, 0, 2] },
      { key: "b", display: "b", counts: [0, 3, 0] },
    ],
  });
});

test("users rank by friends or by followers, most first, ties by id, up to the limit", () => {
  const users = [
    { userId: "1", name: "one", friendsCount: 5, followersCount: 50, tweetsSeen: 1 },
    { userId: "2", name: "two", friendsCount: 9, followersCount: 10, tweetsSeen: 1 },
    { userId: "0", name: "zero", friendsCount: 5, followersCount: 70, tweetsSeen: 1 },
  ];
  expect(rankUsers(users, "friends", 10).map((u) => u.userId)).toEqual(["2", "0", "1"]);
  expect(rankUsers(users, "followers", 2).map((u) => u.userId)).toEqual(["0", "1"]);
});

test("every configured keyword is listed, with zeros until a tweet mentions it, then others the table holds", () => {
  const tracker = {
    applied: 3,
    rejected: {},
    keywords: {
      pandemic: { tweets: 3, hashtags: [{ key: "x", display: "X", count: 2 }] },
      retired: { tweets: 1, hashtags: [] },
    },
  };
  expect(trackedKeywords(["COVID-19", "pandemic"], tracker)).toEqual([
    { keyword: "COVID-19", tweets: 0, hashtags: [] },
    { keyword: "pandemic", tweets: 3, hashtags: [{ key: "x", display: "X", count: 2 }] },
    { keyword: "retired", tweets: 1, hashtags: [] },
  ]);
});
