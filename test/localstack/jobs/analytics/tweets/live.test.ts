import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import {
  lines,
  liveTweets,
  readBearerToken,
  streamRule,
  v2ToV11,
  X_RULES_URL,
} from "#local/jobs/analytics/tweets/live";
import { parseTweet } from "#tweets/tweet";

const author = {
  id: "2244994945",
  name: "X Dev 🚀",
  username: "XDevelopers",
  location: "127.0.0.1",
  public_metrics: { followers_count: 570000, following_count: 2000 },
};
const original = {
  id: "1400000000000000001",
  text: "the original #Vaccine",
  created_at: "2021-06-02T10:00:00.000Z",
  author_id: "42",
  entities: { hashtags: [{ start: 13, end: 21, tag: "Vaccine" }] },
};
const payload = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    data: { created_at: "2021-06-02T12:34:56.000Z", author_id: author.id, ...data },
    includes: { users: [author, { id: "42", name: "Orig", username: "orig" }], tweets: [original] },
    matching_rules: [{ id: "1", tag: "sluice" }],
    ...extra,
  });

describe("X API v2 payloads become v1.1 tweets the pipelines parse", () => {
  test("a tweet: timestamp, author with public metrics, hashtags", () => {
    const v11 = v2ToV11(
      payload({ id: "1400000000000000002", text: "hello #COVID19", entities: { hashtags: [{ tag: "COVID19" }] } }),
    );
    const parsed = parseTweet(JSON.stringify(v11));
    expect(parsed.ok && parsed.tweet).toMatchObject({
      id: "1400000000000000002",
      hour: "2021-06-02T12",
      kind: "tweet",
      hashtags: [{ key: "covid19", display: "COVID19" }],
      user: { id: author.id, name: "X Dev 🚀", screenName: "XDevelopers", friendsCount: 2000, followersCount: 570000 },
    });
  });

  test("a retweet carries the retweeted tweet from includes, with its hashtags", () => {
    const v11 = v2ToV11(
      payload({
        id: "1400000000000000003",
        text: "RT @orig: the original #Vaccine",
        referenced_tweets: [{ type: "retweeted", id: original.id }],
      }),
    );
    const parsed = parseTweet(JSON.stringify(v11));
    expect(parsed.ok && parsed.tweet.kind).toBe("retweet");
    expect(parsed.ok && parsed.tweet.hashtags.map((h) => h.key)).toEqual(["vaccine"]);
  });

  test("a quote carries the quoted tweet", () => {
    const v11 = v2ToV11(
      payload({ id: "1400000000000000004", text: "so true", referenced_tweets: [{ type: "quoted", id: original.id }] }),
    );
    expect(v11?.quoted_status).toMatchObject({ id_str: original.id, user: { id_str: "42", screen_name: "orig" } });
  });

  test("keep-alives and error payloads are no tweets", () => {
    expect(v2ToV11("")).toBeUndefined();
    expect(v2ToV11("\r")).toBeUndefined();
    expect(v2ToV11(JSON.stringify({ errors: [{ title: "ConnectionException" }] }))).toBeUndefined();
  });
});

describe("the stream plumbing", () => {
  test("lines split across chunks and multi-byte characters", async () => {
    const bytes = Buffer.from('{"a":"😷"}\r\n\n{"b":2}');
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }
    const got: string[] = [];
    for await (const line of lines(chunks())) got.push(line);
    expect(got).toEqual(['{"a":"😷"}', "", '{"b":2}']);
  });

  test("the rule quotes phrases and ORs the keywords", () => {
    expect(streamRule(["corona virus", "COVID-19", "pandemic"])).toBe('"corona virus" OR "COVID-19" OR pandemic');
  });

  test("liveTweets sets the rule, then yields the stream's tweets as v1.1 lines", async () => {
    const calls: string[] = [];
    const body = Buffer.from(`${payload({ id: "1400000000000000005", text: "pandemic" })}\n\nnot json\n`);
    const fakeFetch = (async (url: string, init?: { headers?: Record<string, string> }) => {
      calls.push(`${url.split("?")[0]} ${init?.headers?.authorization}`);
      if (url === X_RULES_URL) return new Response("{}", { status: 201 });
      return new Response(body, { status: 200 });
    }) as unknown as typeof fetch;
    const got: string[] = [];
    for await (const line of liveTweets("T0KEN", ["pandemic"], fakeFetch)) got.push(line);
    expect(calls).toEqual([
      "https://api.x.com/2/tweets/search/stream/rules Bearer T0KEN",
      "https://api.x.com/2/tweets/search/stream Bearer T0KEN",
    ]);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0] ?? "{}")).toMatchObject({ id_str: "1400000000000000005" });
  });

  test("a refused stream says so", async () => {
    const fakeFetch = (async () => new Response("{}", { status: 401 })) as unknown as typeof fetch;
    await expect(liveTweets("bad", ["x"], fakeFetch).next()).rejects.toThrow(/HTTP 401/);
  });
});

describe("readBearerToken", () => {
  const secrets = (text: string | Error) => ({
    send: jest.fn(async (command: unknown) => {
      expect(command).toBeInstanceOf(GetSecretValueCommand);
      if (text instanceof Error) throw text;
      return { SecretString: text };
    }),
  });
  test.each([
    ['{"bearerToken":"AAAA"}', "AAAA"],
    ['{"bearerToken":""}', undefined],
    ['{"bearerToken":"  "}', undefined],
    ["{}", undefined],
  ])("%s → %s", async (text, token) => {
    // biome-ignore lint/suspicious/noExplicitAny: a stub client
    expect(await readBearerToken(secrets(text) as any, "arn")).toBe(token);
  });
  test("a secret that is no JSON says what to put", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a stub client
    await expect(readBearerToken(secrets("AAAA") as any, "arn")).rejects.toThrow(/not JSON; put \{"bearerToken"/);
  });
  test("an unreadable secret fails with its cause", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a stub client
    await expect(readBearerToken(secrets(new Error("AccessDenied")) as any, "arn")).rejects.toMatchObject({
      message: "cannot read the X bearer token secret arn",
      cause: expect.objectContaining({ message: "AccessDenied" }),
    });
  });
});
