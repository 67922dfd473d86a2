/**
 * The chaos job's input, the same for both passes: the bank pipeline's generated sample (bankSample: accounts with a
 * year of deposits and withdrawals each, refused rows among them, for a seed) turned into messages as `sluice load
 * transactions` does, the tweet sample (buildSample: tweets, repeats, malformed lines, for a seed) marked and
 * keyed as `sluice tweets` does, and the sample web's people (its SPARQL endpoint, read as `npm start` does) for the
 * face pipeline. Produced with those same producers, all of it before a pass starts.
 */

import { createHash } from "node:crypto";
import type { OpenAccount, TransactionMessage } from "#bank/contracts";
import { publish } from "#bank/producer";
import type { Celebrity } from "#faces/contracts";
import { keywordMatcher } from "#tweets/keywords";
import type { LocalConfig } from "../../config";
import { adminKafka } from "../../launchers/kafka-client";
import { readSampleManifest } from "../../sample-web/daemon";
import { readTransactionsCsv } from "../analytics/bank/csv";
import { toMessages } from "../analytics/bank/load";
import { bankSample } from "../analytics/bank/sample";
import { trackedKeywordsOf, tweetsTopicOf } from "../analytics/tweets/outputs";
import { produceTweets } from "../analytics/tweets/producer";
import { buildSample } from "../analytics/tweets/sample";
import { faceTopicsOf, loadSeedList } from "../faces/job";
import { produceCelebrities } from "../faces/seed";

/** Rows the bank sample writes per account-year, about (measured: 3,224 rows for 50 accounts). */
const BANK_ROWS_PER_ACCOUNT = 64;

export interface ChaosInput {
  readonly bank: ReadonlyArray<OpenAccount | TransactionMessage>;
  readonly tweets: readonly string[];
  readonly accounts: number;
  readonly bankTopic: string;
  readonly tweetsTopic: string;
  readonly keywords: readonly string[];
  /** The sample web's people, seeded onto the face pipeline's first topic. */
  readonly people: readonly Celebrity[];
  /** The face pipeline's topics, first the one people are seeded onto (empty when no people are seeded). */
  readonly faceTopics: readonly string[];
}

/**
 * The first `limit` people the sample web serves (its SPARQL endpoint, read by the faces job's own loader; all of
 * them when undefined), or none for 0. Fails when the face pipeline is not deployed, naming the command that deploys it.
 */
export async function loadPeople(
  cfg: LocalConfig,
  outputs: Readonly<Record<string, string>>,
  limit: number | undefined,
): Promise<{ people: Celebrity[]; faceTopics: string[] }> {
  if (limit === 0) return { people: [], faceTopics: [] };
  const faceTopics = faceTopicsOf(outputs);
  if (faceTopics.length === 0 || !outputs.MetadataTableName || !outputs.ImagesBucketName) {
    throw new Error(
      "the face pipeline is not deployed (no Topics / MetadataTableName / ImagesBucketName output): run `npx tsx localstack/cli.ts start` (npm start; it deploys every stack, whatever --pipeline runs) or npm run deploy:local first, or pass --people 0",
    );
  }
  const list = await loadSeedList(cfg, "sample", limit ?? readSampleManifest(cfg).people.length);
  if (list.errors.length > 0) {
    throw new Error(
      `the sample web's people at ${list.origin} have errors: ${list.errors.map((e) => `${e.where}: ${e.message}`).join("; ")}`,
    );
  }
  if (list.people.length === 0) throw new Error(`the sample web at ${list.origin} serves nobody`);
  return { people: list.people, faceTopics };
}

/** About `records` records: `bankShare` of them bank messages, the rest tweet lines; the same for the same seed. */
export async function buildInput(
  outputs: Readonly<Record<string, string>>,
  options: {
    readonly records: number;
    readonly seed: number;
    readonly bankShare?: number;
    readonly people: { readonly people: readonly Celebrity[]; readonly faceTopics: readonly string[] };
  },
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
    people: options.people.people,
    faceTopics: options.people.faceTopics,
  };
}

/** Produces the whole input (bank messages, tweet lines, then people); resolves to the records sent per topic. */
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
  const produced: Record<string, number> = { [input.bankTopic]: input.bank.length, [input.tweetsTopic]: tweets.sent };
  const [facesTopic] = input.faceTopics;
  if (facesTopic !== undefined && input.people.length > 0) {
    await produceCelebrities(cfg, facesTopic, input.people);
    produced[facesTopic] = input.people.length;
  }
  return produced;
}
