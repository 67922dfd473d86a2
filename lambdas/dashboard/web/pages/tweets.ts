/**
 * Tweets: the ten busiest hashtags as a bar chart and every hashtag in a sortable, searchable table; the busiest
 * hashtags per hour; users by friends and by followers.
 */
import type { HashtagCount, HashtagsResponse, HourlySeries, UserRow, UsersResponse } from "../../contract";
import { getJson } from "../api";
import { BarChartFigure, LineChartFigure } from "../components/charts";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { h } from "../dom";
import { errorText, formatCount } from "../format";
import type { Page } from "./types";

const NO_TWEETS = "No tweet counted yet: send some with `sluice tweets` (npm start sends the sample).";
export const hashtagLabel = (h: Pick<HashtagCount, "display">): string => `#${h.display}`;
const userLabel = (u: UserRow): string => `${u.name} (${u.userId})`;
/** `2026-11-29T13` → milliseconds since the epoch. */
const hourMs = (hour: string): number => Date.parse(`${hour}:00:00Z`);

export const tweetsPage: Page = {
  id: "tweets",
  title: "Tweets",
  mount(root) {
    const summary = new Panel("Tweets counted", { id: "tweet-summary" });
    const top = new Panel("Top 10 hashtags", { id: "top-hashtags" });
    const all = new Panel("All hashtags", { id: "all-hashtags" });
    const hourly = new Panel("Hashtags per hour", {
      id: "hashtags-hourly",
      description: "Tweets per UTC hour of their creation, for the five busiest hashtags.",
    });
    const friends = new Panel("Users by friends", { id: "users-friends" });
    const followers = new Panel("Users by followers", { id: "users-followers" });
    const topChart = new BarChartFigure("top-hashtags", "The ten busiest hashtags, by tweets", formatCount);
    const hourlyChart = new LineChartFigure(
      "hashtags-hourly",
      "Tweets per hour of the five busiest hashtags",
      formatCount,
    );
    const friendsChart = new BarChartFigure("users-friends", "The ten users with the most friends", formatCount);
    const followersChart = new BarChartFigure("users-followers", "The ten users with the most followers", formatCount);
    const table = new DataTable<HashtagCount>({
      id: "hashtags",
      caption: "Every hashtag and the tweets that used it",
      columns: [
        { key: "hashtag", label: "Hashtag", value: hashtagLabel },
        { key: "count", label: "Tweets", value: (r) => r.count, numeric: true, format: (r) => formatCount(r.count) },
      ],
      sort: { key: "count", direction: "descending" },
      emptyMessage: NO_TWEETS,
    });
    root.append(
      h("h1", {}, "Tweets"),
      summary.element,
      h("div", { class: "grid" }, top.element, hourly.element),
      all.element,
      h("div", { class: "grid" }, friends.element, followers.element),
    );

    const showHashtags = async (): Promise<void> => {
      const r = await getJson<HashtagsResponse>("api/tweets/hashtags");
      const rejected = Object.values(r.rejected).reduce((a, b) => a + b, 0);
      summary.show(
        h(
          "p",
          {},
          `${formatCount(r.applied)} tweets counted, ${formatCount(r.hashtags.length)} distinct hashtags`,
          rejected > 0 ? `, ${formatCount(rejected)} records refused as no tweet.` : ".",
        ),
      );
      if (r.hashtags.length === 0) {
        top.empty(NO_TWEETS);
      } else {
        topChart.update(r.hashtags.slice(0, 10).map((x) => ({ label: hashtagLabel(x), value: x.count })));
        top.present(topChart.element);
      }
      table.update(r.hashtags);
      all.present(table.element);
    };
    const showHourly = async (): Promise<void> => {
      const r = await getJson<HourlySeries>("api/tweets/hourly", { top: 5 });
      if (r.hours.length === 0) return hourly.empty(NO_TWEETS);
      hourlyChart.update(
        r.series.map((s) => ({
          name: hashtagLabel(s),
          points: s.counts.map((y, i) => ({ x: hourMs(r.hours[i] ?? ""), y })),
        })),
      );
      hourly.present(hourlyChart.element);
    };
    const showUsers = async (by: "friends" | "followers", panel: Panel, chart: BarChartFigure): Promise<void> => {
      const r = await getJson<UsersResponse>("api/tweets/users", { by, limit: 10 });
      if (r.users.length === 0) return panel.empty("No user seen yet: users come with their tweets.");
      chart.update(
        r.users.map((u) => ({ label: userLabel(u), value: by === "friends" ? u.friendsCount : u.followersCount })),
      );
      panel.present(chart.element);
    };
    const guard = (panel: Panel, run: () => Promise<void>) =>
      run().catch((error: unknown) => panel.error(errorText(error)));
    return {
      async refresh() {
        await Promise.all([
          showHashtags().catch((error: unknown) => {
            for (const p of [summary, top, all]) p.error(errorText(error));
          }),
          guard(hourly, showHourly),
          guard(friends, () => showUsers("friends", friends, friendsChart)),
          guard(followers, () => showUsers("followers", followers, followersChart)),
        ]);
      },
    };
  },
};
