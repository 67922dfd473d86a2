/**
 * A tweet as the Twitter v1.1 streaming API delivers it (the shape the seeds consumed), parsed and checked into
 * the few fields the tweet pipelines use. Every other field is ignored. What is counted, decided here once:
 *
 * - the text is the full text: `extended_tweet.full_text` when the tweet was truncated, else `text`;
 * - a retweet's hashtags are the retweeted tweet's (its full text; the retweet's own `entities` describe the
 *   truncated "RT @user: …" text and may miss some); a quote's are its own (the quoted tweet is another tweet);
 * - a tweet uses a hashtag once however often it writes it: counts are of tweets, the first spelling counts
 *   towards the display form;
 * - the text a keyword may appear in is the tweet's own, the retweeted one's and the quoted one's (what the
 *   streaming API's `track` matched on);
 * - the user is the author (a retweeted or quoted author has not been seen tweeting on the stream).
 */
import { z } from "zod";
import { hashtagDisplay, hashtagKey } from "./text";

/** The producer's mark: the tracked keywords a tweet mentions, left out when none (the tracker's filter tests it). */
export const TRACKED_MARK = "tracked_keywords";

/** Why a record is not a countable tweet. */
export const TWEET_REJECTIONS = ["not-json", "not-a-tweet", "invalid-tweet", "bad-created-at"] as const;
export type TweetRejection = (typeof TWEET_REJECTIONS)[number];

const IdString = z.string().regex(/^\d{1,20}$/, "expected a decimal id of 1 to 20 digits");
const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const TweetUserSchema = z.object({
  id_str: IdString,
  name: z.string().max(200),
  screen_name: z.string().min(1).max(50),
  friends_count: Count,
  followers_count: Count,
  location: z.string().max(500).nullish(),
});

const EntitiesSchema = z.object({
  hashtags: z.array(z.object({ text: z.string().min(1).max(280) })).max(280),
});

const StatusSchema = z.object({
  created_at: z.string(),
  id_str: IdString,
  text: z.string().max(10_000).optional(),
  full_text: z.string().max(10_000).optional(),
  extended_tweet: z.object({ full_text: z.string().max(10_000), entities: EntitiesSchema.optional() }).optional(),
  entities: EntitiesSchema.optional(),
  user: TweetUserSchema,
});

export const TweetSchema = StatusSchema.extend({
  retweeted_status: StatusSchema.optional(),
  quoted_status: StatusSchema.optional(),
  [TRACKED_MARK]: z.array(z.string()).min(1).optional(),
});
export type RawTweet = z.infer<typeof TweetSchema>;
type RawStatus = z.infer<typeof StatusSchema>;

export interface TweetUser {
  readonly id: string;
  /** As written, emoji included. */
  readonly name: string;
  readonly screenName: string;
  readonly friendsCount: number;
  readonly followersCount: number;
  readonly location: string | undefined;
}

export interface HashtagUse {
  /** The counter key (case-folded). */
  readonly key: string;
  /** As this tweet wrote it. */
  readonly display: string;
}

export interface Tweet {
  readonly id: string;
  readonly createdAt: Date;
  /** The UTC hour of `createdAt`, `YYYY-MM-DDTHH`: the per-hour counters' bucket. */
  readonly hour: string;
  readonly kind: "tweet" | "retweet" | "quote";
  readonly text: string;
  /** Distinct by key, in order of first use. */
  readonly hashtags: readonly HashtagUse[];
  /** The texts a tracked keyword may appear in, joined by line breaks. */
  readonly keywordText: string;
  readonly user: TweetUser;
  readonly trackedKeywords: readonly string[];
}

export type TweetParse =
  | { readonly ok: true; readonly tweet: Tweet }
  | { readonly ok: false; readonly reason: TweetRejection; readonly detail: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const CREATED_AT =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;

/** `Wed Oct 10 20:19:24 +0000 2018` → the instant, or undefined when it is not that format or not a real date. */
export function parseCreatedAt(text: string): Date | undefined {
  const m = CREATED_AT.exec(text);
  if (m === null) return undefined;
  const [, day, mon, dd, hh, mi, ss, sign, oh, om, yyyy] = m as unknown as string[];
  const month = MONTHS.indexOf(mon ?? "");
  if (month < 0) return undefined;
  const [y, d, h, min, s] = [yyyy, dd, hh, mi, ss].map(Number) as [number, number, number, number, number];
  if (h > 23 || min > 59 || s > 59) return undefined;
  const local = Date.UTC(y, month, d, h, min, s);
  const check = new Date(local);
  if (check.getUTCMonth() !== month || check.getUTCDate() !== d || DAYS[check.getUTCDay()] !== day) return undefined;
  const offset = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return new Date(local - offset);
}

/** The UTC hour bucket of an instant: `2018-10-10T20`. */
export function hourOf(date: Date): string {
  return date.toISOString().slice(0, 13);
}

function fullText(status: RawStatus): string {
  return status.extended_tweet?.full_text ?? status.full_text ?? status.text ?? "";
}

function hashtagTexts(status: RawStatus): string[] {
  const entities = status.extended_tweet?.entities ?? status.entities;
  return entities?.hashtags.map((h) => h.text) ?? [];
}

/** Distinct by key, first spelling kept. */
export function distinctHashtags(texts: readonly string[]): HashtagUse[] {
  const seen = new Map<string, HashtagUse>();
  for (const text of texts) {
    const display = hashtagDisplay(text);
    const key = hashtagKey(display);
    if (key !== "" && !seen.has(key)) seen.set(key, { key, display });
  }
  return [...seen.values()];
}

/** A tweet from an already-decoded JSON value. */
export function tweetFromJson(json: unknown): TweetParse {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, reason: "not-a-tweet", detail: `expected a JSON object, got ${describe(json)}` };
  }
  if (!("id_str" in json) || !("created_at" in json)) {
    const keys = Object.keys(json).slice(0, 5).join(", ");
    return { ok: false, reason: "not-a-tweet", detail: `no id_str and created_at (keys: ${keys || "none"})` };
  }
  const parsed = TweetSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ");
    return { ok: false, reason: "invalid-tweet", detail };
  }
  const raw = parsed.data;
  const createdAt = parseCreatedAt(raw.created_at);
  if (createdAt === undefined) {
    return { ok: false, reason: "bad-created-at", detail: `created_at ${JSON.stringify(raw.created_at)}` };
  }
  const kind = raw.retweeted_status ? "retweet" : raw.quoted_status ? "quote" : "tweet";
  const counted = raw.retweeted_status ?? raw;
  const texts = [
    fullText(raw),
    raw.retweeted_status && fullText(raw.retweeted_status),
    raw.quoted_status && fullText(raw.quoted_status),
  ];
  const u = raw.user;
  return {
    ok: true,
    tweet: {
      id: raw.id_str,
      createdAt,
      hour: hourOf(createdAt),
      kind,
      text: fullText(raw),
      hashtags: distinctHashtags(hashtagTexts(counted)),
      keywordText: texts.filter((t): t is string => typeof t === "string" && t !== "").join("\n"),
      user: {
        id: u.id_str,
        name: u.name,
        screenName: u.screen_name,
        friendsCount: u.friends_count,
        followersCount: u.followers_count,
        location: u.location ?? undefined,
      },
      trackedKeywords: raw.tracked_keywords ?? [],
    },
  };
}

/** A tweet from a record's value (UTF-8 text). */
export function parseTweet(text: string): TweetParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not-json", detail: `not JSON: ${text.slice(0, 60)}` };
  }
  return tweetFromJson(json);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}
