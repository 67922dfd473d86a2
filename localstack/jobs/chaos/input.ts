/**
 * The chaos job's input, the same for both passes: the bank pipeline's generated sample (bankSample: accounts with a
 * year of deposits and withdrawals each, refused rows among them, for a seed) turned into messages as `sluice load
 * transactions` does, and the tweet sample (buildSample: tweets, repeats, malformed lines, for a seed) marked and
 * keyed as `sluice tweets` does. Produced with those same producers, all of it before a pass starts.
 */

import { createHash } from "node:crypto";
import type { OpenAccount, TransactionMessage } from "#bank/contracts";
import { publish } from "#bank/producer";
import { keywordMatcher } from "#tweets/keywords";
import type { LocalConfig } from "../../config";
import { adminKafka } from "../../launchers/kafka-client";
import { readTransactionsCsv } from "../analytics/bank/csv";
import { toMessages } from "../analytics/bank/load";
import { bankSample } from "../analytics/bank/sample";
import { trackedKeywordsOf, tweetsTopicOf } from "../analytics/tweets/outputs";
import { produceTweets } from "../analytics/tweets/producer";
import { buildSample } from "../analytics/tweets/sample";

/** Rows the bank sample writes per account-year, about (measured: 3,224 rows for 50 accounts). */
const BANK_ROWS_PER_ACCOUNT = 64;

export interface ChaosInput {
  readonly bank: ReadonlyArray<OpenAccount | TransactionMessage>;
  readonly tweets: readonly string[];
  readonly accounts: number;
  readonly bankTopic: string;
  readonly tweetsTopic: string;
  readonly keywords: readonly string[];
}

/** About `records` records: `bankShare` of them bank messages, the rest tweet lines; the same for the same seed. */
export async function buildInput(
  outputs: Readonly<Record<string, string>>,
  options: { readonly records: number; readonly seed: number; readonly bankShare?: number },
): Promise<ChaosInput> {
  const bankRecords = Math.round(options.records * (options.bankShare ?? 0.5));
  const accounts = Math.max(1, Math.round(bankRecords / BANK_ROWS_PER_ACCOUNT));
  const sample = bankSample({ seed: String(options.seed), accounts, prefix: "CHAOS" });
  const csv = await readTransactionsCsv({ text: sample.csv });
  const fileHash = createHash("sha256").update(sample.csv).digest("hex");
  const { messages } = toMessages(csv.rows, fileHash);
  // Tweet lines: the sample adds about 1 % repeats and malformed lines to its distinct tweets.
  const tweetRecords = Math.max(0, options.records - messages.length);
  const tweets =
    tweetRecords === 0 ? [] : buildSample({ tweets: Math.round(tweetRecords / 1.01), seed: options.seed }).lines;
  const topic = outputs.TransactionsTopic;
  if (!topic) throw new Error("the stack output TransactionsTopic is missing: deploy first (npm run deploy:local)");
  return {
    bank: messages,
    tweets,
    accounts,
    bankTopic: topic,
    tweetsTopic: tweetsTopicOf(outputs as Record<string, string>),
    keywords: trackedKeywordsOf(outputs as Record<string, string>),
  };
}

/** Produces the whole input (bank messages, then tweet lines); resolves to the records sent per topic. */
export async function produceInput(cfg: LocalConfig, input: ChaosInput): Promise<Record<string, number>> {
  const producer = adminKafka(cfg, "sluice-chaos").producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await publish(producer, input.bankTopic, input.bank);
  } finally {
    await producer.disconnect();
  }
  const tweets = await produceTweets(cfg, input.tweets, {
    topic: input.tweetsTopic,
    match: keywordMatcher([...input.keywords]),
  });
  return { [input.bankTopic]: input.bank.length, [input.tweetsTopic]: tweets.sent };
}
