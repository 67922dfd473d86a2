/**
 * `npm run bench -- --part cluster`: what three Kafka brokers cost and how fast they fail over, on clusters of
 * the bench's own (temporary state directories, free ports; not the stack's Kafka):
 *   start      startKafka on fresh data (format + start until every broker is registered), 1 node and 3 nodes
 *   stop       stopKafka with 8 topics of 3 partitions in place (SIGTERM to every node), 1 node and 3 nodes
 *   restart    startKafka again after that stop (formatted data), 1 node and 3 nodes
 *   failover   3 nodes, a 3-partition topic: SIGKILL the leader of partition 0, then poll kafkaStatus every 100 ms
 *              until partition 0 has another leader (leader moved) and until the dead node left every ISR
 *   rejoin     startKafka brings the node back: until it is registered (startKafka resolves) and until every
 *              partition has 3 in-sync replicas again
 * A measurement, not a test: nothing here asserts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KAFKA_NODE_PORT_STRIDE, type LocalConfig, loadLocalConfig } from "#local/config";
import { kafkaStatus, killKafkaNode, startKafka, stopKafka } from "#local/launchers/kafka";
import { ensureTopics } from "#local/launchers/kafka-admin";
import { freePortSeries } from "#local/support/ports";
import { repetitionOptions } from "./options";
import { distribution, round, sleep } from "./stats";

const HELP = `Usage: npm run bench -- --part cluster [options]

  --repetitions N   runs of each measurement (default 2)
  --out FILE        also write the results as JSON
`;

const TOPIC = "bench-cluster";
const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};

async function clusterConfig(brokers: number): Promise<{ cfg: LocalConfig; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-cluster-"));
  const base = await freePortSeries(brokers, KAFKA_NODE_PORT_STRIDE);
  const cfg = loadLocalConfig({
    ...process.env,
    SLUICE_STATE_DIR: dir,
    KAFKA_PORT: String(base),
    KAFKA_CONTROLLER_PORT: String(base + 1),
    SLUICE_KAFKA_BROKERS: String(brokers),
  });
  return { cfg, dir };
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = Date.now();
  await fn();
  return Date.now() - t;
}

/** Polls until check holds (every 100 ms); the time it took, in ms. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - t > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
  return Date.now() - t;
}

async function partitions(cfg: LocalConfig) {
  return ((await kafkaStatus(cfg)).partitions ?? []).filter((p) => p.topic === TOPIC);
}

interface Results {
  startMs: Record<string, number[]>;
  stopMs: Record<string, number[]>;
  restartMs: Record<string, number[]>;
  leaderMovedMs: number[];
  isrShrunkMs: number[];
  registeredMs: number[];
  isrFullMs: number[];
}

async function measureStart(brokers: number, results: Results): Promise<void> {
  const { cfg, dir } = await clusterConfig(brokers);
  try {
    const start = await timed(() => startKafka(cfg, () => undefined));
    results.startMs[brokers] = [...(results.startMs[brokers] ?? []), start];
    await ensureTopics(
      cfg,
      Array.from({ length: 8 }, (_, i) => ({ name: `${TOPIC}-${i}`, partitions: 3 })),
    );
    const stop = await timed(() => stopKafka(cfg));
    results.stopMs[brokers] = [...(results.stopMs[brokers] ?? []), stop];
    const restart = await timed(() => startKafka(cfg, () => undefined));
    results.restartMs[brokers] = [...(results.restartMs[brokers] ?? []), restart];
  } finally {
    await stopKafka(cfg);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureFailover(results: Results): Promise<void> {
  const { cfg, dir } = await clusterConfig(3);
  try {
    await startKafka(cfg, () => undefined);
    await ensureTopics(cfg, [{ name: TOPIC, partitions: 3 }]);
    await until(async () => (await partitions(cfg)).every((p) => p.isr.length === 3), 60_000, "3 ISR");
    const victim = (await partitions(cfg)).find((p) => p.partition === 0)?.leader;
    if (victim === undefined) throw new Error("partition 0 has no leader");
    await killKafkaNode(cfg, victim);
    const killedAt = Date.now();
    await until(
      async () => {
        const leader = (await partitions(cfg)).find((p) => p.partition === 0)?.leader;
        return leader !== undefined && leader !== victim;
      },
      120_000,
      "partition 0's leadership to move",
    );
    results.leaderMovedMs.push(Date.now() - killedAt);
    await until(
      async () => (await partitions(cfg)).every((p) => p.isr.length === 2 && !p.isr.includes(victim)),
      120_000,
      `node ${victim} to leave every ISR`,
    );
    results.isrShrunkMs.push(Date.now() - killedAt);
    const restartAt = Date.now();
    await startKafka(cfg, () => undefined);
    results.registeredMs.push(Date.now() - restartAt);
    await until(async () => (await partitions(cfg)).every((p) => p.isr.length === 3), 120_000, "3 ISR again");
    results.isrFullMs.push(Date.now() - restartAt);
  } finally {
    await stopKafka(cfg);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const options = repetitionOptions(argv, HELP, 2);
  if (!options) return;
  const { repetitions } = options;
  const results: Results = {
    startMs: {},
    stopMs: {},
    restartMs: {},
    leaderMovedMs: [],
    isrShrunkMs: [],
    registeredMs: [],
    isrFullMs: [],
  };
  for (let i = 1; i <= repetitions; i++) {
    for (const brokers of [1, 3]) {
      log(`start and restart of ${brokers} node(s), run ${i} of ${repetitions}…`);
      await measureStart(brokers, results);
    }
    log(`failover of 3 nodes, run ${i} of ${repetitions}…`);
    await measureFailover(results);
  }
  const row = (label: string, ms: number[]): string => {
    const d = distribution(ms);
    return `  ${label.padEnd(44)} median ${round(d.p50 / 1000, 1)} s  (${ms.map((x) => round(x / 1000, 1)).join(", ")} s)`;
  };
  const lines = [
    "Kafka cluster (own clusters in temporary state directories)",
    row("start, fresh data, 1 node", results.startMs[1] ?? []),
    row("start, fresh data, 3 nodes", results.startMs[3] ?? []),
    row("stop, 8 topics, 1 node", results.stopMs[1] ?? []),
    row("stop, 8 topics, 3 nodes", results.stopMs[3] ?? []),
    row("restart, formatted data, 1 node", results.restartMs[1] ?? []),
    row("restart, formatted data, 3 nodes", results.restartMs[3] ?? []),
    row("SIGKILL → partition 0 led by another node", results.leaderMovedMs),
    row("SIGKILL → dead node out of every ISR", results.isrShrunkMs),
    row("startKafka → node registered again", results.registeredMs),
    row("startKafka → 3 in-sync replicas everywhere", results.isrFullMs),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (options.out) writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench cluster: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
