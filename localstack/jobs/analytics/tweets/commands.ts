/** `sluice tweets --from sample|live|FILE.jsonl --rate N`: streams tweets onto the tweets topic, marked and keyed. */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { keywordMatcher } from "#tweets/keywords";
import type { LocalConfig } from "../../../config";
import { awsClients, stackOutputs } from "../../../support/aws";
import type { Log } from "../../../support/log";
import { liveTweets, readBearerToken } from "./live";
import { trackedKeywordsOf, tweetsTopicOf } from "./outputs";
import { produceTweets } from "./producer";
import { buildSample } from "./sample";

export const TWEETS_HELP = `usage: sluice tweets --from sample|live|FILE.jsonl [--rate N] [--limit N]

Streams tweets onto the tweets topic, each keyed by its author's user id and marked with the tracked keywords
it mentions (the keyword tracker's mapping filters on that mark).

  --from sample       the bundled sample: a few thousand v1.1 tweets generated from a seed
  --from live         the X API v2 filtered stream on the tracked keywords; needs a bearer token in the
                      XBearerTokenSecretArn secret ({"bearerToken":"…"}), skipped while it is empty
  --from FILE.jsonl   one v1.1 tweet per line
  --rate N            records per second (default: as fast as the broker takes them)
  --limit N           stop after N records
`;

export interface TweetsCommandOptions {
  readonly from: string;
  readonly rate: number | undefined;
  readonly limit: number | undefined;
  readonly help: boolean;
}

export function parseTweetsArgs(args: string[]): TweetsCommandOptions {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: "string" },
      rate: { type: "string" },
      limit: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const positive = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  if (!values.help && values.from === undefined) throw new Error(`--from is required\n\n${TWEETS_HELP}`);
  return {
    from: values.from ?? "sample",
    rate: positive("rate", values.rate),
    limit: positive("limit", values.limit),
    help: values.help ?? false,
  };
}

async function* fileLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: "utf8" });
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) yield line;
  } catch (error) {
    throw new Error(`cannot read ${path}`, { cause: error });
  }
}

async function* limited(lines: AsyncIterable<string> | Iterable<string>, limit: number | undefined) {
  let n = 0;
  for await (const line of lines) {
    if (limit !== undefined && n >= limit) return;
    n++;
    yield line;
  }
}

export async function tweetsCommand(cfg: LocalConfig, args: string[], log: Log): Promise<number> {
  const options = parseTweetsArgs(args);
  if (options.help) {
    log(TWEETS_HELP);
    return 0;
  }
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const topic = tweetsTopicOf(outputs);
  const keywords = trackedKeywordsOf(outputs);
  let lines: AsyncIterable<string> | Iterable<string>;
  if (options.from === "sample") lines = buildSample().lines;
  else if (options.from === "live") {
    const arn = outputs.XBearerTokenSecretArn;
    if (!arn) throw new Error("the stack output XBearerTokenSecretArn is missing: deploy first");
    const token = await readBearerToken(awsClients(cfg).secrets, arn);
    if (token === undefined) {
      log(
        "live tweets skipped: the X bearer token secret is empty. Put yours with\n" +
          `  aws secretsmanager put-secret-value --secret-id ${arn} --secret-string '{"bearerToken":"…"}'`,
      );
      return 0;
    }
    lines = liveTweets(token, keywords);
  } else lines = fileLines(options.from);

  log(
    `streaming tweets from ${options.from} onto ${topic}${options.rate ? ` at ${options.rate}/s` : ""} (tracking ${keywords.join(", ")})…`,
  );
  const started = Date.now();
  let shown = 0;
  const result = await produceTweets(cfg, limited(lines, options.limit), {
    topic,
    match: keywordMatcher(keywords),
    rate: options.rate,
    onProgress: ({ sent, marked }) => {
      if (Date.now() - shown < 2000) return;
      shown = Date.now();
      log(`  ${sent} sent, ${marked} marked · ${(sent / ((Date.now() - started) / 1000)).toFixed(0)}/s`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  log(
    `sent ${result.sent} records (${result.marked} marked with a tracked keyword) in ${seconds.toFixed(1)} s; ` +
      "the tables: npm run local:status lists them (TweetHashtagsTableName, TweetUsersTableName, TweetTrackerTableName)",
  );
  return 0;
}
