/**
 * The sample tweet stream: a few thousand tweets in the Twitter v1.1 streaming shape, generated from a seed (the
 * same seed gives the same lines), with retweets, quotes, truncated tweets with an `extended_tweet`, emoji in names
 * and texts, many scripts, duplicates (a stream may deliver a tweet twice) and malformed lines.
 *
 * The sample DECLARES what the pipelines must make of it, from its own construction: every hashtag use it deals out,
 * every keyword it writes into a text, every user's last tweet, every malformed line's reason are booked as they
 * are made (sample-data.ts writes down each key, display form and expected name by hand). Nothing here calls the
 * pipelines' rules.
 */

import { seededRng } from "../../../support/random";
import {
  KEYWORD_SPELLINGS,
  MALFORMED,
  NEAR_MISSES,
  QUOTED_ONLY,
  SENTENCES,
  TAIL_TOPICS,
  TAIL_USES,
  TOP_TOPICS,
  TOP_USES,
  type Topic,
  USER_NAMES,
} from "./sample-data";

export interface SampleOptions {
  /** Distinct valid tweets. @default 3000 */
  readonly tweets?: number;
  /** @default 20201 */
  readonly seed?: number;
  /** Added to every tweet id, so a second sample is new tweets (a benchmark's), not repeats. @default 0n */
  readonly idOffset?: bigint;
}

export interface DeclaredUser {
  readonly userId: string;
  readonly name: string;
  readonly friendsCount: number;
  readonly followersCount: number;
  readonly tweetsSeen: number;
}

export interface SampleDeclaration {
  /** Lines produced: tweets, duplicates and malformed lines. */
  readonly lines: number;
  readonly tweets: number;
  readonly duplicates: number;
  readonly rejected: Readonly<Record<string, number>>;
  /** Every hashtag counted, busiest first (ties by key): its key, display form and count. */
  readonly hashtags: ReadonlyArray<{ readonly key: string; readonly display: string; readonly count: number }>;
  /** Per UTC hour (`YYYY-MM-DDTHH`), the busiest hashtag's counts. */
  readonly busiestHourly: Readonly<Record<string, number>>;
  /** Keys that appear in the stream and must not be counted. */
  readonly uncounted: readonly string[];
  readonly users: readonly DeclaredUser[];
  /** Distinct tweets that mention at least one tracked keyword: the tracker's receipts. */
  readonly trackedTweets: number;
  /** The keywords the tracker declarations hold for. */
  readonly keywords: readonly string[];
  /** Per keyword: the tweets that mention it and their hashtags' counts. */
  readonly tracker: Readonly<Record<string, { readonly tweets: number; readonly hashtags: Record<string, number> }>>;
}

export interface Sample {
  /** One record value per line, in the order to produce them. */
  readonly lines: readonly string[];
  readonly declared: SampleDeclaration;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => String(n).padStart(2, "0");

/** The v1.1 `created_at` of an instant, in UTC. */
export function v11Date(d: Date): string {
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${time} +0000 ${d.getUTCFullYear()}`;
}

const START = Date.UTC(2020, 2, 14, 9, 0, 0);
const SPAN_MS = 6 * 3600_000;
const USERS = 150;
const LOCATIONS = ["Madrid", "Paris", "Москва", "القاهرة", "東京", "서울", null, "", "Berlin", "São Paulo"];

interface Plan {
  kind: "tweet" | "retweet" | "quote";
  user: number;
  /** Spellings of the counted hashtags, in order, possibly with a second spelling of one after it. */
  tags: string[];
  keys: Set<string>;
  keywords: string[];
  nearMiss?: string;
  truncated: boolean;
}

export function buildSample(options: SampleOptions = {}): Sample {
  const n = options.tweets ?? 3000;
  const rnd = seededRng(options.seed ?? 20201).next;
  const idOffset = options.idOffset ?? 0n;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const scale = n / 3000;

  const plans: Plan[] = Array.from({ length: n }, () => {
    const r = rnd();
    return {
      kind: r < 0.6 ? "tweet" : r < 0.85 ? "retweet" : "quote",
      user: Math.floor(rnd() * USERS),
      tags: [],
      keys: new Set<string>(),
      keywords: [],
      truncated: false,
    };
  });

  // Deal out every hashtag use to a random tweet that does not have that hashtag yet (at most 4 per tweet).
  const uses: Array<{ topic: Topic; nth: number }> = [];
  const book = (topic: Topic, count: number) => {
    for (let nth = 0; nth < Math.max(1, Math.round(count * scale)); nth++) uses.push({ topic, nth });
  };
  TOP_TOPICS.forEach((t, i) => {
    book(t, TOP_USES[i] ?? 0);
  });
  TAIL_TOPICS.forEach((t, i) => {
    book(t, TAIL_USES[i % TAIL_USES.length] ?? 1);
  });
  const counts = new Map<string, { display: string; count: number }>();
  for (const { topic, nth } of uses) {
    let plan: Plan;
    do plan = pick(plans);
    while (plan.keys.has(topic.key) || plan.keys.size >= 4);
    const spelling = spellingOf(topic, nth);
    plan.keys.add(topic.key);
    plan.tags.push(spelling);
    // Now and then the same hashtag twice in one tweet, spelt otherwise: still one use.
    if (rnd() < 0.05) plan.tags.push(topic.spellings[topic.spellings.length - 1] ?? spelling);
    const entry = counts.get(topic.key) ?? { display: topic.spellings[0] ?? "", count: 0 };
    entry.count++;
    counts.set(topic.key, entry);
  }

  // Keywords written into texts (where the tracker must find them), and near misses (where it must not).
  const keywords = Object.keys(KEYWORD_SPELLINGS);
  for (const plan of plans) {
    const r = rnd();
    const first = Math.floor(rnd() * keywords.length);
    const second = (first + 1 + Math.floor(rnd() * (keywords.length - 1))) % keywords.length;
    if (r < 0.18) plan.keywords.push(keywords[first] as string);
    if (r >= 0.15 && r < 0.18 && second !== first) plan.keywords.push(keywords[second] as string);
    if (rnd() < 0.06) plan.nearMiss = pick(NEAR_MISSES);
    plan.truncated = plan.kind === "tweet" && rnd() < 0.1;
  }

  const seen = new Map<number, { n: number; last: DeclaredUser }>();
  const tracker: Record<string, { tweets: number; hashtags: Record<string, number> }> = Object.fromEntries(
    keywords.map((k) => [k, { tweets: 0, hashtags: {} }]),
  );
  const busiest = TOP_TOPICS[0]?.key ?? "";
  const busiestHourly: Record<string, number> = {};
  const tweetLines: string[] = plans.map((plan, i) => {
    const at = new Date(START + Math.floor((i * SPAN_MS) / n));
    const nth = seen.get(plan.user)?.n ?? 0;
    const author = userJson(plan.user, nth);
    seen.set(plan.user, {
      n: nth + 1,
      last: {
        userId: author.id_str,
        name: USER_NAMES[plan.user % USER_NAMES.length]?.[1] ?? "",
        friendsCount: author.friends_count,
        followersCount: author.followers_count,
        tweetsSeen: nth + 1,
      },
    });
    for (const k of plan.keywords) {
      const t = tracker[k] as { tweets: number; hashtags: Record<string, number> };
      t.tweets++;
      for (const key of plan.keys) t.hashtags[key] = (t.hashtags[key] ?? 0) + 1;
    }
    if (plan.keys.has(busiest)) {
      const hour = at.toISOString().slice(0, 13);
      busiestHourly[hour] = (busiestHourly[hour] ?? 0) + 1;
    }
    const spelled = plan.keywords.map((k) => pick(KEYWORD_SPELLINGS[k] ?? [k]));
    const sentence = [pick(SENTENCES), ...spelled, plan.nearMiss ?? ""].filter((s) => s !== "").join(" ");
    const withTags = (text: string, tags: readonly string[]) => [text, ...tags.map((t) => `#${t}`)].join(" ");
    const id = String(1238000000000000000n + idOffset + BigInt(i) * 1000n);
    const other = (text: string, tags: readonly string[]) => ({
      created_at: v11Date(new Date(at.getTime() - 3600_000)),
      id_str: String(1237000000000000000n + idOffset + BigInt(i) * 1000n),
      text: withTags(text, tags),
      entities: { hashtags: tags.map((t) => ({ text: t })) },
      user: userJson((plan.user + 1 + i) % USERS, 0),
    });
    const base = { created_at: v11Date(at), id_str: id, user: author };
    if (plan.kind === "retweet") {
      const original = other(sentence, plan.tags);
      return JSON.stringify({
        ...base,
        text: `RT @${original.user.screen_name}: ${original.text}`,
        entities: { hashtags: plan.tags.slice(0, 1).map((t) => ({ text: t })) },
        retweeted_status: original,
      });
    }
    if (plan.kind === "quote") {
      // The keywords go in the quote or in the quoted tweet; the quoted tweet's own hashtag is never counted.
      const inQuoted = rnd() < 0.5;
      const quoted = other(inQuoted ? sentence : pick(SENTENCES), QUOTED_ONLY.spellings);
      const own = inQuoted ? `${pick(SENTENCES)} ${plan.nearMiss ?? ""}`.trim() : sentence;
      return JSON.stringify({
        ...base,
        text: withTags(own, plan.tags),
        entities: entities(plan.tags),
        quoted_status: quoted,
      });
    }
    const full = withTags(sentence, plan.tags);
    if (!plan.truncated) return JSON.stringify({ ...base, text: full, entities: entities(plan.tags) });
    const long = `${full} — ${SENTENCES.join(" ")}`;
    return JSON.stringify({
      ...base,
      text: `${[...long].slice(0, 139).join("")}…`,
      truncated: true,
      entities: { hashtags: [] },
      extended_tweet: { full_text: long, entities: entities(plan.tags) },
    });
  });

  // Interleave duplicates (a tweet again, a little later) and malformed lines.
  const lines = [...tweetLines];
  const duplicates = Math.max(1, Math.round(20 * scale));
  for (let d = 0; d < duplicates; d++) {
    const at = Math.floor(rnd() * (lines.length - 1));
    lines.splice(Math.min(lines.length, at + 10 + Math.floor(rnd() * 90)), 0, lines[at] as string);
  }
  const rejected: Record<string, number> = {};
  for (const [line, reason] of MALFORMED) {
    lines.splice(Math.floor(rnd() * lines.length), 0, line);
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  }

  const hashtags = [...counts.entries()]
    .map(([key, c]) => ({ key, display: c.display, count: c.count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  return {
    lines,
    declared: {
      lines: lines.length,
      tweets: n,
      duplicates,
      rejected,
      hashtags,
      busiestHourly,
      uncounted: [QUOTED_ONLY.key],
      users: [...seen.values()].map((s) => s.last).sort((a, b) => (a.userId < b.userId ? -1 : 1)),
      trackedTweets: plans.filter((p) => p.keywords.length > 0).length,
      keywords,
      tracker,
    },
  };
}

/** The first spelling three times in four, the others in turn: the first is the display form the counter must keep. */
function spellingOf(topic: Topic, nth: number): string {
  const [first = topic.key, ...others] = topic.spellings;
  if (others.length === 0 || nth % 4 !== 3) return first;
  return others[(nth >> 2) % others.length] ?? first;
}

function entities(tags: readonly string[]) {
  return { hashtags: tags.map((t) => ({ text: t })) };
}

/** User `u` at their `nth` tweet: friends and followers grow as they tweet. */
function userJson(u: number, nth: number) {
  return {
    id_str: String(100000 + u * 7919),
    name: USER_NAMES[u % USER_NAMES.length]?.[0] ?? "",
    screen_name: `user${u}`,
    friends_count: 10 + ((u * 37) % 500) + nth,
    followers_count: ((u * 7919) % 100000) + 3 * nth,
    location: LOCATIONS[u % LOCATIONS.length] ?? null,
  };
}
