#!/usr/bin/env tsx
/**
 * sluice's local stack: Kafka (KRaft, SCRAM) and LocalStack on this machine, no Docker.
 * Usage: tsx localstack/cli.ts <command>; see `help`.
 */
import { type LocalConfig, loadLocalConfig } from "./config";
import { MissingPrerequisiteError } from "./proc";
import { type DeployResult, deploy, destroy, down, install, type Log, status, up } from "./stack";

const HELP = `sluice local stack — Kafka and LocalStack on this machine, no Docker, no licence

usage: npm run <script>            (or: npx tsx localstack/cli.ts <command>)

  npm start             install, start, deploy, and print what is running   (command: start)
  npm run local:up      install if needed and start Kafka + LocalStack       (command: up)
  npm run local:down    stop them                                             (command: down)
  npm run local:status  what runs, what is deployed (--json for JSON)        (command: status)
  npm run deploy:local  cdk bootstrap (once) + cdk deploy --all, local profile (command: deploy)
  npm run destroy:local empty the buckets and cdk destroy --all              (command: destroy)
  npx tsx localstack/cli.ts install    only install (Kafka jars, LocalStack venv, DynamoDB Local)

environment (defaults):
  SLUICE_PORT=4566 (the endpoint)  LOCALSTACK_PORT=4567  KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093  AWS_REGION=us-east-1
  SLUICE_STATE_DIR=<repo>/.local (data, logs, venv)   SLUICE_CACHE_DIR=~/.cache/sluice (downloads)
  SLUICE_STACK_PREFIX=sluice   SLUICE_KAFKA_HEAP=512m
`;

const log: Log = (message) => process.stdout.write(`${message}\n`);

function summary(cfg: LocalConfig, result: DeployResult): string {
  const o = result.outputs;
  const env = `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${cfg.region}`;
  const functions = ["Scrape", "Validate", "Store", "Clean"]
    .map((s) => o[`${s}FunctionName`])
    .filter((f): f is string => f !== undefined);
  return [
    "",
    "sluice is running locally",
    `  AWS endpoint     ${cfg.endpoint.url}   (Lambda: the local Lambda service; everything else: LocalStack at ${cfg.localstack.url})`,
    `  Kafka            ${cfg.kafka.bootstrapServers}   (SASL_PLAINTEXT, SCRAM-SHA-512; credentials in ${o.KafkaSecretArn ?? "?"})`,
    `  buckets          images=${o.ImagesBucketName}  lake=${o.LakeBucketName}  failures=${o.FailuresBucketName}`,
    `  table            ${o.MetadataTableName}`,
    `  topics           ${result.topics.join(", ")}`,
    `  functions        ${functions.join(", ")}  (in cdk.out: ${cfg.assemblyDir}; run by the local Lambda service)`,
    "",
    "look around (AWS CLI v2):",
    `  export ${env}`,
    `  aws --endpoint-url ${cfg.endpoint.url} s3 ls`,
    `  aws --endpoint-url ${cfg.endpoint.url} dynamodb list-tables`,
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
  const k = s.kafka;
  log(`Kafka       ${k.running ? `running (pid ${k.pid}) at ${cfg.kafka.bootstrapServers}` : "stopped"}`);
  if (k.topics) log(`            topics: ${k.topics.join(", ") || "(none)"}`);
  const lambda = s.lambda;
  log(
    `Lambda      ${lambda ? `running at ${lambda.endpoint}${lambda.loadError ? ` — LOAD ERROR: ${lambda.loadError}` : ""}` : "stopped"}`,
  );
  for (const f of lambda?.functions ?? []) {
    const st = f.stats;
    log(
      `  function  ${f.name} (${f.runtime}): ${st ? `${st.invocations} invocations, ${st.errors} errors, ${st.workers} warm workers, ${st.coldStarts} cold starts` : "not invoked yet"}`,
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
  if (s.stacks.length === 0) log(`stacks      ${ls.running ? "none deployed (npm run deploy:local)" : "-"}`);
  for (const stack of s.stacks) {
    log(`stack       ${stack.name}: ${stack.status}`);
    for (const [key, value] of Object.entries(stack.outputs)) {
      if (!key.startsWith("Export")) log(`              ${key} = ${value}`);
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command = "help", ...rest] = argv;
  if (command === "help" || command === "--help" || command === "-h" || rest.includes("--help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const cfg = loadLocalConfig();
  switch (command) {
    case "install":
      await install(cfg, log);
      return 0;
    case "up":
      await up(cfg, log);
      return 0;
    case "down":
      await down(cfg, log);
      return 0;
    case "status":
      await printStatus(cfg, rest.includes("--json"));
      return 0;
    case "deploy":
      await deploy(cfg, log);
      return 0;
    case "destroy":
      await destroy(cfg, log);
      return 0;
    case "start": {
      const started = Date.now();
      await up(cfg, log);
      const result = await deploy(cfg, log);
      log(summary(cfg, result));
      log(`\nready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
