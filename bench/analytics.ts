/**
 * `npm run bench -- --part analytics`: tweets per second through the hashtag counter (each tweet's increments
 * applied exactly once, in a TransactWriteItems with its receipt) beside the raw DynamoDB UpdateItem rate of the
 * same endpoint in the same run, and transactions per second applied by the bank stage. A measurement, not a
 * test: nothing here asserts. Each run uses new tweet ids and new accounts, so it never measures repeats.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { loadLocalConfig } from "#local/config";
import { benchTransactions } from "#local/jobs/analytics/bank/bench";
import { countSampleTweets } from "#local/jobs/analytics/tweets/job";
import { tweetTableNames } from "#local/jobs/analytics/tweets/report";
import { deploy, up } from "#local/stack";
import { awsClients, stackOutputs } from "#local/support/aws";
import { COUNTER_VARIANTS, type CounterVariantResult, runCounterVariant } from "./counter-strategies";

const HELP = `Usage: npm run bench -- --part analytics [options]

  --tweets N        sample tweets through the hashtag counter and the tracker (default 3000)
  --updates N       raw DynamoDB UpdateItem calls for the ceiling, at each concurrency (default 1000)
  --accounts N      bank accounts of the generated transactions, about 65 transactions each (default 50)
  --variants N      sample tweets per variant of the counter's A/B, applied from this process (default 2000; 0: none)
  --out FILE        also write the results as JSON
`;

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};

/** UpdateItem ADD on the counter table, `concurrency` calls in flight: the emulator's ceiling for one increment. */
async function rawUpdates(table: string, updates: number, concurrency: number) {
  const db = awsClients(loadLocalConfig()).documents;
  const run = `BENCH#${Date.now().toString(36)}-${concurrency}`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < updates; i = next++) {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: run, sk: `TAG#${i % 50}` },
            UpdateExpression: "ADD #count :one",
            ExpressionAttributeNames: { "#count": "count" },
            ExpressionAttributeValues: { ":one": 1 },
          }),
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { updates, concurrency, seconds, perSecond: updates / seconds };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tweets: { type: "string", default: "3000" },
      updates: { type: "string", default: "1000" },
      accounts: { type: "string", default: "50" },
      variants: { type: "string", default: "2000" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const count = (name: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${raw}"`);
    return n;
  };
  const tweets = count("tweets", values.tweets);
  const updates = count("updates", values.updates);
  const accounts = count("accounts", values.accounts);
  const perVariant = values.variants === "0" ? 0 : count("variants", values.variants);
  const cfg = loadLocalConfig();
  await up(cfg, log);
  let outputs = await stackOutputs(cfg, cfg.stackPrefix);
  if (!outputs.TweetHashtagsTableName || !outputs.BankTableName) outputs = (await deploy(cfg, log)).outputs;

  log(`tweets: ${tweets} new sample tweets through the hashtag counter and the tracker…`);
  const run = await countSampleTweets(cfg, outputs, {
    log,
    interactive: false,
    tweets,
    idOffset: BigInt(Date.now()) * 10_000_000n,
  });
  const applied = run.tables.applied - run.before.applied;
  const counter = { tweets: applied, seconds: run.seconds, perSecond: applied / run.seconds };
  const { hashtags: table, users } = tweetTableNames(outputs);
  log(`raw ceiling: ${updates} UpdateItem ADD calls at concurrency 1 and 8…`);
  const raw = [await rawUpdates(table, updates, 1), await rawUpdates(table, updates, 8)];
  const variants: CounterVariantResult[] = [];
  const db = awsClients(cfg).documents;
  const tables = { hashtags: table, users };
  for (const [i, variant] of (perVariant > 0 ? COUNTER_VARIANTS : []).entries()) {
    log(`counter A/B: ${perVariant} sample tweets, ${variant.name}…`);
    // Beside the ids of this run's pipeline tweets (Date.now() × 10⁷, as countSampleTweets takes them; a sample
    // spans 1,000 per tweet): ids of 20 digits at most.
    const idOffset = BigInt(Date.now()) * 10_000_000n + BigInt(i + 1) * 100_000_000n;
    variants.push(await runCounterVariant(db, tables, variant, perVariant, idOffset));
  }
  log(`transactions: about ${accounts * 65} generated transactions on ${accounts} new accounts…`);
  const bank = await benchTransactions(cfg, outputs, { accounts, log });

  const best = Math.max(...raw.map((r) => r.perSecond));
  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, loadavg: loadavg() },
    counter,
    raw,
    ratio: counter.perSecond / best,
    variants,
    bank,
  };
  const f = (n: number, d = 1) => n.toFixed(d);
  process.stdout.write(
    [
      "",
      `machine: ${cpus().length} cores, load ${loadavg()
        .map((l) => f(l, 2))
        .join(" ")}`,
      "hashtag counter (exactly once: the receipts and summed increments of the tweets in flight in one TransactWriteItems)",
      `  ${counter.tweets} new tweets applied in ${f(counter.seconds)} s (produce → both consumers drained): ${f(counter.perSecond)} tweets/s`,
      "raw DynamoDB UpdateItem ADD, same endpoint",
      ...raw.map(
        (r) => `  concurrency ${r.concurrency}: ${f(r.perSecond)} updates/s (${r.updates} in ${f(r.seconds)} s)`,
      ),
      `ratio counter / best raw: ${f(results.ratio, 3)} (issue 15's target ≥ 0.5: ${results.ratio >= 0.5 ? "met" : "not met"})`,
      ...(variants.length === 0
        ? []
        : [
            "the counter's writes, A/B in this run (the stage's code in this process, 3 partitions, batches of 100)",
            ...variants.map(
              (v) =>
                `  ${v.name.padEnd(40)} ${f(v.perSecond).padStart(7)} tweets/s (${v.tweets} in ${f(v.seconds)} s), ${f(v.perSecond / best, 3)} of raw`,
            ),
          ]),
      "bank transactions (one TransactWriteItems each: marker, transaction, balance)",
      `  ${bank.applied} applied, ${bank.rejected} rejected of ${bank.rows} rows in ${f(bank.seconds)} s: ${f(bank.appliedPerSecond)} transactions/s; balances ${bank.balancesMatch ? "all match the file" : "DO NOT match the file"}`,
      "",
    ].join("\n"),
  );
  if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
