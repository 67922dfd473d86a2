/**
 * `sluice tweets --from live`: the X API v2 filtered stream, read with the bearer token of the
 * `XBearerTokenSecretArn` secret, its tweets turned into the v1.1 shape the pipelines parse. The stream's rule is
 * the tracked keywords OR'ed (quoted phrases); the tracker still decides by its own word-boundary match.
 *
 * v2 → v1.1: `created_at` (ISO) becomes the v1.1 timestamp; the author (`includes.users`, by `author_id`) becomes
 * `user` with `public_metrics` as friends/followers; `entities.hashtags[].tag` becomes `[].text`; a `retweeted` or
 * `quoted` reference found in `includes.tweets` becomes `retweeted_status` / `quoted_status`.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { v11Date } from "./sample";

export const X_STREAM_URL = "https://api.x.com/2/tweets/search/stream";
export const X_RULES_URL = "https://api.x.com/2/tweets/search/stream/rules";
export const X_STREAM_QUERY =
  "tweet.fields=created_at,entities,referenced_tweets,author_id&expansions=author_id,referenced_tweets.id,referenced_tweets.id.author_id&user.fields=name,username,location,public_metrics";

const V2User = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  location: z.string().optional(),
  public_metrics: z.object({ followers_count: z.number(), following_count: z.number() }).partial().optional(),
});
const V2Tweet = z.object({
  id: z.string(),
  text: z.string(),
  created_at: z.string(),
  author_id: z.string(),
  entities: z.object({ hashtags: z.array(z.object({ tag: z.string() })).optional() }).optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
});
const V2Payload = z.object({
  data: V2Tweet,
  includes: z.object({ users: z.array(V2User).optional(), tweets: z.array(V2Tweet).optional() }).optional(),
});
type V2TweetT = z.infer<typeof V2Tweet>;
type V2UserT = z.infer<typeof V2User>;

/** The bearer token, or undefined when the secret holds none (the live stream is then skipped). */
export async function readBearerToken(secrets: SecretsManagerClient, arn: string): Promise<string | undefined> {
  let text: string | undefined;
  try {
    ({ SecretString: text } = await secrets.send(new GetSecretValueCommand({ SecretId: arn })));
  } catch (error) {
    throw new Error(`cannot read the X bearer token secret ${arn}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? "{}");
  } catch (error) {
    throw new Error(`the X bearer token secret ${arn} is not JSON; put {"bearerToken":"…"}`, { cause: error });
  }
  const parsed = z.object({ bearerToken: z.string() }).safeParse(json);
  const token = parsed.success ? parsed.data.bearerToken.trim() : "";
  return token === "" ? undefined : token;
}

/** The filtered stream's rule for the keywords: phrases quoted, OR'ed. */
export function streamRule(keywords: readonly string[]): string {
  return keywords.map((k) => (/\s|-/.test(k) ? `"${k.replace(/"/g, "")}"` : k)).join(" OR ");
}

/** One v2 stream payload (a JSON line) as a v1.1 tweet; undefined for a keep-alive, or an error payload. */
export function v2ToV11(line: string): Record<string, unknown> | undefined {
  if (line.trim() === "") return undefined;
  const parsed = V2Payload.safeParse(JSON.parse(line));
  if (!parsed.success) return undefined;
  const { data, includes } = parsed.data;
  const users = new Map((includes?.users ?? []).map((u) => [u.id, u]));
  const tweets = new Map((includes?.tweets ?? []).map((t) => [t.id, t]));
  const ref = (type: string) => {
    const id = data.referenced_tweets?.find((r) => r.type === type)?.id;
    const tweet = id === undefined ? undefined : tweets.get(id);
    return tweet && status(tweet, users.get(tweet.author_id));
  };
  const retweeted = ref("retweeted");
  const quoted = ref("quoted");
  return {
    ...status(data, users.get(data.author_id)),
    ...(retweeted ? { retweeted_status: retweeted } : {}),
    ...(quoted ? { quoted_status: quoted } : {}),
  };
}

function status(tweet: V2TweetT, user: V2UserT | undefined): Record<string, unknown> {
  return {
    created_at: v11Date(new Date(tweet.created_at)),
    id_str: tweet.id,
    text: tweet.text,
    entities: { hashtags: (tweet.entities?.hashtags ?? []).map((h) => ({ text: h.tag })) },
    user: {
      id_str: tweet.author_id,
      name: user?.name ?? "",
      screen_name: user?.username ?? tweet.author_id,
      friends_count: user?.public_metrics?.following_count ?? 0,
      followers_count: user?.public_metrics?.followers_count ?? 0,
      location: user?.location ?? null,
    },
  };
}

/** Splits a byte stream into lines (the filtered stream is newline-delimited JSON with blank keep-alives). */
export async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let at = rest.indexOf("\n");
    while (at >= 0) {
      yield rest.slice(0, at).replace(/\r$/, "");
      rest = rest.slice(at + 1);
      at = rest.indexOf("\n");
    }
  }
  rest += decoder.decode();
  if (rest !== "") yield rest;
}

/** The live stream as v1.1 lines: sets the stream's rule to the keywords, then reads until the stream ends. */
export async function* liveTweets(
  token: string,
  keywords: readonly string[],
  fetchFn: typeof fetch = fetch,
): AsyncGenerator<string> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const rules = await fetchFn(X_RULES_URL, {
    method: "POST",
    headers,
    body: JSON.stringify({ add: [{ value: streamRule(keywords), tag: "sluice tracked keywords" }] }),
  });
  if (!rules.ok && rules.status !== 409) throw new Error(`X API: setting the stream rule failed: HTTP ${rules.status}`);
  const response = await fetchFn(`${X_STREAM_URL}?${X_STREAM_QUERY}`, { headers });
  if (!response.ok || response.body === null)
    throw new Error(`X API: the filtered stream answered HTTP ${response.status}`);
  for await (const line of lines(response.body as unknown as AsyncIterable<Uint8Array>)) {
    let tweet: Record<string, unknown> | undefined;
    try {
      tweet = v2ToV11(line);
    } catch {
      tweet = undefined; // a line that is no JSON: the stream's own noise
    }
    if (tweet) yield JSON.stringify(tweet);
  }
}
