import { formatTweetsSummary, type TweetsRun } from "#local/jobs/analytics/tweets/job";
import { buildSample } from "#local/jobs/analytics/tweets/sample";

describe("the tweet summary", () => {
  test("prints every part, counts before hashtags of any script", () => {
    const { declared } = buildSample({ tweets: 100 });
    const tables = {
      applied: 3,
      rejected: { "not-json": 1 },
      hashtags: [
        { key: "新冠肺炎", display: "新冠肺炎", count: 239 },
        { key: "stayhome", display: "StayHome", count: 12 },
      ],
      hourly: {},
      users: [],
      tracker: {
        applied: 1,
        rejected: {},
        keywords: { pandemic: { tweets: 1, hashtags: [{ key: "x", display: "X", count: 1 }] } },
      },
    };
    const run: TweetsRun = {
      declared,
      produced: { sent: 5, marked: 1 },
      produceSeconds: 0.5,
      seconds: 2,
      stages: [],
      before: { ...tables, applied: 0, rejected: {} },
      tables,
      keywords: ["pandemic"],
      problems: ["tweets applied: expected 100, got 3"],
    };
    const text = formatTweetsSummary(run);
    expect(text).toContain("     1. 239  #新冠肺炎");
    expect(text).toContain("     2.  12  #StayHome");
    expect(text).toContain("applied      3 tweets  (3 new this run; 1 records were repeats");
    expect(text).toContain("pandemic         1 tweets: #X 1");
    expect(text).toContain("1 differences from the sample's declarations:\n    - tweets applied: expected 100, got 3");
  });
});
