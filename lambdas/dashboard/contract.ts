/**
 * The API's answers, as types only: the routes return them and the web app reads them, so both sides share one
 * spelling. No runtime imports here (the browser bundle and its type check read this file).
 */
import type { HashtagCount, UserRow } from "#tweets/summary";

export type { HashtagCount, UserRow };

export interface AccountView {
  readonly account: string;
  /** Integer cents. */
  readonly balance: number;
  readonly transactions: number;
  readonly openedAt: string;
}

export interface TransactionView {
  readonly transactionId: string;
  readonly type: string;
  readonly cents: number;
  /** The transaction's own date, as entered. */
  readonly date: string;
  readonly source: string;
  /** When the stage applied it. */
  readonly appliedAt: string;
}

export interface BalancePoint {
  /** The transaction's own date (ISO 8601; when it was applied if its date does not parse). */
  readonly at: string;
  readonly transactionId: string;
  /** The balance once it was applied, in cents. */
  readonly balance: number;
}

export type OutcomeView =
  | { readonly transactionId: string; readonly status: "pending" }
  | {
      readonly transactionId: string;
      readonly status: "applied" | "rejected";
      readonly account: string;
      readonly type: string;
      readonly amount: string;
      readonly cents?: number;
      readonly reason?: string;
      readonly detail?: string;
      readonly recordedAt: string;
    };

export interface AccountsResponse {
  readonly accounts: AccountView[];
}

export interface TransactionsPage {
  readonly account: string;
  readonly items: TransactionView[];
  /** Pass as `cursor` for the next page; null on the last. */
  readonly next: string | null;
}

export interface BalanceHistoryResponse {
  readonly account: string;
  readonly balance: number;
  readonly points: BalancePoint[];
}

export interface SentTransaction {
  readonly transactionId: string;
  readonly account: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface HourlySeries {
  /** Every hour any of the series has a count for, in order (`YYYY-MM-DDTHH`, UTC). */
  readonly hours: string[];
  /** One per hashtag, busiest first; `counts[i]` is the count of `hours[i]` (0 when none). */
  readonly series: Array<{ key: string; display: string; counts: number[] }>;
}

export type UserRanking = "friends" | "followers";

export interface TrackedKeyword {
  readonly keyword: string;
  /** Tweets that mentioned it. */
  readonly tweets: number;
  /** Their hashtags, busiest first. */
  readonly hashtags: HashtagCount[];
}

export interface HashtagsResponse {
  /** Tweets counted. */
  readonly applied: number;
  /** Records that were no tweet, by reason. */
  readonly rejected: Record<string, number>;
  readonly hashtags: HashtagCount[];
}

export interface UsersResponse {
  readonly by: "friends" | "followers";
  readonly total: number;
  readonly users: UserRow[];
}

export interface TrackerResponse {
  readonly applied: number;
  readonly rejected: Record<string, number>;
  readonly keywords: TrackedKeyword[];
}

export interface MetaResponse {
  readonly mode: "full" | "read-only";
  readonly stackPrefix: string;
  readonly routes: ReadonlyArray<{ method: "GET" | "POST"; path: string; writes: boolean }>;
  readonly time: string;
}
