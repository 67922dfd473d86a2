/**
 * `npm run bench -- --part recovery`: how long a restarted Lambda service takes to get its Kafka partitions
 * back and deliver the next record, after a graceful stop (SIGTERM: the consumer leaves its group) and after
 * a SIGKILL (the dead member stays in the group until its session times out). The bench's own service
 * instance runs one mapping (3 partitions) against the stack's Kafka; each repetition stops the service,
 * starts it again, produces one record per partition right after the restart began and times until the
 * function has been given all of them. A measurement, not a test: nothing here asserts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { adminCredentials } from "#local/launchers/kafka";
import { awsClients } from "#local/support/aws";
import { createKafkaSecret } from "#local/support/kafka-secret";
import { producerOptions } from "#shared/producer-options";
import { benchKafka, createTopics, deleteTopics, PARTITIONS } from "./kafka";
import { repetitionOptions } from "./options";
import { instanceConfig, servicePid, startInstance, stopInstance } from "./service";
import { distribution, round, sleep } from "./stats";

const HELP = `Usage: npm run bench -- --part recovery [options]

  --repetitions N   restarts of each kind (default 3)
  --out FILE        also write the results as JSON
`;

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};

/** Records the function was given so far (the delivery handler appends "<start ms> <records>" per invocation). */
function delivered(file: string): number {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return 0;
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .reduce((sum, line) => sum + Number(line.split(" ")[1] ?? 0), 0);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const options = repetitionOptions(argv, HELP, 3);
  if (!options) return;
  const { repetitions } = options;
  const base = loadLocalConfig();
  const id = Date.now().toString(36);
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-recovery-"));
  const cfg = await instanceConfig(base, dir);
  const topic = `sluice-bench-recovery-${id}`;
  const deliveryLog = join(dir, "delivered.log");
  await createTopics(base, [topic]);
  const secret = await createKafkaSecret(
    awsClients(base).secrets,
    `sluice-bench/recovery-${id}`,
    adminCredentials(base),
  );
  writeSyntheticAssembly(cfg.assemblyDir, {
    stackName: `sluice-bench-recovery-${id}`,
    functions: [
      {
        logicalId: "Delivery",
        functionName: `sluice-bench-recovery-${id}`,
        codeDir: join(__dirname, "fixtures", "handlers"),
        handler: "index.delivery",
        environment: { BENCH_LOG: deliveryLog },
      },
    ],
    mappings: [
      {
        logicalId: "DeliveryMapping",
        functionLogicalId: "Delivery",
        topic,
        bootstrapServers: [...base.kafka.brokerList],
        secretArn: secret.arn,
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        startingPosition: "TRIM_HORIZON",
        consumerGroupId: `sluice-bench-recovery-${id}`,
      },
    ],
  });
  const producer = benchKafka(base, "sluice-bench-recovery").producer(producerOptions());
  await producer.connect();
  const produceOnEach = () =>
    producer.send({
      topic,
      messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: "{}" })),
    });
  const results: Record<"graceful" | "killed", Array<{ restartMs: number; deliveredMs: number }>> = {
    graceful: [],
    killed: [],
  };
  try {
    await startInstance(cfg, log);
    await produceOnEach();
    await until(() => delivered(deliveryLog) >= PARTITIONS, 60_000, "the first records");
    for (let rep = 1; rep <= repetitions; rep++) {
      for (const kind of ["graceful", "killed"] as const) {
        const pid = servicePid(cfg);
        if (pid === undefined) throw new Error("the bench's service is not running");
        if (kind === "killed") {
          process.kill(pid, "SIGKILL");
          await until(() => !alive(pid), 10_000, `the service (pid ${pid}) to die`);
        } else await stopInstance(cfg);
        const before = delivered(deliveryLog);
        const began = performance.now();
        const start = startInstance(cfg, log);
        await produceOnEach();
        const started = await start;
        await until(() => delivered(deliveryLog) >= before + PARTITIONS, 120_000, "the records after the restart");
        const deliveredMs = performance.now() - began;
        const restartMs = started.spawnToAnswerMs;
        results[kind].push({ restartMs, deliveredMs });
        log(
          `recovery ${kind} #${rep}: service answering in ${restartMs} ms, records delivered in ${round(deliveredMs, 0)} ms`,
        );
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stopInstance(cfg).catch(() => undefined);
    await secret.remove().catch(() => undefined);
    await deleteTopics(base, [topic]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([kind, runs]) => {
      const d = distribution(runs.map((r) => r.deliveredMs));
      return [kind, { runs, medianMs: round(d.p50, 0), minMs: round(d.min, 0), maxMs: round(d.max, 0) }];
    }),
  );
  process.stdout.write("restart → the next record of every partition delivered (ms):\n");
  for (const [kind, s] of Object.entries(summary)) {
    process.stdout.write(
      `  ${kind.padEnd(9)} median ${s.medianMs}  min ${s.minMs}  max ${s.maxMs}  (${s.runs.length} runs)\n`,
    );
  }
  if (options.out) (await import("node:fs")).writeFileSync(options.out, `${JSON.stringify(summary, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench recovery: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
