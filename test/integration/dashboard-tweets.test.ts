/**
 * The Tweets and Keyword-tracker pages in a real browser. The test sends its own tweets through the real pipeline
 * (marked and keyed by the CLI's producer): hashtags of its own with counts it chose, users with more friends and
 * followers than anyone before them, tweets that mention a tracked keyword. The charts and tables must show what
 * the API answers, and the test's own hashtags and users with the counts it sent. The tweet tables are put back as
 * they were afterwards (tweets.test.ts checks that they hold exactly the sample).
 */
import type { Locator, Page } from "playwright-core";
import { trackedKeywordsOf, tweetsTopicOf } from "#local/jobs/analytics/tweets/outputs";
import { produceTweets } from "#local/jobs/analytics/tweets/producer";
import { tweetTableNames } from "#local/jobs/analytics/tweets/report";
import { v11Date } from "#local/jobs/analytics/tweets/sample";
import { awsClients, stackOutputs } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { keywordMatcher } from "#tweets/keywords";
import { cfg } from "./helpers";
import { api, type BrowserSession, browserSession } from "./support/browser";
import { restoreTables, snapshotTables, type TableSnapshot } from "./support/table-snapshot";

jest.setTimeout(5 * 60_000);

interface HashtagCount {
  key: string;
  display: string;
  count: number;
}

/** A run's own tag prefix (letters only, so its key and display are itself, lower-cased). */
const run = `dash${Date.now()
  .toString(36)
  .replace(/\d/g, (d) => "abcdefghij"[Number(d)] ?? "x")}`;
/** 12 hashtags: the i-th (1-based) used by i tweets. */
const TAGS = Array.from({ length: 12 }, (_, i) => ({ display: `${run}T${String.fromCharCode(97 + i)}`, count: i + 1 }));
const base = Date.now() * 1000;
/** Friends and followers above any earlier run's, so this run's users lead both rankings. */
const lead = 4_000_000_000_000_000 + Date.now() * 100;
let keyword = "";
let session: BrowserSession;
let tables: string[] = [];
let before: TableSnapshot | undefined;

function tweet(n: number, tags: string[], text: string, user: number): string {
  return JSON.stringify({
    id_str: String(base + n),
    created_at: v11Date(new Date()),
    text: `${text} ${tags.map((t) => `#${t}`).join(" ")}`,
    entities: { hashtags: tags.map((t) => ({ text: t })) },
    user: {
      id_str: String(base + user),
      name: `Dash user ${user}`,
      screen_name: `dash${user}`,
      friends_count: lead + user,
      followers_count: lead + 2 * user,
    },
  });
}

beforeAll(async () => {
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const names = tweetTableNames(outputs);
  tables = [names.hashtags, names.users, names.tracker];
  before = await snapshotTables(awsClients(cfg).documents, tables);
  const keywords = trackedKeywordsOf(outputs);
  keyword = keywords[0] ?? "";
  // Tweet n (1..12) carries the tags whose count is at least n: tag i is in exactly i tweets. Each mentions the keyword.
  const lines = TAGS.map((_, k) => {
    const n = k + 1;
    return tweet(
      n,
      TAGS.filter((t) => t.count >= n).map((t) => t.display),
      `news about ${keyword}`,
      n,
    );
  });
  await produceTweets(cfg, lines, { topic: tweetsTopicOf(outputs), match: keywordMatcher(keywords) });
  session = await browserSession();
  // The pipeline is done with them once both consumers count every tag of the run as sent.
  await waitFor("the run's hashtags counted", runCounted, { timeoutMs: 120_000, intervalMs: 1000 });
});

/** Every tag of the run at its full count: both consumers are done with the run's tweets. */
async function runCounted(): Promise<true | undefined> {
  const [{ hashtags }, tracker] = await Promise.all([
    api<{ hashtags: HashtagCount[] }>(session.urls, "api/tweets/hashtags"),
    api<{ keywords: Array<{ keyword: string; hashtags: HashtagCount[] }> }>(session.urls, "api/tracker"),
  ]);
  const full = (list: HashtagCount[]) =>
    TAGS.every((t) => list.find((h) => h.display === t.display)?.count === t.count);
  return full(hashtags) && full(tracker.keywords.find((k) => k.keyword === keyword)?.hashtags ?? []) ? true : undefined;
}

afterAll(async () => {
  try {
    if (before !== undefined) {
      await waitFor("both consumers done with the run's tweets", runCounted, { timeoutMs: 120_000, intervalMs: 1000 });
      await restoreTables(awsClients(cfg).documents, tables, before);
    }
  } finally {
    await session?.close();
  }
});

/** The chart's bars as a person reads them, top to bottom: `[label, value]`. */
const bars = (page: Page, chart: string) =>
  page.locator(`[data-chart="${chart}"] .ct-bar`).evaluateAll((els) =>
    els
      .map((e) => ({
        y: Number(e.getAttribute("y1")),
        bar: [e.getAttribute("data-label"), Number(e.getAttribute("data-value"))],
      }))
      .sort((a, b) => a.y - b.y)
      .map((e) => e.bar),
  );
const rows = (table: Locator) =>
  table
    .locator("tbody tr")
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
const count = (n: number) => new Intl.NumberFormat("en-US").format(n);

/** Reads the chart until it shows what the API answers (a refresh may land between the two reads), then compares. */
async function chartMatchesApi(page: Page, chart: string, read: () => Promise<Array<[string, number]>>): Promise<void> {
  let want: Array<[string, number]> = [];
  let got: unknown[] = [];
  await waitFor(
    `chart ${chart} to show the API's answer`,
    async () => {
      want = await read();
      got = await bars(page, chart);
      return JSON.stringify(got) === JSON.stringify(want) ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  ).catch(() => undefined);
  expect(got).toEqual(want);
}

test("the hashtag chart has ten bars whose labels and values are the API's top ten, and the page has no console error", async () => {
  const { page, errors, close } = await session.open("#/tweets");
  try {
    await page.locator('[data-chart="top-hashtags"] .ct-bar').first().waitFor({ state: "attached" });
    await chartMatchesApi(page, "top-hashtags", async () => {
      const { hashtags } = await api<{ hashtags: HashtagCount[] }>(session.urls, "api/tweets/hashtags");
      return hashtags.slice(0, 10).map((h): [string, number] => [`#${h.display}`, h.count]);
    });
    expect(await bars(page, "top-hashtags")).toHaveLength(10);
    // The text alternative says the same.
    const text = await page.locator('[data-chart-text="top-hashtags"] li').allTextContents();
    expect(text).toHaveLength(10);
    expect(await page.locator('[data-chart="top-hashtags"] [role="img"]').getAttribute("aria-label")).toBeTruthy();
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("the full hashtag table matches the API, sorts, and its search finds this run's tags with the counts sent", async () => {
  const { page, errors, close } = await session.open("#/tweets");
  try {
    const table = page.locator('table[data-table="hashtags"]');
    await table.locator("tbody tr td").first().waitFor();
    expect(await table.locator("thead th").allTextContents()).toEqual(["Hashtag", "Tweets"]);
    const { hashtags } = await api<{ hashtags: HashtagCount[] }>(session.urls, "api/tweets/hashtags");
    expect(await rows(table)).toEqual(hashtags.map((h) => [`#${h.display}`, count(h.count)]));

    await page.getByRole("searchbox", { name: /Search Every hashtag/ }).fill(run);
    await table
      .locator("tbody tr")
      .nth(TAGS.length - 1)
      .waitFor();
    expect(await rows(table)).toEqual([...TAGS].reverse().map((t) => [`#${t.display}`, String(t.count)]));
    await table.getByRole("button", { name: "Tweets" }).click(); // descending → ascending
    expect(await table.locator("thead th").nth(1).getAttribute("aria-sort")).toBe("ascending");
    expect(await rows(table)).toEqual(TAGS.map((t) => [`#${t.display}`, String(t.count)]));
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("users by friends and by followers lead with this run's users; hashtags per hour speaks the API's counts", async () => {
  const { page, errors, close } = await session.open("#/tweets");
  try {
    await page.locator('[data-chart="users-friends"] .ct-bar').first().waitFor({ state: "attached" });
    const ranking = (by: string) => async () => {
      const { users } = await api<{
        users: Array<{ userId: string; name: string; friendsCount: number; followersCount: number }>;
      }>(session.urls, `api/tweets/users?by=${by}&limit=10`);
      return users.map((u): [string, number] => [
        `${u.name} (${u.userId})`,
        by === "friends" ? u.friendsCount : u.followersCount,
      ]);
    };
    await chartMatchesApi(page, "users-friends", ranking("friends"));
    await chartMatchesApi(page, "users-followers", ranking("followers"));
    // This run's twelve users lead, most friends first: user 12 … user 3 (ten bars).
    const friends = await ranking("friends")();
    expect(friends.map(([label]) => label)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Dash user ${12 - i} (${base + 12 - i})`),
    );
    // Hashtags per hour: the chart's text alternative says every count of the API's series.
    const hourly = await api<{ hours: string[]; series: Array<{ display: string; counts: number[] }> }>(
      session.urls,
      "api/tweets/hourly?top=5",
    );
    const spoken = hourly.series.flatMap((x) =>
      x.counts.map((n, i) => `#${x.display}, ${hourly.hours[i]}:00:00.000Z: ${count(n)}`),
    );
    await page.locator('[data-chart-text="hashtags-hourly"] li').first().waitFor({ state: "attached" });
    expect(await page.locator('[data-chart-text="hashtags-hourly"] li').allTextContents()).toEqual(spoken);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test("the tracker shows the deployed keywords, and its chart and table are the API's for the keyword", async () => {
  const deployed = trackedKeywordsOf(await stackOutputs(cfg, cfg.stackPrefix));
  const { page, errors, close } = await session.open(`#/tracker?keyword=${encodeURIComponent(keyword)}`);
  try {
    const keywords = page.locator('table[data-table="tracked-keywords"]');
    await keywords.locator("tbody tr td").first().waitFor();
    expect(await keywords.locator("tbody tr td:first-child").allTextContents()).toEqual(deployed);
    await page.locator('[data-chart="tracker-top"] .ct-bar').first().waitFor({ state: "attached" });
    const forKeyword = async () => {
      const r = await api<{ keywords: Array<{ keyword: string; hashtags: HashtagCount[] }> }>(
        session.urls,
        "api/tracker",
      );
      return r.keywords.find((k) => k.keyword === keyword)?.hashtags ?? [];
    };
    await chartMatchesApi(page, "tracker-top", async () =>
      (await forKeyword()).slice(0, 10).map((h): [string, number] => [`#${h.display}`, h.count]),
    );
    const table = page.locator('table[data-table="tracker-hashtags"]');
    expect(await rows(table)).toEqual((await forKeyword()).map((h) => [`#${h.display}`, count(h.count)]));
    await page.getByRole("searchbox", { name: /Search Every hashtag of tweets/ }).fill(run);
    await table
      .locator("tbody tr")
      .nth(TAGS.length - 1)
      .waitFor();
    expect(await rows(table)).toEqual([...TAGS].reverse().map((t) => [`#${t.display}`, String(t.count)]));
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});
