/**
 * The tweet pipelines' tables and their items, in one place (the stages write them, the job and the tests read
 * them). Every table has a string partition key `pk` and sort key `sk`, except the users table (`userId`).
 *
 * Hashtags (the `hashtags` stage):
 *
 * | pk                   | sk                    | what                                                            |
 * |----------------------|-----------------------|-----------------------------------------------------------------|
 * | `TAG#<key>`          | `ALL`                 | `count`: tweets that used the hashtag, all time                 |
 * | `TAG#<key>`          | `HOUR#YYYY-MM-DDTHH`  | `count`: the same, for one UTC hour of `created_at`             |
 * | `TAG#<key>`          | `FORM#<display>`      | `count`: tweets that wrote it this way (the most frequent wins) |
 * | `RECEIPT#<tweet id>` | `PART#<n>`            | the tweet's increments are applied (part n of its transactions) |
 * | `REJECTED#<sha256>`  | `REJECTED`            | a record value that is no tweet: `reason`, `detail`             |
 *
 * Tracker (the `tracker` stage), per tracked keyword as configured:
 *
 * | pk                   | sk                    | what                                                            |
 * |----------------------|-----------------------|-----------------------------------------------------------------|
 * | `KEYWORD#<keyword>`  | `TWEETS`              | `count`: tweets that mention the keyword                        |
 * | `KEYWORD#<keyword>`  | `TAG#<key>`           | `count`: of those, the tweets that used the hashtag             |
 * | `KEYWORD#<keyword>`  | `FORM#<key>#<display>`| `count`: per spelling                                           |
 * | `RECEIPT#<tweet id>` | `PART#<n>`            | as above                                                        |
 * | `REJECTED#<sha256>`  | `REJECTED`            | as above                                                        |
 *
 * Users (the `hashtags` stage, in the same transactions): `userId` → `name` (emoji removed, "No name" when
 * nothing is left), `rawName`, `screenName`, `friendsCount`, `followersCount`, `location`, `tweetsSeen`,
 * `lastTweetId`, `lastTweetAt`: the latest tweet applied wins, and a user's tweets are applied in order because
 * the producer keys them by user id (one partition each).
 */

export const ALL = "ALL";
export const TWEETS = "TWEETS";
export const REJECTED = "REJECTED";

export const tagPk = (key: string): string => `TAG#${key}`;
export const hourSk = (hour: string): string => `HOUR#${hour}`;
export const formSk = (display: string): string => `FORM#${display}`;
export const keywordPk = (keyword: string): string => `KEYWORD#${keyword}`;
export const trackerTagSk = (key: string): string => `TAG#${key}`;
export const trackerFormSk = (key: string, display: string): string => `FORM#${key}#${display}`;
export const receiptPk = (tweetId: string): string => `RECEIPT#${tweetId}`;
export const partSk = (part: number): string => `PART#${part}`;
export const rejectedPk = (valueHash: string): string => `REJECTED#${valueHash}`;

/** The names the stages' settings carry. */
export interface HashtagTables {
  readonly hashtags: string;
  readonly users: string;
}
