import { parseTweetsArgs, TWEETS_HELP } from "#local/jobs/analytics/tweets/commands";

describe("sluice tweets arguments", () => {
  test("--from and --rate", () => {
    expect(parseTweetsArgs(["--from", "sample", "--rate", "200"])).toEqual({
      from: "sample",
      rate: 200,
      limit: undefined,
      help: false,
    });
    expect(parseTweetsArgs(["--from", "tweets.jsonl", "--limit", "10"]).limit).toBe(10);
  });
  test("-h asks for help; --from is otherwise required, with the usage", () => {
    expect(parseTweetsArgs(["-h"]).help).toBe(true);
    expect(() => parseTweetsArgs([])).toThrow(/--from is required[\s\S]*usage: sluice tweets/);
    expect(TWEETS_HELP).toMatch(/XBearerTokenSecretArn/);
  });
  test.each([
    [["--from", "sample", "--rate", "0"]],
    [["--from", "sample", "--rate", "fast"]],
    [["--from", "x", "--limit=-1"]],
  ])("%j is refused", (args) => {
    expect(() => parseTweetsArgs(args)).toThrow(/must be a positive number/);
  });
  test("unknown options are refused", () => {
    expect(() => parseTweetsArgs(["--from", "sample", "--fast"])).toThrow();
  });
});
