/**
 * The keyword tracker: the keywords it follows (as deployed) with the tweets that mentioned each, and for one
 * keyword its ten busiest hashtags as a bar chart and all of them in a table.
 */
import type { HashtagCount, TrackedKeyword, TrackerResponse } from "../../contract";
import { getJson } from "../api";
import { BarChartFigure } from "../components/charts";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { h, replace } from "../dom";
import { errorText, formatCount } from "../format";
import { hashtagLabel } from "./tweets";
import type { Page } from "./types";

export const trackerPage: Page = {
  id: "tracker",
  title: "Keyword tracker",
  mount(root, context) {
    let chosen = context.params.get("keyword") ?? undefined;
    const keywordsPanel = new Panel("Tracked keywords", {
      id: "tracked-keywords",
      description: "What the tracker counts: tweets that mention a keyword (case-insensitive, whole words).",
    });
    const topPanel = new Panel("Top 10 hashtags", { id: "tracker-top" });
    const allPanel = new Panel("All hashtags", { id: "tracker-all" });
    const chart = new BarChartFigure(
      "tracker-top",
      "The ten busiest hashtags of tweets that mention the keyword",
      formatCount,
    );
    const keywords = new DataTable<TrackedKeyword>({
      id: "tracked-keywords",
      caption: "Tracked keywords and the tweets that mentioned them",
      columns: [
        {
          key: "keyword",
          label: "Keyword",
          value: (k) => k.keyword,
          href: (k) => `#/tracker?keyword=${encodeURIComponent(k.keyword)}`,
        },
        { key: "tweets", label: "Tweets", value: (k) => k.tweets, numeric: true, format: (k) => formatCount(k.tweets) },
        { key: "hashtags", label: "Hashtags", value: (k) => k.hashtags.length, numeric: true },
      ],
      searchable: false,
      emptyMessage: "The tracker follows no keyword.",
    });
    const table = new DataTable<HashtagCount>({
      id: "tracker-hashtags",
      caption: "Every hashtag of tweets that mention the keyword",
      columns: [
        { key: "hashtag", label: "Hashtag", value: hashtagLabel },
        { key: "count", label: "Tweets", value: (r) => r.count, numeric: true, format: (r) => formatCount(r.count) },
      ],
      sort: { key: "count", direction: "descending" },
      emptyMessage: "No tweet mentioning this keyword has a hashtag yet.",
    });
    const picker = h("select", { id: "tracker-keyword" });
    picker.addEventListener("change", () => context.navigate("tracker", { keyword: picker.value }));
    const pickerLabel = h("label", { class: "picker" }, "Keyword ", picker);
    root.append(h("h1", {}, "Keyword tracker"), keywordsPanel.element, pickerLabel, topPanel.element, allPanel.element);

    return {
      async refresh() {
        let r: TrackerResponse;
        try {
          r = await getJson<TrackerResponse>("api/tracker");
        } catch (error) {
          for (const p of [keywordsPanel, topPanel, allPanel]) p.error(errorText(error));
          return;
        }
        keywords.update(r.keywords);
        keywordsPanel.present(keywords.element);
        // The chosen keyword, else the one most tweets mentioned.
        const current =
          r.keywords.find((k) => k.keyword === chosen) ?? [...r.keywords].sort((a, b) => b.tweets - a.tweets)[0];
        chosen = current?.keyword;
        replace(
          picker,
          ...r.keywords.map((k) => h("option", { value: k.keyword, selected: k.keyword === chosen }, k.keyword)),
        );
        if (current === undefined) {
          topPanel.empty("The tracker follows no keyword.");
          allPanel.empty("The tracker follows no keyword.");
          return;
        }
        if (current.hashtags.length === 0) {
          topPanel.empty(`No tweet mentioning "${current.keyword}" has a hashtag yet.`);
        } else {
          chart.update(current.hashtags.slice(0, 10).map((x) => ({ label: hashtagLabel(x), value: x.count })));
          topPanel.present(chart.element);
        }
        table.update(current.hashtags);
        allPanel.present(table.element);
      },
    };
  },
};
