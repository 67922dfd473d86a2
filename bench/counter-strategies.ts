/**
 * The hashtag counter's ways of applying tweets, measured against the same DynamoDB endpoint in one run: the
 * stage's own code (`countTweet` under `processKafkaBatch`) run in this process on the sample's records, spread
 * over 3 partitions in batches of 100 like the deployed mapping, one "sandbox" per partition (each its own
 * `apply`), so the only thing that differs between variants is how records reach DynamoDB:
 *
 * - one transaction per tweet, one record of a partition at a time (the stage before issue 15);
 * - one transaction per tweet, 8 records of different users at a time (STAGE_CONCURRENCY 8);
 * - group commit: the tweets in flight together in one transaction (`#tweets/group-commit`, what is deployed).
 *
 * Each variant counts new tweet ids, so none measures a repeat.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { markLine } from "#local/jobs/analytics/tweets/mark";
import { buildSample } from "#local/jobs/analytics/tweets/sample";
import { type KafkaRecordLike, processKafkaBatch } from "#shared/kafka-batch";
import { type ApplyResult, applyOnce, type RecordWrites } from "#tweets/exactly-once";
import { groupCommit } from "#tweets/group-commit";
import type { HashtagTables } from "#tweets/tables";
import { countTweet } from "../lambdas/analytics/tweets/hashtags/hashtags";

const PARTITIONS = 3;
const BATCH_SIZE = 100;

export interface CounterVariant {
  readonly name: string;
  readonly concurrency: number;
  readonly apply: (db: Pick<DynamoDBDocumentClient, "send">) => (record: RecordWrites) => Promise<ApplyResult>;
}

export const COUNTER_VARIANTS: readonly CounterVariant[] = [
  {
    name: "a transaction per tweet, one at a time",
    concurrency: 1,
    apply: (db) => (r) => applyOnce(db, r, new Date()),
  },
  { name: "a transaction per tweet, 8 at a time", concurrency: 8, apply: (db) => (r) => applyOnce(db, r, new Date()) },
  { name: "group commit, 8 at a time (deployed)", concurrency: 8, apply: (db) => groupCommit(db) },
];

export interface CounterVariantResult {
  readonly name: string;
  readonly tweets: number;
  readonly seconds: number;
  readonly perSecond: number;
}

interface BenchRecord extends KafkaRecordLike {
  readonly value: string;
}

/** Applies `tweets` new sample tweets with the variant's `apply`; resolves once every one is applied. */
export async function runCounterVariant(
  db: Pick<DynamoDBDocumentClient, "send">,
  tables: HashtagTables,
  variant: CounterVariant,
  tweets: number,
  idOffset: bigint,
): Promise<CounterVariantResult> {
  const lines = buildSample({ tweets, idOffset }).lines;
  const partitions: BenchRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  lines.forEach((line, i) => {
    const { key, value } = markLine(line, () => []);
    const p = partitions[i % PARTITIONS] as BenchRecord[];
    p.push({ topic: "bench-tweets", partition: i % PARTITIONS, offset: p.length, key: key ?? null, value });
  });
  const quiet = { error: () => {}, appendKeys: () => {}, removeKeys: () => {} };
  let counted = 0; // tweets applied (or found applied: the sample repeats some); malformed lines are not counted
  const started = performance.now();
  await Promise.all(
    partitions.map(async (records, partition) => {
      const apply = variant.apply(db);
      const deps = { tables, apply, reject: async () => {} };
      for (let at = 0; at < records.length; at += BATCH_SIZE) {
        const batch = { [`bench-tweets-${partition}`]: records.slice(at, at + BATCH_SIZE) };
        const response = await processKafkaBatch(
          batch,
          async (r) => {
            const outcome = await countTweet(r.value, `bench-tweets-${partition}-${r.offset}`, deps);
            if (outcome.outcome !== "rejected") counted++;
          },
          quiet,
          { concurrency: variant.concurrency },
        );
        if (response.batchItemFailures.length > 0) throw new Error(`${variant.name}: a batch failed`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { name: variant.name, tweets: counted, seconds, perSecond: counted / seconds };
}
