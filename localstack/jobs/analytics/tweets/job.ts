/**
 * What `npm start` does for the tweet pipelines: stream the bundled sample onto the tweets topic (marked and keyed
 * like live traffic), follow both consumers until they drain, read the tables back, check them against what the
 * sample declares, and summarise. `countSampleTweets` is the same run for N tweets, for a benchmark to time.
 */
import { keywordMatcher } from "#tweets/keywords";
import type { TweetTables } from "#tweets/summary";
import type { LocalConfig } from "../../../config";
import { awsClients } from "../../../support/aws";
import type { Log } from "../../../support/log";
import { progressBars, stageBars, stageOf } from "../../progress";
import { currentProgress, type StageProgress, waitForDrain } from "../../watch";
import { checkAgainstSample } from "./check";
import { trackedKeywordsOf, tweetsTopicOf } from "./outputs";
import { type ProduceProgress, produceTweets } from "./producer";
import { readTweetTables, tweetTableNames } from "./report";
import { buildSample, type SampleDeclaration } from "./sample";

export interface TweetsRun {
  readonly declared: SampleDeclaration;
  readonly produced: ProduceProgress;
  readonly produceSeconds: number;
  readonly seconds: number;
  readonly stages: StageProgress[];
  /** The tables before the run (a second run on the same stack adds nothing). */
  readonly before: TweetTables;
  readonly tables: TweetTables;
  readonly keywords: readonly string[];
  /** Differences from the sample's declarations; empty when the tables hold exactly what it declares. */
  readonly problems: string[];
}

export interface TweetsRunOptions {
  readonly log: Log;
  readonly interactive: boolean;
  /** Distinct sample tweets. @default 3000 */
  readonly tweets?: number;
  /** Records per second. @default - as fast as the broker takes them */
  readonly rate?: number;
  /** Of the sample's tweet ids (see buildSample). @default 0n */
  readonly idOffset?: bigint;
}

const STAGES = ["tweet-hashtags", "tweet-tracker"] as const;

/** Streams the sample through the deployed tweet pipelines and reads back what they made of it. */
export async function countSampleTweets(
  cfg: LocalConfig,
  outputs: Record<string, string>,
  options: TweetsRunOptions,
): Promise<TweetsRun> {
  const topic = tweetsTopicOf(outputs);
  const keywords = trackedKeywordsOf(outputs);
  const tableNames = tweetTableNames(outputs);
  const db = awsClients(cfg).documents;
  const sample = buildSample({ tweets: options.tweets, idOffset: options.idOffset });
  const before = await readTweetTables(db, tableNames);
  options.log(`streaming ${sample.lines.length} sample tweets onto ${topic} (tracking ${keywords.join(", ")})…`);

  const baseline = await currentProgress(cfg);
  const started = Date.now();
  const bars = progressBars(options.interactive);
  try {
    const produceBar = bars.create(sample.lines.length, 0, { stage: "produce       ", lag: 0, errors: 0 });
    const produced = await produceTweets(cfg, sample.lines, {
      topic,
      match: keywordMatcher(keywords),
      rate: options.rate,
      onProgress: (p) => produceBar.update(p.sent),
    });
    const produceSeconds = (Date.now() - started) / 1000;
    const stages = await waitForDrain(cfg, {
      firstTopic: topic,
      expectFirst: produced.sent,
      baseline,
      onProgress: stageBars(bars, STAGES, 14),
    });
    bars.stop();
    const seconds = (Date.now() - started) / 1000;
    const tables = await readTweetTables(db, tableNames);
    return {
      declared: sample.declared,
      produced,
      produceSeconds,
      seconds,
      stages: stages.filter((s) => stageOf(STAGES, s.functionName) !== undefined),
      before,
      tables,
      keywords,
      problems: checkAgainstSample(tables, sample.declared, keywords),
    };
  } finally {
    bars.stop();
  }
}

/** Streams the sample tweets through the deployed pipelines; resolves to their summary, ready to print. */
export async function runTweetsJob(
  cfg: LocalConfig,
  outputs: Record<string, string>,
  options: { log: Log; interactive: boolean },
): Promise<string> {
  return formatTweetsSummary(await countSampleTweets(cfg, outputs, options));
}

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
const reasons = (counts: Record<string, number>): string => {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.length === 0 ? "none" : entries.map(([r, n]) => `${r} ${n}`).join(", ");
};
const perSecond = (n: number, seconds: number): string => `${(n / Math.max(seconds, 0.001)).toFixed(1)}/s`;

export function formatTweetsSummary(run: TweetsRun): string {
  const { tables, before, declared } = run;
  const newlyApplied = tables.applied - before.applied;
  const newlyRejected = total(tables.rejected) - total(before.rejected);
  const top = tables.hashtags.slice(0, 10);
  const width = String(top[0]?.count ?? 0).length;
  const tracker = Object.entries(tables.tracker.keywords).sort((a, b) => b[1].tweets - a[1].tweets);
  const malformed = total(declared.rejected);
  return [
    "",
    `tweet pipelines drained in ${run.seconds.toFixed(1)} s`,
    `  records in   ${run.produced.sent}  (${declared.tweets} tweets, ${declared.duplicates} repeated, ${malformed} malformed; ${run.produced.marked} marked with a tracked keyword)`,
    `  applied      ${tables.applied} tweets  (${newlyApplied} new this run; ${run.produced.sent - newlyApplied - newlyRejected} records were repeats, changing nothing)`,
    `  rejected     ${total(tables.rejected)}: ${reasons(tables.rejected)}`,
    `  hashtags     ${tables.hashtags.length} distinct; top 10:`,
    // Counts first: CJK and Arabic display forms have no fixed width to pad to.
    ...top.map((h, i) => `    ${String(i + 1).padStart(2)}. ${String(h.count).padStart(width)}  #${h.display}`),
    `  users        ${tables.users.length}`,
    `  tracker      ${tables.tracker.applied} tweets mention a tracked keyword; top 10 hashtags per keyword:`,
    ...tracker.map(
      ([keyword, k]) =>
        `    ${keyword.padEnd(13)} ${String(k.tweets).padStart(4)} tweets: ${k.hashtags
          .slice(0, 10)
          .map((h) => `#${h.display} ${h.count}`)
          .join(", ")}`,
    ),
    `  failures     ${run.stages.map((s) => `${stageOf(STAGES, s.functionName)} ${s.errors} errors, ${s.toFailureDestination} to the failures bucket`).join("; ")}`,
    `  throughput   produced in ${run.produceSeconds.toFixed(1)} s (${perSecond(run.produced.sent, run.produceSeconds)}); ${perSecond(run.produced.sent, run.seconds)} records through both consumers end to end`,
    run.problems.length === 0
      ? "  check        the tables hold exactly what the sample declares"
      : `  check        ${run.problems.length} differences from the sample's declarations:\n${run.problems.map((p) => `    - ${p}`).join("\n")}`,
  ].join("\n");
}
