/**
 * `npm run bench -- --part ceiling`: how fast can anything on this machine read the local broker? The raw
 * consumers a poller could be built on — kafkajs and @platformatic/kafka, each in a process of its own — and
 * Kafka's own Java consumer (kafka-consumer-perf-test) as the physical reference, each reading the same backlog
 * from the beginning in a fresh group, several times, interleaved. Prints median and spread of records/s, CPU
 * per record and each window's length, and the machine's load. A measurement, not a test: nothing asserts.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadLocalConfig } from "#local/config";
import { startKafka, stopKafka } from "#local/launchers/kafka";
import { consumePerf, perfToolsClasspath, producePerf } from "./ceiling/perf-tools";
import { CLIENTS, type RawResult } from "./ceiling/raw-consumer";
import { errorText, log } from "./context";
import { createTopics, deleteTopics, PARTITIONS } from "./kafka";
import { intOption } from "./options";
import { type Row, table } from "./report";
import { distribution, formatMachine, machine, round } from "./stats";

const HELP = `usage: npm run bench -- --part ceiling [options]

Reads one backlog (3 partitions, pre-produced by kafka-producer-perf-test) from the beginning, in a fresh group,
with each raw consumer in turn, --reps times (interleaved), and prints records/s (median, min–max), CPU per
record and the measured windows:
  kafkajs         kafkajs 2.2.4, eachBatch, partitionsConsumedConcurrently 4 (the local service's poller today)
  platformatic    @platformatic/kafka, its message stream
  perf-test       Kafka's own Java consumer (kafka-consumer-perf-test; fetch.nMsg.sec), the physical reference
All authenticate with SCRAM-SHA-512, commit nothing and leave values as bytes; the Node clients wait at most
100 ms per fetch, as the poller does.

Options:
  --records N        backlog size (default 4000000, about 1.1 GB on disk while it runs); a window shorter
                     than --min-seconds or a read under --min-records is flagged: raise --records
  --record-bytes N   value size (default 256)
  --reps N           repetitions per consumer (default 3)
  --clients LIST     comma-separated subset of kafkajs,platformatic,perf-test (default all)
  --min-seconds S    the shortest window to trust (default 10)
  --min-records N    the fewest records to trust (default 200000)
  --out FILE         also write the results as JSON
  --help             this text

Kafka comes from the usual variables (KAFKA_PORT, SLUICE_STATE_DIR…); the bench starts it when it is not
running, and stops it again at the end.
`;

const ALL = [...CLIENTS, "perf-test"] as const;
type Consumer = (typeof ALL)[number];

interface Options {
  readonly records: number;
  readonly recordBytes: number;
  readonly reps: number;
  readonly clients: readonly Consumer[];
  readonly minSeconds: number;
  readonly minRecords: number;
  readonly out?: string;
}

function parseOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      records: { type: "string" },
      "record-bytes": { type: "string" },
      reps: { type: "string" },
      clients: { type: "string" },
      "min-seconds": { type: "string" },
      "min-records": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const clients = (values.clients ?? ALL.join(",")).split(",").map((c) => c.trim());
  for (const c of clients) {
    if (!(ALL as readonly string[]).includes(c))
      throw new Error(`--clients: unknown "${c}" (known: ${ALL.join(", ")})`);
  }
  return {
    records: intOption("records", values.records, 4_000_000, 1),
    recordBytes: intOption("record-bytes", values["record-bytes"], 256, 1),
    reps: intOption("reps", values.reps, 3, 1),
    clients: clients as Consumer[],
    minSeconds: intOption("min-seconds", values["min-seconds"], 10, 0),
    minRecords: intOption("min-records", values["min-records"], 200_000, 1),
    ...(values.out === undefined ? {} : { out: resolve(values.out) }),
  };
}

/** One read of the backlog by one consumer. */
export interface Sample {
  readonly consumer: Consumer;
  readonly rep: number;
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly windowSeconds: number;
  /** CPU microseconds per record of the consuming process over the window (the JVM's: over its whole run). */
  readonly cpuMicrosPerRecord: number;
  /** The machine's one-minute load average when the read ended. */
  readonly load1: number;
}

/** Runs a Node consumer in its own process (tsx, this Node) and parses its one JSON line. */
export function nodeConsumer(client: string, topic: string, records: number): Promise<RawResult> {
  const tsx = join(__dirname, "..", "node_modules", ".bin", "tsx");
  const script = join(__dirname, "ceiling", "raw-consumer.ts");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tsx, [script, "--client", client, "--topic", topic, "--records", String(records)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err = (err + c.toString()).slice(-4000);
    });
    child.on("error", (error) => reject(new Error(`the ${client} consumer could not start`, { cause: error })));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`the ${client} consumer failed (exit ${code}): ${err.trim()}`));
      try {
        resolvePromise(JSON.parse(out.trim().split("\n").pop() ?? "") as RawResult);
      } catch (error) {
        reject(new Error(`the ${client} consumer printed no result: ${out}${err}`, { cause: error }));
      }
    });
  });
}

export async function readOnce(
  cfg: ReturnType<typeof loadLocalConfig>,
  classpath: readonly string[],
  consumer: Consumer,
  topic: string,
  records: number,
  rep: number,
): Promise<Sample> {
  if (consumer === "perf-test") {
    const r = await consumePerf(cfg, classpath, topic, records);
    return {
      consumer,
      rep,
      records: r.records,
      recordsPerSecond: r.recordsPerSecond,
      windowSeconds: round(r.fetchSeconds, 2),
      cpuMicrosPerRecord: round((r.cpuSeconds * 1e6) / r.records, 2),
      load1: round(loadavg()[0] ?? 0, 2),
    };
  }
  const r = await nodeConsumer(consumer, topic, records);
  const counted = r.records - r.firstRecords;
  const seconds = (r.lastAt - r.firstAt) / 1000;
  return {
    consumer,
    rep,
    records: r.records,
    recordsPerSecond: Math.round(counted / seconds),
    windowSeconds: round(seconds, 2),
    cpuMicrosPerRecord: round(r.cpuMicros / counted, 2),
    load1: round(loadavg()[0] ?? 0, 2),
  };
}

export interface Summary {
  readonly consumer: Consumer;
  readonly medianRecordsPerSecond: number;
  readonly minRecordsPerSecond: number;
  readonly maxRecordsPerSecond: number;
  readonly medianCpuMicrosPerRecord: number;
  readonly shortestWindowSeconds: number;
  readonly trusted: boolean;
}

export function summarize(samples: readonly Sample[], opts: Pick<Options, "minSeconds" | "minRecords">): Summary[] {
  const byConsumer = new Map<Consumer, Sample[]>();
  for (const s of samples) byConsumer.set(s.consumer, [...(byConsumer.get(s.consumer) ?? []), s]);
  return [...byConsumer].map(([consumer, list]) => {
    const rate = distribution(list.map((s) => s.recordsPerSecond));
    const shortest = Math.min(...list.map((s) => s.windowSeconds));
    return {
      consumer,
      medianRecordsPerSecond: Math.round(rate.p50),
      minRecordsPerSecond: Math.round(rate.min),
      maxRecordsPerSecond: Math.round(rate.max),
      medianCpuMicrosPerRecord: distribution(list.map((s) => s.cpuMicrosPerRecord)).p50,
      shortestWindowSeconds: shortest,
      trusted: shortest >= opts.minSeconds && list.every((s) => s.records >= opts.minRecords),
    };
  });
}

function summaryRows(summaries: readonly Summary[]): Row[] {
  const fastestNode = Math.max(
    ...summaries.filter((s) => s.consumer !== "perf-test").map((s) => s.medianRecordsPerSecond),
  );
  return summaries.flatMap((s) => [
    {
      measurement: `${s.consumer}: records/s, median (min–max)`,
      value: `${s.medianRecordsPerSecond.toLocaleString("en")} (${s.minRecordsPerSecond.toLocaleString("en")}–${s.maxRecordsPerSecond.toLocaleString("en")})`,
      ...(s.consumer !== "perf-test" && s.medianRecordsPerSecond === fastestNode
        ? { target: "the ceiling (fastest Node consumer)" }
        : {}),
    },
    { measurement: `${s.consumer}: CPU per record, median`, value: `${s.medianCpuMicrosPerRecord} µs` },
    {
      measurement: `${s.consumer}: shortest window`,
      value: `${s.shortestWindowSeconds} s`,
      ...(s.trusted ? {} : { target: "too short to trust: raise --records", pass: false }),
    },
  ]);
}

async function main(): Promise<void> {
  const opts = parseOptions();
  if (!opts) return;
  const cfg = loadLocalConfig();
  const loadBefore = loadavg();
  const began = new Date();
  const kafka = await startKafka(cfg, log);
  const classpath = await perfToolsClasspath(cfg, log);
  const topic = `sluice-bench-ceiling-${Date.now().toString(36)}`;
  const samples: Sample[] = [];
  let failure: string | undefined;
  try {
    await createTopics(cfg, [topic]);
    log(
      `producing ${opts.records.toLocaleString("en")} records of ${opts.recordBytes} B to ${topic} (${PARTITIONS} partitions)…`,
    );
    const produced = await producePerf(cfg, classpath, topic, opts.records, opts.recordBytes);
    log(`produced in ${round(produced.seconds, 1)} s`);
    for (let rep = 1; rep <= opts.reps; rep++) {
      for (const consumer of opts.clients) {
        const s = await readOnce(cfg, classpath, consumer, topic, opts.records, rep);
        samples.push(s);
        log(
          `${consumer} ${rep}/${opts.reps}: ${s.recordsPerSecond.toLocaleString("en")} records/s over ${s.windowSeconds} s, ` +
            `${s.cpuMicrosPerRecord} µs CPU/record, load ${s.load1}`,
        );
      }
    }
  } catch (error) {
    failure = errorText(error);
    log(`failed: ${(error as Error).stack ?? failure}`);
  } finally {
    await deleteTopics(cfg, [topic]).catch((error: unknown) => log(`could not delete ${topic}: ${errorText(error)}`));
    if (!kafka.alreadyRunning) await stopKafka(cfg);
  }
  const summaries = summarize(samples, opts);
  process.stdout.write(`\n${table(summaryRows(summaries))}\n\n`);
  const measuredOn = machine(loadBefore);
  process.stdout.write(`${formatMachine(measuredOn)}\n`);
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    const json = { startedAt: began.toISOString(), options: opts, machine: measuredOn, samples, summaries, failure };
    writeFileSync(opts.out, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`results written to ${opts.out}\n`);
  }
  if (failure) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
