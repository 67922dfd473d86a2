/**
 * The producer side of the keyword tracker: each line becomes a record keyed by its author's user id (one user's
 * tweets stay in order on one partition), and a tweet that mentions tracked keywords carries them in
 * `tracked_keywords`, the field the tracker's Lambda filter tests (Lambda filters cannot search text). A line that is
 * no tweet goes through unchanged, unkeyed: the hashtags stage rejects it with its reason.
 */
import type { KeywordMatcher } from "#tweets/keywords";
import { TRACKED_MARK, tweetFromJson } from "#tweets/tweet";

export interface TweetRecord {
  readonly key: string | undefined;
  readonly value: string;
  /** The tracked keywords the tweet mentions (empty when none, or not a tweet). */
  readonly keywords: readonly string[];
}

export function markLine(line: string, match: KeywordMatcher): TweetRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { key: undefined, value: line, keywords: [] };
  }
  const parsed = tweetFromJson(json);
  const userId = (json as { user?: { id_str?: unknown } } | null)?.user?.id_str;
  const key = typeof userId === "string" ? userId : undefined;
  if (!parsed.ok) return { key, value: line, keywords: [] };
  // Whatever mark the line came with, the deployed keywords decide.
  const { [TRACKED_MARK]: _stale, ...tweet } = json as Record<string, unknown>;
  const keywords = match(parsed.tweet.keywordText);
  const value = JSON.stringify(keywords.length > 0 ? { ...tweet, [TRACKED_MARK]: keywords } : tweet);
  return { key, value, keywords };
}
