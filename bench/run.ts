/**
 * `npm run bench`: measures the local Lambda service side by side with the raw kafkajs ceiling and prints
 * a table (and writes JSON with --out). A measurement, not a test: nothing here asserts.
 *
 * It brings the local stack up if it is not running (LocalStack holds the mapping's SCRAM secret, Kafka
 * the topics), runs a second Lambda service instance of its own (own state directory, assembly and port)
 * on the benchmark's assembly (bench/assembly.ts, handlers in bench/fixtures/handlers), and stops what it
 * started at the end.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { loadLocalConfig } from "#local/config";
import { lambdaServiceStatus, stopLambdaService } from "#local/lambda-service/daemon";
import { adminCredentials, kafkaStatus, stopKafka } from "#local/launchers/kafka";
import { localStackStatus, stopLocalStack } from "#local/launchers/localstack-host";
import { up } from "#local/stack";
import { awsClients } from "#local/support/aws";
import { createKafkaSecret, type KafkaSecret } from "#local/support/kafka-secret";
import { producerOptions } from "#shared/producer-options";
import { errorText, log, type Run, writeAssembly } from "./context";
import { benchKafka, createTopics, deleteTopics, produceBacklog } from "./kafka";
import { measureColdAfterReload, measureStarts, measureWarm } from "./measure";
import { parseOptions } from "./options";
import { analyzeProfile, formatPhaseProfile, PhaseClock, profilesSince } from "./profile";
import { type Results, type Row, rows, table } from "./report";
import { commitVariant, measureRounds, type RoundResults, roundRows, WORKING_TREE } from "./rounds";
import { instanceConfig, servicePid, stopInstance } from "./service";
import { formatMachine, machine, procMemory, round } from "./stats";

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseOptions();
  if (!opts) return;
  const cfg = loadLocalConfig();
  const began = new Date();
  const loadBefore = loadavg();

  const [ls, kafka, service] = await Promise.all([localStackStatus(cfg), kafkaStatus(cfg), lambdaServiceStatus(cfg)]);
  const wasRunning = { localstack: ls.running, kafka: kafka.running, lambda: service !== undefined };
  log(`bringing the local stack up (${cfg.endpoint.url}, Kafka ${cfg.kafka.bootstrapServers})…`);
  await up(cfg, log);

  const id = Date.now().toString(36);
  const instanceDir = join(cfg.stateDir, "bench");
  const icfg = await instanceConfig(cfg, instanceDir, opts.servicePort);
  await stopInstance(icfg); // one left running by an earlier --keep
  const outDir = join(instanceDir, "out");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const kafkaClient = benchKafka(cfg, "sluice-bench-producer");
  const producer = kafkaClient.producer(producerOptions());
  const results: Results = { memory: {}, errors: {} };
  const clock = new PhaseClock();
  let rounds: RoundResults | undefined;
  let roundTable: Row[] = [];
  let secret: KafkaSecret | undefined;
  const topics = [`sluice-bench-backlog-${id}`, `sluice-bench-trigger-${id}`] as const;
  try {
    secret = await createKafkaSecret(awsClients(cfg).secrets, `sluice-bench/kafka-${id}`, adminCredentials(cfg));
    await createTopics(cfg, topics);
    await producer.connect();
    const run: Run = {
      id,
      cfg,
      icfg,
      outDir,
      backlogTopic: topics[0],
      triggerTopic: topics[1],
      secretArn: secret.arn,
      generation: 0,
      round: 0,
      uuids: new Map(),
    };
    writeAssembly(run);
    log(`bench service instance: ${icfg.endpoint.url}, state ${instanceDir}`);

    // 6 (and the cold invoke after each start)
    const startResults = await measureStarts(run, opts.starts, opts.profile);
    results.start = {
      spawnToAnswerMs: startResults.starts.map((s) => s.spawnToAnswerMs),
      readyLineMs: startResults.starts.map((s) => s.readyLineMs ?? Number.NaN),
    };
    if (startResults.idleServiceMemory) results.memory.serviceIdle = startResults.idleServiceMemory;
    results.invoke = { coldAfterStart: startResults.coldAfterStart, coldAfterReload: [] };

    // 4
    try {
      results.invoke.coldAfterReload = await measureColdAfterReload(run, opts.cold);
      log(`cold invokes after reload: ${results.invoke.coldAfterReload.map((c) => c.ms).join(", ")} ms`);
      const warm = await clock.time("warm invokes", () => measureWarm(run, opts.invokes));
      results.invoke.warm = warm;
      if (warm.workerMemory) results.memory.noopWorker = warm.workerMemory;
      if (warm.serviceMemory) results.memory.serviceAfterWarmInvokes = warm.serviceMemory;
      log(`warm invokes: p50 ${warm.latencyMs.p50} ms, p99 ${warm.latencyMs.p99} ms`);
    } catch (error) {
      results.errors.invoke = errorText(error);
    }

    // 1-3, repeated, per variant of the service
    log(`producing ${opts.records} records of ${opts.recordBytes} B to ${run.backlogTopic}…`);
    const produceSeconds = await produceBacklog(producer, run.backlogTopic, opts.records, opts.recordBytes);
    log(`produced in ${round(produceSeconds, 2)} s`);
    const variants = [
      WORKING_TREE,
      ...opts.compare.map((ref) => commitVariant(cfg.root, ref, join(instanceDir, "variants"))),
    ];
    rounds = await measureRounds(run, producer, variants, {
      repetitions: opts.repetitions,
      records: opts.records,
      triggerCount: opts.triggerCount,
      triggerIntervalMs: opts.triggerIntervalMs,
      clock,
      ...(opts.profile ? { profile: opts.profile } : {}),
    });
    roundTable = roundRows(rounds, variants);

    // 5
    const pid = servicePid(icfg);
    const after = pid === undefined ? undefined : procMemory(pid);
    if (after) results.memory.serviceAfterLoad = after;
  } catch (error) {
    results.errors.bench = errorText(error);
    log(`failed: ${(error as Error).stack ?? errorText(error)}`);
  } finally {
    await producer.disconnect().catch(() => undefined);
    if (!opts.keep) {
      await stopInstance(icfg).catch(() => undefined);
      if (opts.profile) {
        // One profile per instance started: each phase is found in the one that ran it.
        const files = profilesSince(opts.profile, began.getTime());
        results.profile = {
          files,
          marks: clock.phases,
          phases: files.flatMap((file) => analyzeProfile(file, clock.phases, 25)).filter((p) => p.busyMs > 0),
        };
        if (files.length === 0) log(`no .cpuprofile appeared in ${opts.profile}`);
        for (const p of results.profile.phases)
          process.stderr.write(`${formatPhaseProfile(p)}
`);
      }
      await deleteTopics(cfg, topics).catch((error: unknown) => log(`could not delete topics: ${errorText(error)}`));
      await secret?.remove().catch(() => undefined);
    }
    if (!opts.keep) {
      if (!wasRunning.lambda) await stopLambdaService(cfg);
      const stops: Promise<boolean>[] = [];
      if (!wasRunning.kafka) stops.push(stopKafka(cfg));
      if (!wasRunning.localstack) stops.push(stopLocalStack(cfg));
      await Promise.all(stops);
      const stopped = Object.entries(wasRunning)
        .filter(([, running]) => !running)
        .map(([name]) => name);
      log(stopped.length > 0 ? `stopped what the bench started: ${stopped.join(", ")}` : "left the stack running");
    } else {
      log(`--keep: the stack and the bench service (${icfg.endpoint.url}) keep running`);
    }
  }

  const tableRows = [...roundTable, ...rows(results, opts)];
  process.stdout.write(`\n${table(tableRows)}\n\n`);
  const measuredOn = machine(loadBefore);
  process.stdout.write(`${formatMachine(measuredOn)}\n`);
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    const json = {
      startedAt: began.toISOString(),
      finishedAt: new Date().toISOString(),
      options: opts,
      machine: measuredOn,
      stack: {
        endpoint: cfg.endpoint.url,
        benchService: icfg.endpoint.url,
        kafka: cfg.kafka.bootstrapServers,
        localstack: cfg.localstack.url,
        wasRunning,
      },
      results,
      rounds,
      table: tableRows,
    };
    writeFileSync(opts.out, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`results written to ${opts.out}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
