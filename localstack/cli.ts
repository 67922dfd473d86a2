#!/usr/bin/env tsx
/**
 * sluice's local stack: Kafka (KRaft, SCRAM) and LocalStack on this machine, no Docker.
 * Usage: tsx localstack/cli.ts <command>; see `help`.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { deployApp, destroyApp } from "./apps/apps";
import { type LocalConfig, loadLocalConfig } from "./config";
import { formatAlerts, parseSince, readAlerts } from "./jobs/alerts";
import { loadCommand, transactionCommand } from "./jobs/analytics/bank/commands";
import { runBankJob } from "./jobs/analytics/bank/job";
import { tweetsCommand } from "./jobs/analytics/tweets/commands";
import { runTweetsJob } from "./jobs/analytics/tweets/job";
import { chaosCommand } from "./jobs/chaos/command";
import { dashboardUrls } from "./jobs/dashboard/urls";
import { formatSummary, runJob } from "./jobs/faces/job";
import { hourlyCommand } from "./jobs/hourly/commands";
import { finishHourlyRuns, START_HOURS, startHourlyRuns } from "./jobs/hourly/job";
import { scheduleCommand } from "./jobs/schedule";
import { formatReport } from "./lambda-service/unhonoured";
import { reset, resetTargets } from "./reset";
import { type DeployResult, deploy, destroy, down, install, type Status, status, up } from "./stack";
import { stackOutputs } from "./support/aws";
import type { Log } from "./support/log";
import { MissingPrerequisiteError } from "./support/proc";

const HELP = `sluice local stack — Kafka and LocalStack on this machine, no Docker, no licence

usage: npm run <script>            (or: npx tsx localstack/cli.ts <command>)

  npm start             install, start, deploy, run every pipeline on its sample (the face pipeline on the
                        sample people, the bank on its transactions, the tweet pipelines on their tweets, the
                        hourly pipeline on five sample hours fired through its schedule), follow each until it
                        drains and print one summary per pipeline; the stack keeps running
                        (command: start; --pipeline faces|analytics|hourly runs one)
  npx tsx localstack/cli.ts seed     seed people onto the running pipeline and follow it (as start does)
  npm run local:up      install if needed and start Kafka + LocalStack       (command: up)
  npm run local:up -- --brokers 3
                        Kafka as a three-node KRaft cluster: topics on 3 replicas, min.insync.replicas=2,
                        so one broker may die (the size is kept: later ups need no flag; see README)
  npm run local:down    stop them; LocalStack saves its state, which the next up restores (command: down)
  npm run local:reset   stop them and DELETE all local state (--yes, or confirm) (command: reset)
  npm run local:status  what runs, what is deployed (--json for JSON); with several Kafka nodes, each
                        node and every partition's leader and in-sync replicas (command: status)
  npm run deploy:local  cdk bootstrap (once) + cdk deploy --all, local profile (command: deploy)
  npm run destroy:local empty the buckets and cdk destroy --all              (command: destroy)
  npm run deploy:local -- --app '<command or cdk.out dir>' [--name NAME]
                        deploy ANOTHER CDK app beside sluice's, unchanged: cdk synth --app, the local profile
                        applied to its templates, cdk deploy; the Lambda service then runs its functions, URLs,
                        schedules and async configs too (name: from the command, e.g. apps/billing/app.ts → billing)
  npm run destroy:local -- --app NAME|'<command>'   destroy that app's stacks and stop serving it
  npx tsx localstack/cli.ts install    only install (Kafka jars, LocalStack venv, DynamoDB Local)
  npx tsx localstack/cli.ts schedule run NAME [--at TIME]
                        fire a schedule or scheduled rule of the Lambda service now, as if due at TIME
                        (ISO 8601, default now) (schedule --help for more)
  npx tsx localstack/cli.ts alerts [--since 30m] [--limit 20]
                        recent alarm state changes, the mail SNS handed to SES, and the alarm topics'
                        subscribers, newest first (alerts --help for more)
  npm run chaos         the analytics and face pipelines twice on the same seeded input, fault-free then under SIGKILLs
                        of the Lambda service, worker kills, a broker outage and a LocalStack restart; compares
                        the end states (command: chaos; chaos --help for more)

hourly:
  npx tsx localstack/cli.ts schedule run sluice-hourly-ingest --at 2026-11-29T12:00:00Z
                        ingest 2026-11-29T11 as the hourly schedule's firing at 12:00 would
  npx tsx localstack/cli.ts hourly backfill --hour 2026-11-29T10
                        ingest a past hour by an asynchronous invoke, not the schedule (Lambda's retries apply)
                        and print its run records (hourly backfill --help for more)

analytics:
  npx tsx localstack/cli.ts load transactions --from FILE.csv
                        bootstrap the accounts from a CSV (transaction_date, account, transaction_value,
                        balance, transaction_type) through Kafka, then check every balance against the file's
  npx tsx localstack/cli.ts transaction --account A --amount 12.50 --type deposit|withdrawal
                        enter one live transaction and wait for its outcome
  npx tsx localstack/cli.ts tweets --from sample|live|FILE.jsonl [--rate N]
                        stream tweets onto the tweets topic (live: the X API v2 filtered stream, with the
                        bearer token in the XBearerTokenSecretArn secret)

options of start and seed:
  --from sample|wikidata|<file.csv|file.json>   where the people come from (default: sample, or wikidata
                                               with --sources live)
  --pipeline faces|analytics|hourly|all   start only: which pipelines to run (default all)
  --limit N             seed at most N people (default 50)
  --sources sample|live start only: scrape the offline sample web (default) or the real Wikidata, TMDB
                        and Wikipedia (needs the internet; put a TMDB token in the TmdbSecretArn secret)
  --brokers N           start (and up): Kafka nodes, 1 (default) or 3 (up to 5); remembered with the data

options of up:
  --brokers N           as above

environment (defaults):
  SLUICE_PORT=4566 (the endpoint)  LOCALSTACK_PORT=4567  KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093  AWS_REGION=us-east-1
  SLUICE_STATE_DIR=<repo>/.local (data, logs, venv)   SLUICE_CACHE_DIR=~/.cache/sluice (downloads)
  SLUICE_STACK_PREFIX=sluice   SLUICE_KAFKA_HEAP=512m (per node)   SLUICE_DYNAMODB_HEAP=1g   SLUICE_SOURCES=sample
  SAMPLE_WEB_PORT=4580
  SLUICE_KAFKA_BROKERS=1 (as --brokers; else the size the Kafka data was formatted with)
  Kafka node n listens on KAFKA_PORT+(n-1)*10, its controller on KAFKA_CONTROLLER_PORT+(n-1)*10
  SLUICE_LOCALSTACK_SAVE_SECONDS=5 (how often LocalStack's state is saved while it runs; 0: only on down)
`;

const RESET_HELP = `usage: npm run local:reset -- [--yes]      (or: npx tsx localstack/cli.ts reset [--yes])

Stops the local stack and deletes every piece of its state, on purpose:
  LocalStack's saved services (S3 buckets and objects, CloudFormation stacks, secrets, IAM, SNS, SQS, alarms, logs),
  DynamoDB Local's tables, CloudWatch's metrics, Kafka's topics, records and committed offsets (and its SCRAM users),
  the deployed cloud assembly the Lambda service runs, the other CDK apps deployed with --app, and the logs.
It keeps the installs (the virtualenv, DynamoDB Local, Kafka's jars). \`npm start\` then deploys afresh.

options:
  --yes   do not ask (without it, the command asks on a terminal and refuses elsewhere)
`;

const ALERTS_HELP = `usage: npx tsx localstack/cli.ts alerts [--since 30m|2h|1d|<ISO time>] [--limit N]

Prints, newest first:
  alarm state changes   CloudWatch DescribeAlarmHistory: time, alarm, old → new state, reason
  mail sent             LocalStack's SES store (GET <endpoint>/_aws/ses): every email and email-json
                        subscription of an alarm's SNS topic gets its notification there, not in a mailbox
  where notifications go  the SNS subscriptions of the topics the alarms act on (an SQS subscriber's
                        messages stay in its queue for its consumer)

options:
  --since   only what happened since then (default: everything LocalStack keeps since it started)
  --limit   at most N state changes and N mails (default 20)
`;

const log: Log = (message) => process.stdout.write(`${message}\n`);

function summary(cfg: LocalConfig, result: DeployResult): string {
  const o = result.outputs;
  const env = `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${cfg.region}`;
  // Every stack names its functions and tables in outputs ending in FunctionName and TableName.
  const named = (suffix: string): string[] =>
    Object.entries(o)
      .filter(([key]) => key.endsWith(suffix))
      .map(([, value]) => value);
  const functions = named("FunctionName");
  const clean = o.CleanFunctionName ?? "<clean>";
  return [
    "",
    "sluice is running locally",
    `  AWS endpoint     ${cfg.endpoint.url}   (Lambda: the local Lambda service; everything else: LocalStack at ${cfg.localstack.url})`,
    `  Kafka            ${cfg.kafka.bootstrapServers}   (SASL_PLAINTEXT, SCRAM-SHA-512; credentials in ${o.KafkaSecretArn ?? "?"})`,
    `  buckets          images=${o.ImagesBucketName}  lake=${o.LakeBucketName}  failures=${o.FailuresBucketName}`,
    `  tables           ${named("TableName").join(", ")}`,
    `  topics           ${result.topics.join(", ")}`,
    `  functions        ${functions.join(", ")}  (in cdk.out: ${cfg.assemblyDir}; run by the local Lambda service)`,
    "",
    "look around (AWS CLI v2):",
    `  export ${env}`,
    `  aws --endpoint-url ${cfg.endpoint.url} s3 ls s3://${o.LakeBucketName}/datasets/ --recursive`,
    `  aws --endpoint-url ${cfg.endpoint.url} s3 ls s3://${o.ImagesBucketName}/clean/ --recursive | head`,
    `  aws --endpoint-url ${cfg.endpoint.url} dynamodb scan --table-name ${o.MetadataTableName} --max-items 5`,
    `  aws --endpoint-url ${cfg.endpoint.url} logs tail /aws/lambda/${clean} --since 10m`,
    `  aws --endpoint-url ${cfg.endpoint.url} lambda list-event-source-mappings`,
    `  aws --endpoint-url ${cfg.endpoint.url} cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name Invocations --dimensions Name=FunctionName,Value=${clean} --start-time $(date -u -d '-15 min' +%FT%TZ) --end-time $(date -u +%FT%TZ) --period 60 --statistics Sum`,
    "  npx tsx localstack/cli.ts alerts",
    `  aws --endpoint-url ${cfg.endpoint.url} secretsmanager get-secret-value --secret-id ${o.KafkaSecretArn ?? "<KafkaSecretArn>"} --query SecretString`,
    "",
    `logs: ${cfg.logDir}    status: npm run local:status    stop: npm run local:down`,
  ].join("\n");
}

async function printStatus(cfg: LocalConfig, json: boolean): Promise<void> {
  const s = await status(cfg);
  if (json) {
    log(JSON.stringify(s, null, 2));
    return;
  }
  const ls = s.localstack;
  log(`LocalStack  ${ls.running ? `running (pid ${ls.pid}) at ${cfg.localstack.url}` : "stopped"}`);
  if (ls.services) {
    const services = Object.entries(ls.services)
      .map(([name, state]) => `${name}=${state}`)
      .join(" ");
    log(`            ${services}`);
  }
  for (const line of kafkaStatusLines(cfg, s.kafka)) log(line);
  for (const app of s.apps) {
    log(`app         ${app.name}: ${app.stacks.join(", ")}  (--app ${app.app}; deployed ${app.deployedAt})`);
  }
  const lambda = s.lambda;
  log(
    `Lambda      ${lambda ? `running at ${lambda.endpoint}${lambda.loadError ? ` — LOAD ERROR: ${lambda.loadError}` : ""}` : "stopped"}`,
  );
  for (const f of lambda?.functions ?? []) {
    const st = f.stats;
    log(
      `  function  ${f.name} (${f.runtime}${f.app && f.app !== "main" ? `, app ${f.app}` : ""}): ${st ? `${st.invocations} invocations, ${st.errors} errors, ${st.workers} warm workers, ${st.coldStarts} cold starts` : "not invoked yet"}`,
    );
  }
  for (const m of lambda?.mappings ?? []) {
    const x = m.metrics;
    const lag = Object.entries(x.offsetLag)
      .map(([p, n]) => `${p}=${n}`)
      .join(" ");
    log(`  mapping   ${m.topics.join(",")} → ${m.functionName} [${x.state}] ${x.lastProcessingResult}`);
    log(
      `            OffsetLag ${lag || "(none yet)"}; polled ${x.polledEventCount}, invoked ${x.invokedEventCount} in ${x.invocations} invocations, errors ${x.errors}, filtered ${x.filteredOutEventCount}, to destination ${x.onFailureDestinationDeliveredEventCount}, dropped ${x.droppedEventCount}`,
    );
  }
  for (const u of lambda?.urls ?? []) {
    log(`  url       ${u.functionName} (${u.authType}): ${u.url}  (or ${u.pathUrl})`);
  }
  for (const x of lambda?.schedules ?? []) {
    log(
      `  schedule  ${x.name} ${x.expression}${x.zone === "UTC" ? "" : ` (${x.zone})`} → ${x.targets.join(", ")}: ${x.enabled ? `next ${x.nextFire ?? "never"}` : "disabled"}; fired ${x.fired}${x.note ? `; ${x.note}` : ""}`,
    );
  }
  for (const r of lambda?.unhonoured ?? []) log(`  ${formatReport(r)}`);
  if (s.stacks.length === 0) log(`stacks      ${ls.running ? "none deployed (npm run deploy:local)" : "-"}`);
  for (const stack of s.stacks) {
    log(`stack       ${stack.name}: ${stack.status}`);
    for (const [key, value] of Object.entries(stack.outputs)) {
      if (!key.startsWith("Export")) log(`              ${key} = ${value}`);
    }
  }
}

/** The Kafka lines of `status`: as ever for a single broker; for a cluster, each node and each partition. */
export function kafkaStatusLines(cfg: LocalConfig, k: Status["kafka"]): string[] {
  if (cfg.kafka.brokers === 1) {
    const lines = [`Kafka       ${k.running ? `running (pid ${k.pid}) at ${cfg.kafka.bootstrapServers}` : "stopped"}`];
    if (k.topics) lines.push(`            topics: ${k.topics.join(", ") || "(none)"}`);
    return lines;
  }
  const up = k.nodes.filter((n) => n.running).length;
  const answer = k.brokers === undefined ? "" : `; ${k.brokers} broker(s) registered`;
  const lines = [
    `Kafka       ${k.running ? `${up} of ${k.nodes.length} nodes running${answer}` : "stopped"} at ${cfg.kafka.bootstrapServers}`,
  ];
  for (const n of k.nodes) {
    lines.push(`  node ${n.nodeId}    ${cfg.kafka.host}:${n.port}  ${n.running ? `up (pid ${n.pid})` : "DOWN"}`);
  }
  if (k.topics) lines.push(`            topics: ${k.topics.join(", ") || "(none)"}`);
  const under = (k.partitions ?? []).filter((p) => p.underReplicated).length;
  if (k.partitions && k.partitions.length > 0) {
    lines.push(`            partitions: ${k.partitions.length}, under-replicated: ${under}`);
  }
  for (const p of k.partitions ?? []) {
    const leader = p.leader === undefined ? "NONE (offline)" : String(p.leader);
    const flag = p.underReplicated ? `   << UNDER-REPLICATED (${p.isr.length} of ${p.replicas.length} in sync)` : "";
    lines.push(
      `  partition ${p.topic}-${p.partition}: leader ${leader}, replicas ${p.replicas.join(",")}, isr ${p.isr.join(",")}${flag}`,
    );
  }
  return lines;
}

/** --brokers N of up and start, as the configuration to use (SLUICE_KAFKA_BROKERS when absent). */
function withBrokers(cfg: LocalConfig, brokers: string | undefined): LocalConfig {
  return brokers === undefined ? cfg : loadLocalConfig({ ...process.env, SLUICE_KAFKA_BROKERS: brokers });
}

/** --app (a CDK app command or cloud assembly directory, as the CDK CLI takes it) and --name of deploy and destroy. */
function appOptions(args: string[]): { app?: string; name?: string } {
  const { values } = parseArgs({ args, options: { app: { type: "string" }, name: { type: "string" } }, strict: true });
  if (values.name !== undefined && values.app === undefined) throw new Error("--name names the app given with --app");
  return { app: values.app, name: values.name };
}

function defaultFrom(cfg: LocalConfig): string {
  return cfg.sources === "live" ? "wikidata" : "sample";
}

function jobOptions(
  args: string[],
  allowSources: boolean,
): {
  from?: string;
  limit: number;
  sources?: "sample" | "live";
  pipelines: readonly Pipeline[];
  brokers?: string;
} {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: "string" },
      limit: { type: "string" },
      sources: { type: "string" },
      pipeline: { type: "string" },
      brokers: { type: "string" },
    },
    strict: true,
  });
  if (values.pipeline !== undefined && !allowSources) throw new Error("--pipeline is an option of start");
  if (values.brokers !== undefined && !allowSources) throw new Error("--brokers is an option of start and up");
  const pipelines = pipelinesOf(values.pipeline ?? "all");
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`--limit must be a whole number ≥ 1, got "${values.limit}"`);
  if (values.sources !== undefined) {
    if (!allowSources) throw new Error("--sources is chosen at deploy time: use it with start");
    if (values.sources !== "sample" && values.sources !== "live") {
      throw new Error(`--sources must be "sample" or "live", got "${values.sources}"`);
    }
  }
  return {
    from: values.from,
    limit,
    sources: values.sources as "sample" | "live" | undefined,
    pipelines,
    ...(values.brokers === undefined ? {} : { brokers: values.brokers }),
  };
}

const PIPELINES = ["faces", "analytics", "hourly"] as const;
type Pipeline = (typeof PIPELINES)[number];

function pipelinesOf(choice: string): readonly Pipeline[] {
  if (choice === "all") return PIPELINES;
  const known = PIPELINES.find((p) => p === choice);
  if (known === undefined) throw new Error(`--pipeline must be ${PIPELINES.join(", ")} or all, got "${choice}"`);
  return [known];
}

/** Commands that answer `--help` with their own usage. */
const COMMANDS_WITH_OWN_HELP = new Set(["load", "transaction", "tweets", "schedule", "hourly", "reset", "chaos"]);

/** local:reset is destructive: --yes, or a "yes" typed on a terminal. */
async function resetCommand(cfg: LocalConfig, args: string[]): Promise<number> {
  if (args.includes("--help")) {
    process.stdout.write(RESET_HELP);
    return 0;
  }
  const { values } = parseArgs({ args, options: { yes: { type: "boolean" } }, strict: true });
  if (values.yes !== true) {
    if (process.stdin.isTTY !== true) {
      throw new Error("local:reset deletes all local state: pass --yes to confirm (npm run local:reset -- --yes)");
    }
    log("this stops the local stack and deletes:");
    for (const target of resetTargets(cfg)) log(`  ${target.what}: ${target.path}`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question('type "yes" to delete it all: ');
    rl.close();
    if (answer.trim().toLowerCase() !== "yes") {
      log("nothing deleted");
      return 1;
    }
  }
  await reset(cfg, log);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command = "help", ...rest] = argv;
  if (command === "alerts" && rest.includes("--help")) {
    process.stdout.write(ALERTS_HELP);
    return 0;
  }
  const ownHelp = COMMANDS_WITH_OWN_HELP.has(command);
  if (command === "help" || command === "--help" || command === "-h" || (rest.includes("--help") && !ownHelp)) {
    process.stdout.write(HELP);
    return 0;
  }
  const cfg = loadLocalConfig();
  switch (command) {
    case "install":
      await install(cfg, log);
      return 0;
    case "up": {
      const { values } = parseArgs({ args: rest, options: { brokers: { type: "string" } }, strict: true });
      await up(withBrokers(cfg, values.brokers), log);
      return 0;
    }
    case "down":
      await down(cfg, log);
      return 0;
    case "reset":
      return resetCommand(cfg, rest);
    case "status":
      await printStatus(cfg, rest.includes("--json"));
      return 0;
    case "deploy": {
      const { app, name } = appOptions(rest);
      if (app === undefined) await deploy(cfg, log);
      else await deployApp(cfg, { app, name }, log);
      return 0;
    }
    case "destroy": {
      const { app, name } = appOptions(rest);
      if (app === undefined) await destroy(cfg, log);
      else await destroyApp(cfg, name ?? app, log);
      return 0;
    }
    case "start": {
      const options = jobOptions(rest, true);
      const started = Date.now();
      const sized = withBrokers(cfg, options.brokers);
      const run = { ...sized, sources: options.sources ?? sized.sources };
      await up(run, log);
      const result = await deploy(run, log);
      const interactive = process.stdout.isTTY === true;
      // Fired first, printed last: the always-failing sample hour's retries take Lambda's 1 + 2 minutes.
      const hourly = options.pipelines.includes("hourly")
        ? await startHourlyRuns(run, result.outputs, START_HOURS, log)
        : undefined;
      if (options.pipelines.includes("faces")) {
        const job = await runJob(run, result.outputs, {
          ...options,
          from: options.from ?? defaultFrom(run),
          log,
          interactive,
        });
        log(formatSummary(job));
      }
      if (options.pipelines.includes("analytics")) {
        log(await runBankJob(run, result.outputs, { log, interactive }));
        log(await runTweetsJob(run, result.outputs, { log, interactive }));
      }
      if (hourly) log(await finishHourlyRuns(run, result.outputs, hourly, { log, interactive }));
      log(summary(run, result));
      log(
        `\nall done in ${((Date.now() - started) / 1000).toFixed(1)} s; the stack keeps running (npm run local:down stops it)`,
      );
      const dashboard = await dashboardUrls(run);
      log(`\nthe dashboard: ${dashboard.url}\n           or: ${dashboard.pathUrl}`);
      return 0;
    }
    case "schedule":
      return scheduleCommand(cfg, rest, log);
    case "alerts": {
      const { values } = parseArgs({
        args: rest,
        options: { since: { type: "string" }, limit: { type: "string" } },
        strict: true,
      });
      const limit = values.limit === undefined ? 20 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new Error(`--limit must be a whole number ≥ 1, got "${values.limit}"`);
      const since = values.since === undefined ? undefined : parseSince(values.since);
      log(formatAlerts(await readAlerts(cfg, { since, limit }), cfg));
      return 0;
    }
    case "load": {
      const [what, ...args] = rest;
      if (what !== "transactions") throw new Error("usage: sluice load transactions --from FILE.csv");
      return loadCommand(cfg, args, log);
    }
    case "transaction":
      return transactionCommand(cfg, rest, log);
    case "tweets":
      return tweetsCommand(cfg, rest, log);
    case "hourly":
      return hourlyCommand(cfg, rest, log);
    case "chaos":
      return chaosCommand(cfg, rest, log);
    case "seed": {
      const options = jobOptions(rest, false);
      const outputs = await stackOutputs(cfg, cfg.stackPrefix);
      if (!outputs.MetadataTableName)
        throw new Error("nothing is deployed: run `npm start` (or npm run deploy:local) first");
      const job = await runJob(cfg, outputs, {
        ...options,
        from: options.from ?? defaultFrom(cfg),
        log,
        interactive: process.stdout.isTTY === true,
      });
      log(formatSummary(job));
      return 0;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const e = error as Error;
      process.stderr.write(`\nsluice: ${e.message}\n`);
      if (!(e instanceof MissingPrerequisiteError) && e.cause)
        process.stderr.write(`  cause: ${String((e.cause as Error).message ?? e.cause)}\n`);
      process.exit(1);
    },
  );
}
