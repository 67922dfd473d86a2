import { parseSettings } from "#shared/settings";
import { TrackerSettingsSchema, trackerEnvironment } from "../../../../../lambdas/analytics/tweets/tracker/settings";

const base = { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SECRET_ARN: "arn", INPUT_TOPIC: "tweets" };

describe("tracker settings", () => {
  test("keywords travel as JSON, commas and all", () => {
    const env = trackerEnvironment({ table: "t", keywords: ["corona virus", "a, b"] });
    expect(parseSettings(TrackerSettingsSchema, { ...base, ...env }).TRACKED_KEYWORDS).toEqual([
      "corona virus",
      "a, b",
    ]);
  });

  test.each([["not json"], ["[]"], ['[""]'], ["[1]"], ['{"a":1}']])("%j is refused, naming the variable", (value) => {
    expect(() =>
      parseSettings(TrackerSettingsSchema, { ...base, TRACKER_TABLE: "t", TRACKED_KEYWORDS: value }),
    ).toThrow(/TRACKED_KEYWORDS=.*JSON list of keywords/);
  });

  test("a missing table is named", () => {
    expect(() => parseSettings(TrackerSettingsSchema, { ...base, TRACKED_KEYWORDS: '["x"]' })).toThrow(
      /TRACKER_TABLE \(not set\)/,
    );
  });
});
