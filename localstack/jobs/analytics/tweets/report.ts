/**
 * What the tweet pipelines' tables hold, read back for the summary and the tests: each table scanned whole (a
 * few thousand items here; a dashboard in production would keep a top-N index instead) and summarised by the pure
 * functions of `#tweets/summary`.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { scanAll } from "#shared/scan";
import { summarizeHashtags, summarizeTracker, summarizeUsers, type TweetTables } from "#tweets/summary";

export interface TweetTableNames {
  readonly hashtags: string;
  readonly users: string;
  readonly tracker: string;
}

/** The table names from the deployed stacks' outputs. */
export function tweetTableNames(outputs: Record<string, string>): TweetTableNames {
  const need = (key: string): string => {
    const value = outputs[key];
    if (!value) throw new Error(`the stack output ${key} is missing: is the analytics stack deployed?`);
    return value;
  };
  return {
    hashtags: need("TweetHashtagsTableName"),
    users: need("TweetUsersTableName"),
    tracker: need("TweetTrackerTableName"),
  };
}

export async function readTweetTables(db: DynamoDBDocumentClient, tables: TweetTableNames): Promise<TweetTables> {
  const [hashtags, users, tracker] = await Promise.all([
    scanAll(db, tables.hashtags),
    scanAll(db, tables.users),
    scanAll(db, tables.tracker),
  ]);
  return { ...summarizeHashtags(hashtags), users: summarizeUsers(users), tracker: summarizeTracker(tracker) };
}
