/**
 * The Tweets and Keyword-tracker pages' API: every hashtag with its count (busiest first), the hourly counts of
 * the busiest, users by friends or followers, and the tracker's keywords with their hashtags. Each table is read
 * whole (`#shared/scan`): small here; see the README's known differences.
 */
import { z } from "zod";
import { scanAll } from "#shared/scan";
import { summarizeHashtags, summarizeTracker, summarizeUsers } from "#tweets/summary";
import type { HashtagsResponse, HourlySeries, TrackerResponse, UsersResponse } from "../contract";
import { hourlySeries, rankUsers, trackedKeywords } from "../domain/tweets";
import { type DashboardDeps, source } from "../server/deps";
import { HttpError } from "../server/http";
import { defineRoute, type Route } from "../server/router";

const hashtagItems = (deps: DashboardDeps) => scanAll(deps.dynamo(), source(deps, "HASHTAGS_TABLE"));

function configuredKeywords(deps: DashboardDeps): string[] {
  const text = source(deps, "TRACKED_KEYWORDS");
  const parsed = z.array(z.string()).safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new HttpError(503, "source-not-configured", "TRACKED_KEYWORDS is not a JSON list of keywords");
  return parsed.data;
}

export const tweetRoutes: Route<DashboardDeps>[] = [
  defineRoute<DashboardDeps>({
    method: "GET",
    path: "/api/tweets/hashtags",
    async handle({ deps }): Promise<HashtagsResponse> {
      const { applied, rejected, hashtags } = summarizeHashtags(await hashtagItems(deps));
      return { applied, rejected, hashtags };
    },
  }),
  defineRoute<DashboardDeps, z.ZodObject, z.ZodObject<{ top: z.ZodDefault<z.ZodCoercedNumber> }>>({
    method: "GET",
    path: "/api/tweets/hourly",
    query: z.object({ top: z.coerce.number().int().min(1).max(10).default(5) }),
    async handle({ query, deps }): Promise<HourlySeries> {
      const { hashtags, hourly } = summarizeHashtags(await hashtagItems(deps));
      return hourlySeries(hashtags, hourly, query.top);
    },
  }),
  defineRoute<
    DashboardDeps,
    z.ZodObject,
    z.ZodObject<{
      by: z.ZodDefault<z.ZodEnum<{ friends: "friends"; followers: "followers" }>>;
      limit: z.ZodDefault<z.ZodCoercedNumber>;
    }>
  >({
    method: "GET",
    path: "/api/tweets/users",
    query: z.object({
      by: z.enum(["friends", "followers"], { error: "friends or followers" }).default("followers"),
      limit: z.coerce.number().int().min(1).max(10_000).default(10),
    }),
    async handle({ query, deps }): Promise<UsersResponse> {
      const users = summarizeUsers(await scanAll(deps.dynamo(), source(deps, "USERS_TABLE")));
      return { by: query.by, total: users.length, users: rankUsers(users, query.by, query.limit) };
    },
  }),
  defineRoute<DashboardDeps>({
    method: "GET",
    path: "/api/tracker",
    async handle({ deps }): Promise<TrackerResponse> {
      const configured = configuredKeywords(deps);
      const tracker = summarizeTracker(await scanAll(deps.dynamo(), source(deps, "TRACKER_TABLE")));
      return { applied: tracker.applied, rejected: tracker.rejected, keywords: trackedKeywords(configured, tracker) };
    },
  }),
];
