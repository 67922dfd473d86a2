/**
 * The tweet pipelines end to end on the local stack: the sample stream goes through the producer's marking onto
 * `tweets`, the hashtags stage and the keyword tracker (its mapping filtered on the mark) run as Lambda functions,
 * and the tables must hold exactly what the sample declares. Then the redelivery test: the same Kafka batch
 * invoked twice through the Lambda API changes no counter or row the second time.
 */
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { countSampleTweets, formatTweetsSummary, type TweetsRun } from "#local/jobs/analytics/tweets/job";
import { markLine } from "#local/jobs/analytics/tweets/mark";
import { trackedKeywordsOf } from "#local/jobs/analytics/tweets/outputs";
import { tweetTableNames } from "#local/jobs/analytics/tweets/report";
import { awsClients, stackOutputs } from "#local/support/aws";
import { keywordMatcher } from "#tweets/keywords";
import { cfg } from "./helpers";
import { changedKeys, restoreTables, snapshotTables, type TableSnapshot } from "./support/table-snapshot";

jest.setTimeout(15 * 60_000);

describe("the tweet pipelines on the sample stream", () => {
  let outputs: Record<string, string>;
  let run: TweetsRun;
  const log = (m: string): void => {
    process.stderr.write(`[tweets] ${m}\n`);
  };

  beforeAll(async () => {
    outputs = await stackOutputs(cfg, cfg.stackPrefix);
    run = await countSampleTweets(cfg, outputs, { log, interactive: false });
    log(formatTweetsSummary(run));
  });

  test("the tables hold exactly what the sample declares", () => {
    expect(run.problems).toEqual([]);
  });

  test("the top hashtags, their display forms and counts", () => {
    expect(run.tables.hashtags.slice(0, 10)).toEqual(run.declared.hashtags.slice(0, 10));
    expect(run.tables.hashtags.slice(0, 3)).toEqual([
      { key: "stayhome", display: "StayHome", count: 412 },
      { key: "covid19", display: "COVID19", count: 377 },
      { key: "коронавирус", display: "коронавирус", count: 341 },
    ]);
    const busiest = run.declared.hashtags[0]?.key ?? "";
    expect(run.tables.hourly[busiest]).toEqual(run.declared.busiestHourly);
  });

  test("the tracker's counts per keyword, and only tweets that mention one", () => {
    expect(run.tables.tracker.applied).toBe(run.declared.trackedTweets);
    for (const keyword of run.declared.keywords) {
      const got = run.tables.tracker.keywords[keyword];
      const want = run.declared.tracker[keyword];
      expect({ keyword, tweets: got?.tweets }).toEqual({ keyword, tweets: want?.tweets });
      expect(Object.fromEntries((got?.hashtags ?? []).map((h) => [h.key, h.count]))).toEqual(want?.hashtags);
    }
    // The filter let only marked tweets through: the tracker saw nothing it had to skip or reject.
    expect(run.tables.tracker.rejected).toEqual({});
  });

  test("the users table: names without emoji, latest counts, tweets seen", () => {
    expect(run.tables.users).toEqual(run.declared.users);
    expect(run.tables.users.filter((u) => u.name === "No name").length).toBeGreaterThan(0);
  });

  test("malformed lines are rejected by reason; no batch failed", () => {
    expect(run.tables.rejected).toEqual(run.declared.rejected);
    for (const stage of run.stages)
      expect({ stage: stage.functionName, errors: stage.errors }).toEqual({ stage: stage.functionName, errors: 0 });
  });
});

describe("a redelivered batch changes nothing", () => {
  const db = () => awsClients(cfg).documents;
  let outputs: Record<string, string>;
  let tables: string[];
  const snapshot = () => snapshotTables(db(), tables);

  /** A Kafka event as the poller delivers it: the marked tweets as one partition's records. */
  function kafkaEvent(values: string[], topic: string) {
    return {
      eventSource: "SelfManagedKafka",
      bootstrapServers: "127.0.0.1:9092",
      records: {
        [`${topic}-0`]: values.map((value, i) => ({
          topic,
          partition: 0,
          offset: 900_000 + i,
          timestamp: Date.now(),
          timestampType: "CREATE_TIME",
          value: Buffer.from(value).toString("base64"),
          headers: [],
        })),
      },
    };
  }

  async function invoke(functionName: string, event: unknown): Promise<unknown> {
    const response = await awsClients(cfg).lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    expect(response.FunctionError).toBeUndefined();
    return JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString("utf8"));
  }

  let before: TableSnapshot;

  beforeAll(async () => {
    outputs = await stackOutputs(cfg, cfg.stackPrefix);
    const names = tweetTableNames(outputs);
    tables = [names.hashtags, names.users, names.tracker];
    before = await snapshot();
  });

  afterAll(async () => {
    // Put back what the test changed, so the sample's declarations hold for the next run on this stack.
    await restoreTables(db(), tables, before);
  });

  test("the same Kafka event invoked twice: applied once, then no counter or row changes", async () => {
    const match = keywordMatcher(trackedKeywordsOf(outputs));
    const user = {
      id_str: "990001",
      name: "Redelivery 🔁",
      screen_name: "redelivery",
      friends_count: 5,
      followers_count: 7,
    };
    const tweet = (id: string, text: string, tags: string[]) =>
      JSON.stringify({
        created_at: "Sat Mar 14 20:00:00 +0000 2020",
        id_str: id,
        text,
        entities: { hashtags: tags.map((t) => ({ text: t })) },
        user,
      });
    const many = Array.from({ length: 40 }, (_, i) => `RedeliveryTag${i}`);
    const values = [
      tweet("1999000000000000001", "the pandemic, again #RedeliveryOne", ["RedeliveryOne"]),
      tweet("1999000000000000002", `forty hashtags, so two transactions ${many.map((t) => `#${t}`).join(" ")}`, many),
      tweet("1999000000000000003", "COVID-19 and corona virus #RedeliveryOne #RedeliveryTwo", [
        "RedeliveryOne",
        "RedeliveryTwo",
      ]),
      "{this line is not json",
    ].map((line) => markLine(line, match).value);
    const topic = outputs.TweetsTopic ?? "tweets";
    const hashtagsEvent = kafkaEvent(values, topic);
    const trackerEvent = kafkaEvent(
      values.filter((v) => v.includes('"tracked_keywords"')),
      topic,
    );
    expect(trackerEvent.records[`${topic}-0`]).toHaveLength(2);

    expect(await invoke(outputs.TweetHashtagsFunctionName ?? "", hashtagsEvent)).toEqual({ batchItemFailures: [] });
    expect(await invoke(outputs.TweetTrackerFunctionName ?? "", trackerEvent)).toEqual({ batchItemFailures: [] });
    const once = await snapshot();
    const changed = changedKeys(before, once);
    // 3 tweets: 1 + 40 + 2 distinct hashtags × (all, hour, spelling); receipts (the 40-hashtag tweet in 2 parts);
    // the user; the rejected line; the tracker's keyword counters.
    expect(changed.length).toBeGreaterThan(3 * 42);
    const count = (key: string) => Number(once.get(key)?.count ?? 0);
    const hashtagsTable = tables[0] as string;
    expect(count(`${hashtagsTable} ${JSON.stringify({ pk: "TAG#redeliveryone", sk: "ALL" })}`)).toBe(2);
    expect(once.get(`${tables[1]} ${JSON.stringify({ userId: "990001" })}`)).toMatchObject({
      name: "Redelivery",
      tweetsSeen: 3,
    });

    // Delivered again, as the poller does after a crash: nothing changes.
    expect(await invoke(outputs.TweetHashtagsFunctionName ?? "", hashtagsEvent)).toEqual({ batchItemFailures: [] });
    expect(await invoke(outputs.TweetTrackerFunctionName ?? "", trackerEvent)).toEqual({ batchItemFailures: [] });
    expect(changedKeys(once, await snapshot())).toEqual([]);
  });
});
