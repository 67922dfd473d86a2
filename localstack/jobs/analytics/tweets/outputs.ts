/** What the producer needs from the deployed stacks' outputs: the topic and the tracker's keywords. */
import { z } from "zod";

export function tweetsTopicOf(outputs: Record<string, string>): string {
  const topic = outputs.TweetsTopic;
  if (!topic) throw new Error("the stack output TweetsTopic is missing: deploy first (npm run deploy:local)");
  return topic;
}

/** The keywords the tracker was deployed with (the `TrackedKeywords` output, a JSON list). */
export function trackedKeywordsOf(outputs: Record<string, string>): string[] {
  const raw = outputs.TrackedKeywords;
  if (!raw) throw new Error("the stack output TrackedKeywords is missing: deploy first (npm run deploy:local)");
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`the stack output TrackedKeywords is not JSON: ${raw}`, { cause: error });
  }
  const parsed = z.array(z.string().min(1)).min(1).safeParse(json);
  if (!parsed.success) throw new Error(`the stack output TrackedKeywords is not a list of keywords: ${raw}`);
  return parsed.data;
}
