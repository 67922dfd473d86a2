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
import { DELIVERY_BATCH_SIZES, deliveryName, errorText, log, type Run, writeAssembly } from "./context";
import { benchKafka, createTopics, deleteTopics, produceBacklog, rawConsume } from "./kafka";
import {
  measureColdAfterReload,
  measureDelivery,
  measureStarts,
  measureTrigger,
  measureWarm,
  summarizeRaw,
} from "./measure";
import { parseOptions } from "./options";
import { analyzeProfile, formatPhaseProfile, newestProfile, PhaseClock } from "./profile";
import { type Results, rows, table } from "./report";
import { instanceConfig, instanceStatus, servicePid, stopInstance } from "./service";
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
  const results: Results = { delivery: [], memory: {}, errors: {} };
  const clock = new PhaseClock();
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

    // 1
    log(`producing ${opts.records} records of ${opts.recordBytes} B to ${run.backlogTopic}…`);
    const produceSeconds = await produceBacklog(producer, run.backlogTopic, opts.records, opts.recordBytes);
    log(`produced in ${round(produceSeconds, 2)} s; raw kafkajs consume…`);
    const raw = summarizeRaw(await rawConsume(cfg, run.backlogTopic, opts.records, 120_000));
    results.raw = raw;
    log(`raw kafkajs: ${raw.recordsPerSecond} rec/s (${raw.batches} batches, join ${raw.joinMs} ms)`);

    // 2
    for (const batchSize of DELIVERY_BATCH_SIZES) {
      try {
        const d = await clock.time(`delivery BatchSize ${batchSize}`, () =>
          measureDelivery(run, batchSize, opts.records, raw.recordsPerSecond),
        );
        results.delivery.push(d);
        log(
          `delivery BatchSize ${batchSize}: ${d.recordsPerSecond} rec/s (${d.ratioToRaw}× raw), ${d.invocations} invokes, ` +
            `enable→first ${d.enableToFirstMs} ms, cpu ${JSON.stringify(d.cpuSeconds)} over ${d.wallSeconds} s`,
        );
        if (batchSize === DELIVERY_BATCH_SIZES[0]) {
          const status = await instanceStatus(icfg);
          const w = status.functions.find((f) => f.name === deliveryName(batchSize))?.stats?.sandboxes[0];
          const m = w ? procMemory(w.pid) : undefined;
          if (m) results.memory.deliveryWorkerAfterLoad = m;
        }
      } catch (error) {
        results.errors[`delivery ${batchSize}`] = errorText(error);
      }
    }

    // 3
    try {
      const t = await clock.time("trigger", () =>
        measureTrigger(run, producer, opts.triggerCount, opts.triggerIntervalMs),
      );
      results.trigger = t;
      log(`trigger: p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms, max ${t.latencyMs.max} ms`);
    } catch (error) {
      results.errors.trigger = errorText(error);
    }

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
        const file = newestProfile(opts.profile, began.getTime());
        results.profile = {
          ...(file ? { file } : {}),
          marks: clock.phases,
          phases: file ? analyzeProfile(file, clock.phases, 25) : [],
        };
        if (!file) log(`no .cpuprofile appeared in ${opts.profile}`);
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

  const tableRows = rows(results, opts);
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
