/**
 * The local stack as one thing: install, up, deploy, status, destroy, down.
 * The CLI (cli.ts), `npm start` and the integration tests all go through here.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { DeleteObjectsCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { LocalConfig } from "./config";
import {
  lambdaServiceStatus,
  reloadLambdaService,
  startLambdaService,
  stopLambdaService,
} from "./lambda-service/daemon";
import { formatReport } from "./lambda-service/unhonoured";
import { kafkaStatus, startKafka, stopKafka } from "./launchers/kafka";
import { ensureTopics, upsertScramUser } from "./launchers/kafka-admin";
import { checkKafkaPrerequisites, installKafka } from "./launchers/kafka-install";
import {
  checkLocalStackPrerequisites,
  installLocalStack,
  localStackStatus,
  startLocalStack,
  stopLocalStack,
} from "./launchers/localstack-host";
import { formatBytes, formatSave, localStackStatePaths, readSaveReport, sizeOf } from "./launchers/localstack-state";
import { SAMPLE_TMDB_KEY, startSampleWeb, stopSampleWeb } from "./sample-web/daemon";
import { type DeployedApp, listApps } from "./support/app-registry";
import { awsClients, awsEnv, deployedStacks, stackOutputs, stackStatus } from "./support/aws";
import { readKafkaSecret, type ScramUser } from "./support/kafka-secret";

import type { Log } from "./support/log";

const elapsed = (start: number): string => `${((Date.now() - start) / 1000).toFixed(1)} s`;

export async function install(cfg: LocalConfig, log: Log): Promise<void> {
  checkLocalStackPrerequisites();
  checkKafkaPrerequisites();
  const start = Date.now();
  await Promise.all([installLocalStack(cfg, log), installKafka(cfg, log)]);
  log(`installed (${elapsed(start)})`);
}

export async function up(cfg: LocalConfig, log: Log): Promise<{ alreadyRunning: boolean }> {
  await install(cfg, log);
  const start = Date.now();
  const [ls, kafka] = await Promise.all([startLocalStack(cfg, log), startKafka(cfg, log)]);
  const lambda = await startLambdaService(cfg, log);
  const sample = cfg.sources === "sample" ? await startSampleWeb(cfg, log) : { alreadyRunning: true };
  const alreadyRunning = ls.alreadyRunning && kafka.alreadyRunning && lambda.alreadyRunning && sample.alreadyRunning;
  const what = `endpoint ${cfg.endpoint.url} (Lambda service → LocalStack ${cfg.localstack.url}), Kafka ${cfg.kafka.bootstrapServers}`;
  log(alreadyRunning ? `local stack already running: ${what}` : `local stack up in ${elapsed(start)}: ${what}`);
  return { alreadyRunning };
}

export async function down(cfg: LocalConfig, log: Log): Promise<void> {
  const start = Date.now();
  // The service first: its pollers finish their batches and commit while Kafka and LocalStack still run, so the
  // state LocalStack saves as it stops already holds what those committed offsets stand for.
  const lambda = await stopLambdaService(cfg);
  const [kafka, ls, sample] = await Promise.all([stopKafka(cfg), stopLocalStack(cfg), stopSampleWeb(cfg)]);
  const said = (stopped: boolean): string => (stopped ? "stopped" : "was not running");
  log(`Lambda service ${said(lambda)}; Kafka ${said(kafka)}; LocalStack ${said(ls)}; sample web ${said(sample)}`);
  const saved = readSaveReport(cfg);
  if (ls && saved !== undefined) {
    const fresh = saved.reason === "shutdown" && saved.at * 1000 >= start;
    const where = localStackStatePaths(cfg).snapshots;
    log(
      fresh
        ? formatSave(saved, where)
        : `LocalStack did not save on shutdown (killed?): its last save, ${new Date(saved.at * 1000).toISOString()}, is what the next start restores`,
    );
  }
  if (ls)
    log(
      `state kept: ${formatBytes(sizeOf(cfg.localstack.dataDir))} in ${cfg.localstack.dataDir}, Kafka's ${formatBytes(sizeOf(cfg.kafka.dataDir))} in ${cfg.kafka.dataDir} (npm run local:reset wipes it)`,
    );
  log(`down in ${elapsed(start)}`);
}

/**
 * Runs the CDK CLI against the local endpoint, streaming its output through log. The cloud assembly goes to
 * output (sluice's own by default); with --app among args the CLI runs that app instead of cdk.json's.
 */
export function cdk(
  cfg: LocalConfig,
  args: string[],
  log: Log,
  options: { readonly output?: string; readonly cwd?: string } = {},
): Promise<void> {
  const bin = join(cfg.root, "node_modules", ".bin", "cdk");
  const full = [
    ...args,
    "--output",
    options.output ?? cfg.assemblyDir,
    "--ci",
    "--no-notices",
    "--no-version-reporting",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, full, {
      cwd: options.cwd ?? cfg.root,
      env: awsEnv(cfg),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      tail = (tail + text).slice(-8000);
      for (const line of text.split("\n")) if (line.trim() !== "") log(`  cdk │ ${line}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (error) => reject(new Error(`cdk ${args[0]} could not start: ${bin}`, { cause: error })));
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`cdk ${args.join(" ")} failed (exit ${code}):\n${tail.trim().split("\n").slice(-20).join("\n")}`),
        );
    });
  });
}

/** CDK context for a local deploy: the local profile, and the brokers this machine's Kafka listens on. */
export function localContext(cfg: LocalConfig): string[] {
  return [
    "-c",
    "sluice:profile=local",
    "-c",
    `sluice:kafkaBootstrapServers=${cfg.kafka.bootstrapServers}`,
    "-c",
    `sluice:stackPrefix=${cfg.stackPrefix}`,
    "-c",
    `sluice:sources=${cfg.sources}`,
    "-c",
    `sluice:sampleWebUrl=${cfg.sampleWeb.url}`,
  ];
}

export function readKafkaUser(cfg: LocalConfig, secretArn: string): Promise<ScramUser> {
  return readKafkaSecret(awsClients(cfg).secrets, secretArn);
}

/** The sample web's TMDB stands in for the real one and wants its own token, which the scrape stage reads from the secret. */
async function putSampleTmdbKey(cfg: LocalConfig, secretArn: string): Promise<void> {
  await awsClients(cfg).secrets.send(
    new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ apiKey: SAMPLE_TMDB_KEY }) }),
  );
}

/** Fails unless the local stack runs; bootstraps the CDK environment the first time. */
export async function ensureRunningAndBootstrapped(cfg: LocalConfig, log: Log): Promise<void> {
  const [ls, kafka, lambda] = await Promise.all([localStackStatus(cfg), kafkaStatus(cfg), lambdaServiceStatus(cfg)]);
  if (!ls.running || !kafka.running || !lambda) {
    throw new Error("the local stack is not running: start it with `npm run local:up` (or `npm start`)");
  }
  const toolkit = await stackStatus(cfg, "CDKToolkit");
  if (!toolkit || !/(CREATE|UPDATE)_COMPLETE$/.test(toolkit) || toolkit.includes("ROLLBACK")) {
    log("bootstrapping the CDK environment (once)…");
    await cdk(cfg, ["bootstrap", `aws://${cfg.accountId}/${cfg.region}`, ...localContext(cfg)], log);
  }
}

/** Every topic a stack lists in an output whose key ends in "Topics" (`Topics`, `AnalyticsTopics`, …). */
export function topicsOf(outputs: Record<string, string>): string[] {
  const listed = Object.entries(outputs)
    .filter(([key]) => key.endsWith("Topics"))
    .flatMap(([, value]) => value.split(","));
  return [...new Set(listed.filter((t) => t !== ""))];
}

export interface DeployResult {
  readonly outputs: Record<string, string>;
  readonly topics: string[];
  readonly seconds: number;
}

/**
 * Bootstraps (once) and deploys every stack with the local profile, then makes Kafka match what was
 * deployed: the secret's SCRAM user exists with the secret's password, and the pipeline's topics exist.
 * `context` adds CDK context values (`-c key=value`) over the app's, for this deploy only (a benchmark's variant).
 */
export async function deploy(
  cfg: LocalConfig,
  log: Log,
  options: { readonly context?: Readonly<Record<string, string | number>> } = {},
): Promise<DeployResult> {
  const start = Date.now();
  await ensureRunningAndBootstrapped(cfg, log);
  log("deploying all stacks with the local profile…");
  const extra = Object.entries(options.context ?? {}).flatMap(([key, value]) => ["-c", `${key}=${value}`]);
  await cdk(
    cfg,
    ["deploy", "--all", "--require-approval", "never", "--progress", "events", ...localContext(cfg), ...extra],
    log,
  );
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const secretArn = outputs.KafkaSecretArn;
  if (!secretArn) throw new Error(`no KafkaSecretArn output in the ${cfg.stackPrefix}-* stacks after deploy`);
  const user = await readKafkaUser(cfg, secretArn);
  await upsertScramUser(cfg, user);
  if (cfg.sources === "sample" && outputs.TmdbSecretArn) await putSampleTmdbKey(cfg, outputs.TmdbSecretArn);
  const topics = topicsOf(outputs);
  await ensureTopics(
    cfg,
    topics.map((name) => ({ name })),
  );
  const service = await reloadLambdaService(cfg);
  if (service.loadError)
    throw new Error(`the local Lambda service could not load what was deployed: ${service.loadError}`);
  const seconds = (Date.now() - start) / 1000;
  log(`deployed in ${seconds.toFixed(1)} s; Kafka user "${user.username}" and ${topics.length} topics in place`);
  log(
    `Lambda service runs ${service.functions.length} functions, ${service.mappings.length} Kafka event-source mappings and ${service.schedules.length} schedules`,
  );
  for (const u of service.urls ?? []) log(`function URL of ${u.functionName} (${u.authType}): ${u.url}`);
  for (const report of service.unhonoured) log(`  ${formatReport(report)}`);
  return { outputs, topics, seconds };
}

export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  let removed = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key ?? "" }));
    if (keys.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      removed += keys.length;
    }
  }
  return removed;
}

/** Empties the deployment's buckets (CloudFormation cannot delete a full bucket) and destroys every stack. */
export async function destroy(cfg: LocalConfig, log: Log): Promise<void> {
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const buckets = Object.entries(outputs)
    .filter(([key]) => key.endsWith("BucketName"))
    .map(([, name]) => name);
  const { s3 } = awsClients(cfg);
  for (const bucket of buckets) {
    const n = await emptyBucket(s3, bucket).catch(() => 0);
    if (n > 0) log(`emptied s3://${bucket} (${n} objects)`);
  }
  await cdk(cfg, ["destroy", "--all", "--force", ...localContext(cfg)], log);
  log("stacks destroyed");
}

export interface Status {
  readonly lambda: Awaited<ReturnType<typeof lambdaServiceStatus>>;
  readonly localstack: Awaited<ReturnType<typeof localStackStatus>>;
  readonly kafka: Awaited<ReturnType<typeof kafkaStatus>>;
  readonly stacks: Awaited<ReturnType<typeof deployedStacks>>;
  /** The other CDK apps deployed with `deploy:local -- --app`. */
  readonly apps: DeployedApp[];
}

export async function status(cfg: LocalConfig): Promise<Status> {
  const [localstack, kafka, lambda] = await Promise.all([
    localStackStatus(cfg),
    kafkaStatus(cfg),
    lambdaServiceStatus(cfg),
  ]);
  const stacks = localstack.running && lambda ? await deployedStacks(cfg, cfg.stackPrefix).catch(() => []) : [];
  return { lambda, localstack, kafka, stacks, apps: listApps(cfg.stateDir) };
}
