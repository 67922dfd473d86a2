/**
 * One raw consumer in a process of its own (so its CPU time and garbage are its own): reads `--records` records
 * of `--topic` from the beginning in a fresh group with `--client kafkajs|platformatic`, does nothing with them,
 * and prints one JSON line: when the first and the last record arrived and the CPU it used in between.
 *
 * Both clients are configured alike: SCRAM-SHA-512 as the admin user, no commits, values left as bytes, the
 * fetch wait of the service's poller (100 ms), each library's default fetch sizes.
 */
import { parseArgs } from "node:util";
import { Consumer } from "@platformatic/kafka";
import { loadLocalConfig } from "#local/config";
import { adminCredentials } from "#local/launchers/kafka";
import { adminKafka } from "#local/launchers/kafka-client";

export const CLIENTS = ["kafkajs", "platformatic"] as const;
export type Client = (typeof CLIENTS)[number];

export interface RawResult {
  readonly client: Client;
  readonly records: number;
  /** ms since the epoch: the first record handed over, the n-th record handed over. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Records that arrived together with the first (excluded from the rate, as they took no time). */
  readonly firstRecords: number;
  /** CPU microseconds (user + system) of this process from the first record to the last. */
  readonly cpuMicros: number;
  readonly joinMs: number;
}

const POLLER_MAX_WAIT_MS = 100;

interface Progress {
  total: number;
  firstAt: number;
  firstRecords: number;
  cpuAtFirst: NodeJS.CpuUsage | undefined;
}

/** Counts what arrived; resolves when n records did. */
function counter(n: number): {
  seen(records: number): void;
  done: Promise<{ lastAt: number; cpu: NodeJS.CpuUsage }>;
} & {
  progress: Progress;
} {
  const progress: Progress = { total: 0, firstAt: Number.NaN, firstRecords: 0, cpuAtFirst: undefined };
  let finish: (v: { lastAt: number; cpu: NodeJS.CpuUsage }) => void = () => undefined;
  const done = new Promise<{ lastAt: number; cpu: NodeJS.CpuUsage }>((resolve) => {
    finish = resolve;
  });
  return {
    progress,
    done,
    seen(records) {
      if (progress.total === 0) {
        progress.firstAt = Date.now();
        progress.firstRecords = records;
        progress.cpuAtFirst = process.cpuUsage();
      }
      const before = progress.total;
      progress.total += records;
      if (before < n && progress.total >= n) finish({ lastAt: Date.now(), cpu: process.cpuUsage(progress.cpuAtFirst) });
    },
  };
}

async function withKafkajs(topic: string, n: number): Promise<RawResult> {
  const cfg = loadLocalConfig();
  const consumer = adminKafka(cfg, "sluice-bench-ceiling").consumer({
    groupId: `sluice-bench-ceiling-${Date.now().toString(36)}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: POLLER_MAX_WAIT_MS,
  });
  const count = counter(n);
  let joinedAt = Number.NaN;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt = Date.now();
  });
  const runAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      count.seen(batch.messages.length);
    },
  });
  const { lastAt, cpu } = await count.done;
  await consumer.disconnect();
  return result("kafkajs", count.progress, lastAt, cpu, joinedAt - runAt);
}

async function withPlatformatic(topic: string, n: number): Promise<RawResult> {
  const cfg = loadLocalConfig();
  const admin = adminCredentials(cfg);
  const consumer = new Consumer({
    clientId: "sluice-bench-ceiling",
    groupId: `sluice-bench-ceiling-${Date.now().toString(36)}`,
    bootstrapBrokers: cfg.kafka.bootstrapServers.split(","),
    sasl: { mechanism: "SCRAM-SHA-512", username: admin.username, password: admin.password },
    autocommit: false,
    maxWaitTime: POLLER_MAX_WAIT_MS,
  });
  const count = counter(n);
  const runAt = Date.now();
  const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false });
  const joinedAt = Date.now();
  stream.on("data", () => count.seen(1));
  const { lastAt, cpu } = await count.done;
  await stream.close();
  await consumer.close(true);
  return result("platformatic", count.progress, lastAt, cpu, joinedAt - runAt);
}

function result(client: Client, p: Progress, lastAt: number, cpu: NodeJS.CpuUsage, joinMs: number): RawResult {
  return {
    client,
    records: p.total,
    firstAt: p.firstAt,
    lastAt,
    firstRecords: p.firstRecords,
    cpuMicros: cpu.user + cpu.system,
    joinMs,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { client: { type: "string" }, topic: { type: "string" }, records: { type: "string" } },
    strict: true,
  });
  const client = values.client as Client;
  const n = Number(values.records);
  if (!CLIENTS.includes(client)) throw new Error(`--client must be one of ${CLIENTS.join(", ")}`);
  if (!values.topic || !Number.isInteger(n) || n < 1) throw new Error("--topic and --records N are required");
  const r = client === "kafkajs" ? await withKafkajs(values.topic, n) : await withPlatformatic(values.topic, n);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`raw consumer failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
