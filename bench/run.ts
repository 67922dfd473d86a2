/**
 * `npm run bench`: measures the local Lambda service side by side with the raw kafkajs ceiling and prints
 * a table (and writes JSON with --out). A measurement, not a test: nothing here asserts.
 *
 * It brings the local stack up if it is not running (LocalStack holds the mapping's SCRAM secret, Kafka
 * the topics), runs a second Lambda service instance of its own (own state directory, assembly and port)
 * on the benchmark's assembly (bench/assembly.ts, handlers in bench/fixtures/handlers), and stops what it
 * started at the end.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Producer } from "kafkajs";
import { type LocalConfig, loadLocalConfig } from "../localstack/config";
import { lambdaServiceStatus, stopLambdaService } from "../localstack/lambda-service/daemon";
import { adminCredentials, kafkaStatus, stopKafka } from "../localstack/launchers/kafka";
import { localStackStatus, stopLocalStack } from "../localstack/launchers/localstack-host";
import { up } from "../localstack/stack";
import { awsClients } from "../localstack/support/aws";
import { createKafkaSecret, type KafkaSecret } from "../localstack/support/kafka-secret";
import { readPid } from "../localstack/support/proc";
import { type BenchAssembly, type BenchFunction, type BenchMapping, writeBenchAssembly } from "./assembly";
import {
  benchKafka,
  createTopics,
  deleteTopics,
  PARTITIONS,
  produceBacklog,
  produceSingles,
  type RawConsumeResult,
  rawConsume,
  rawLatencyProbe,
} from "./kafka";
import {
  analyzeProfile,
  formatPhaseProfile,
  newestProfile,
  type Phase,
  PhaseClock,
  type PhaseProfile,
} from "./profile";
import {
  instanceConfig,
  instanceStatus,
  invoke,
  reloadInstance,
  type ServiceStart,
  servicePid,
  setMappingEnabled,
  startInstance,
  stopInstance,
  waitForMappingState,
} from "./service";
import { cpuMeter, type Distribution, distribution, type ProcMemory, procMemory, sleep, steadyRate } from "./stats";

const HELP = `Usage: npm run bench -- [options]

Measures the local Lambda service against the raw kafkajs ceiling and prints a table:
  1. raw kafkajs: a consumer (SCRAM, eachBatch, the poller's settings) reads N pre-produced records (3 partitions)
  2. delivery: the service delivers the same N records to a no-op function at BatchSize 100 and 1000
     (MaximumBatchingWindowInSeconds 0; workers pre-warmed), records/s from the first to the last delivery
  3. trigger latency: window 0, single records produced one at a time; produce → handler start
     (and produce → a raw kafkajs consumer's eachBatch, on the same records, as the floor)
  4. invoke latency through the Lambda API: cold (fresh service; after a reload) and warm p50/p99
  5. resident memory (VmRSS) of the service and of a warm worker
  6. service start: spawn → endpoint answering, and the service's own "ready" startMs
Targets are printed beside the numbers (informative only).

Options:
  --records N            records for the throughput runs (default 20000)
  --record-bytes N       size of each record's value (default 256)
  --trigger-count N      single records for the trigger latency (default 200)
  --trigger-interval MS  pause between them (default 20)
  --invokes N            warm invokes (default 500)
  --cold N               cold starts forced by a reload (default 5)
  --starts N             service starts measured (default 3)
  --service-port PORT    port of the bench's own service instance (default: a free one)
  --out FILE             also write the results as JSON to FILE
  --keep                 leave the stack and the bench's service instance running
  --profile DIR          run the bench's service under node --cpu-prof (profile in DIR) and print where its CPU
                         time went in each phase (the profiler slows it down: a diagnostic run, not a baseline)
  --help                 this text

The stack's ports and state come from the usual variables (SLUICE_STATE_DIR, SLUICE_PORT, LOCALSTACK_PORT,
KAFKA_PORT, KAFKA_CONTROLLER_PORT). The bench's instance lives in <SLUICE_STATE_DIR>/bench.
`;

interface Options {
  readonly records: number;
  readonly recordBytes: number;
  readonly triggerCount: number;
  readonly triggerIntervalMs: number;
  readonly invokes: number;
  readonly cold: number;
  readonly starts: number;
  readonly servicePort?: number;
  readonly out?: string;
  readonly keep: boolean;
  readonly profile?: string;
}

function parseOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      records: { type: "string" },
      "record-bytes": { type: "string" },
      "trigger-count": { type: "string" },
      "trigger-interval": { type: "string" },
      invokes: { type: "string" },
      cold: { type: "string" },
      starts: { type: "string" },
      "service-port": { type: "string" },
      out: { type: "string" },
      profile: { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const int = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
    return n;
  };
  return {
    records: int("records", values.records, 20_000, 1),
    recordBytes: int("record-bytes", values["record-bytes"], 256, 32),
    triggerCount: int("trigger-count", values["trigger-count"], 200, 1),
    triggerIntervalMs: int("trigger-interval", values["trigger-interval"], 20, 0),
    invokes: int("invokes", values.invokes, 500, 1),
    cold: int("cold", values.cold, 5, 0),
    starts: int("starts", values.starts, 3, 1),
    ...(values["service-port"] === undefined ? {} : { servicePort: int("service-port", values["service-port"], 0, 1) }),
    ...(values.out === undefined ? {} : { out: resolve(values.out) }),
    keep: values.keep,
    ...(values.profile === undefined ? {} : { profile: resolve(values.profile) }),
  };
}

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------------------------
// The benchmark's functions and mappings.

const DELIVERY_BATCH_SIZES = [100, 1000] as const;
const NOOP = "sluice-bench-noop";
const TRIGGER = "sluice-bench-trigger";
const deliveryName = (batchSize: number): string => `sluice-bench-delivery-${batchSize}`;

interface Run {
  readonly id: string;
  readonly cfg: LocalConfig;
  /** The bench's own service instance. */
  readonly icfg: LocalConfig;
  readonly outDir: string;
  readonly backlogTopic: string;
  readonly triggerTopic: string;
  readonly secretArn: string;
  /** Bumped to force a cold start of the no-op function (its configuration changes). */
  generation: number;
  /** Mapping UUIDs by logical id, as the service computes them. */
  uuids: Map<string, string>;
}

/** Writes the bench assembly into the instance's assembly directory. */
function writeAssembly(run: Run): void {
  const written = writeBenchAssembly(run.icfg.assemblyDir, assembly(run));
  run.uuids = new Map([...written.mappings].map(([logicalId, m]) => [logicalId, m.uuid]));
}

function uuidOf(run: Run, logicalId: string): string {
  const uuid = run.uuids.get(logicalId);
  if (uuid === undefined) throw new Error(`no mapping ${logicalId} in the bench assembly`);
  return uuid;
}

const logFile = (run: Run, name: string): string => join(run.outDir, `${name}.log`);

function assembly(run: Run): BenchAssembly {
  const functions: BenchFunction[] = [
    { logicalId: "Noop", name: NOOP, handler: "noop", environment: { BENCH_GENERATION: String(run.generation) } },
    { logicalId: "Trigger", name: TRIGGER, handler: "trigger", environment: { BENCH_LOG: logFile(run, TRIGGER) } },
    ...DELIVERY_BATCH_SIZES.map(
      (b): BenchFunction => ({
        logicalId: `Delivery${b}`,
        name: deliveryName(b),
        handler: "delivery",
        environment: { BENCH_LOG: logFile(run, deliveryName(b)) },
      }),
    ),
  ];
  const mappings: BenchMapping[] = [
    {
      logicalId: "TriggerMapping",
      functionLogicalId: "Trigger",
      topic: run.triggerTopic,
      batchSize: 100,
      batchingWindowSeconds: 0,
      consumerGroupId: `sluice-bench-trigger-${run.id}`,
    },
    ...DELIVERY_BATCH_SIZES.map(
      (b): BenchMapping => ({
        logicalId: `Delivery${b}Mapping`,
        functionLogicalId: `Delivery${b}`,
        topic: run.backlogTopic,
        batchSize: b,
        batchingWindowSeconds: 0,
        consumerGroupId: `sluice-bench-delivery-${b}-${run.id}`,
      }),
    ),
  ];
  return { functions, mappings, bootstrapServers: run.cfg.kafka.bootstrapServers, secretArn: run.secretArn };
}

function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** Invokes a function `n` times at once with an empty batch, so that n warm workers are ready. */
async function prewarm(run: Run, name: string, n: number): Promise<number[]> {
  await Promise.all(Array.from({ length: n }, () => invoke(run.icfg, name, { eventSource: "bench", records: {} })));
  const status = await instanceStatus(run.icfg);
  return (status.functions.find((f) => f.name === name)?.stats?.sandboxes ?? []).map((s) => s.pid);
}

function stackPids(run: Run): Record<string, number | undefined> {
  return {
    service: servicePid(run.icfg),
    kafka: readPid(join(run.cfg.runDir, "kafka.pid")),
    localstack: readPid(join(run.cfg.runDir, "localstack.pid")),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements.

interface StartResults {
  readonly starts: ServiceStart[];
  readonly coldAfterStart: Array<{ ms: number; initDurationMs?: number }>;
  readonly idleServiceMemory?: ProcMemory;
}

/** Starts the instance `n` times (stopping it in between): start times and the first (cold) invoke after each. */
async function measureStarts(run: Run, n: number, profileDir?: string): Promise<StartResults> {
  const starts: ServiceStart[] = [];
  const coldAfterStart: Array<{ ms: number; initDurationMs?: number }> = [];
  let idleServiceMemory: ProcMemory | undefined;
  for (let i = 0; i < n; i++) {
    if (i > 0) await stopInstance(run.icfg);
    const profiled = profileDir !== undefined && i === n - 1;
    const nodeOptions = process.env.NODE_OPTIONS;
    // The daemon inherits this process's environment (workers do not: they get Lambda's).
    if (profiled) {
      mkdirSync(profileDir, { recursive: true });
      process.env.NODE_OPTIONS = `${nodeOptions ?? ""} --cpu-prof --cpu-prof-dir=${profileDir}`.trim();
    }
    let start: ServiceStart;
    try {
      start = await startInstance(run.icfg, () => undefined);
    } finally {
      if (profiled) {
        if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
        else process.env.NODE_OPTIONS = nodeOptions;
      }
    }
    starts.push(start);
    log(
      `service start ${i + 1}/${n}: spawn → answering ${start.spawnToAnswerMs} ms; "ready" line startMs ${start.readyLineMs ?? "?"} ms`,
    );
    const status = await instanceStatus(run.icfg);
    if (status.loadError) throw new Error(`the bench service could not load its assembly: ${status.loadError}`);
    if (start.pid !== undefined) idleServiceMemory = procMemory(start.pid);
    const cold = await invoke(run.icfg, NOOP, {}, true);
    if (cold.status !== 200 || cold.functionError) throw new Error(`cold invoke failed: ${cold.status} ${cold.body}`);
    coldAfterStart.push({
      ms: round(cold.ms),
      ...(cold.initDurationMs === undefined ? {} : { initDurationMs: cold.initDurationMs }),
    });
  }
  return { starts, coldAfterStart, ...(idleServiceMemory ? { idleServiceMemory } : {}) };
}

/** Cold starts forced by changing the function's configuration and reloading the assembly. */
async function measureColdAfterReload(run: Run, n: number): Promise<Array<{ ms: number; initDurationMs?: number }>> {
  const out: Array<{ ms: number; initDurationMs?: number }> = [];
  for (let i = 0; i < n; i++) {
    run.generation++;
    writeAssembly(run);
    const status = await reloadInstance(run.icfg);
    if (status.loadError) throw new Error(`reload failed: ${status.loadError}`);
    const r = await invoke(run.icfg, NOOP, {}, true);
    if (r.status !== 200 || r.functionError) throw new Error(`cold invoke failed: ${r.status} ${r.body}`);
    if (r.initDurationMs === undefined) log(`warning: the invoke after reload ${i + 1} was not a cold start`);
    out.push({ ms: round(r.ms), ...(r.initDurationMs === undefined ? {} : { initDurationMs: r.initDurationMs }) });
  }
  return out;
}

interface WarmResults {
  readonly latencyMs: Distribution;
  readonly errors: number;
  readonly workerMemory?: ProcMemory;
  readonly serviceMemory?: ProcMemory;
}

async function measureWarm(run: Run, n: number): Promise<WarmResults> {
  for (let i = 0; i < 20; i++) await invoke(run.icfg, NOOP);
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const r = await invoke(run.icfg, NOOP);
    if (r.status !== 200 || r.functionError) errors++;
    times.push(r.ms);
  }
  const status = await instanceStatus(run.icfg);
  const sandbox = status.functions.find((f) => f.name === NOOP)?.stats?.sandboxes.find((s) => s.state === "idle");
  const workerMemory = sandbox ? procMemory(sandbox.pid) : undefined;
  const pid = servicePid(run.icfg);
  const serviceMemory = pid === undefined ? undefined : procMemory(pid);
  return {
    latencyMs: distribution(times),
    errors,
    ...(workerMemory ? { workerMemory } : {}),
    ...(serviceMemory ? { serviceMemory } : {}),
  };
}

interface RawResults {
  /** N / (group joined → n-th record): kafkajs hands over whole fetches (~1 MB a partition), so a
   * first-to-last-batch rate over a handful of batches would be noise; this includes the first fetch. */
  readonly recordsPerSecond: number;
  /** (N − first batch) / (first batch → last batch), for comparison. */
  readonly firstToLastRecordsPerSecond: number;
  readonly joinMs: number;
  readonly joinedToLastMs: number;
  readonly batches: number;
  readonly completed: boolean;
}

function summarizeRaw(r: RawConsumeResult): RawResults {
  const rate = steadyRate(r.deliveries);
  return {
    recordsPerSecond: Math.round(r.records / (r.joinedToLastMs / 1000)),
    firstToLastRecordsPerSecond: rate.recordsPerSecond,
    joinMs: r.joinMs,
    joinedToLastMs: r.joinedToLastMs,
    batches: r.batches,
    completed: r.completed,
  };
}

interface DeliveryResults {
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly recordsPerSecond: number;
  readonly ratioToRaw: number;
  readonly delivered: number;
  readonly invocations: number;
  readonly meanBatch: number;
  readonly enableToFirstMs: number;
  readonly firstToLastMs: number;
  readonly enableToCommittedMs?: number;
  /** N / (mapping enabled → last delivery): group join and first fetch included. */
  readonly endToEndRecordsPerSecond: number;
  /** Pauses between consecutive deliveries longer than 100 ms (nothing was delivered meanwhile). */
  readonly stalls: { readonly count: number; readonly totalMs: number; readonly longestMs: number };
  /** Service CPU (user + system) per 1000 records delivered, ms. */
  readonly serviceCpuMsPer1k?: number;
  readonly completed: boolean;
  readonly workers: number;
  /** CPU seconds used during the run, per process. */
  readonly cpuSeconds: Record<string, number>;
  readonly wallSeconds: number;
}

/** Waits until the mapping has committed every partition up to its high watermark; resolves with when. */
async function waitCommitted(run: Run, uuid: string, total: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await instanceStatus(run.icfg);
    const m = status.mappings.find((x) => x.uuid === uuid);
    const parts = Object.values(m?.metrics.partitions ?? {});
    const committed = parts.reduce((a, p) => a + (p.committedOffset ?? 0), 0);
    if (parts.length === PARTITIONS && committed >= total) return Date.now();
    await sleep(50);
  }
  return undefined;
}

async function measureDelivery(run: Run, batchSize: number, n: number, rawRate: number): Promise<DeliveryResults> {
  const name = deliveryName(batchSize);
  const file = logFile(run, name);
  const workerPids = await prewarm(run, name, PARTITIONS);
  rmSync(file, { force: true });
  const uuid = uuidOf(run, `Delivery${batchSize}Mapping`);
  const meter = cpuMeter({
    ...stackPids(run),
    ...Object.fromEntries(workerPids.map((pid, i) => [`worker${i + 1}`, pid])),
  });
  const benchCpu = process.cpuUsage();
  const enabledAt = Date.now();
  await setMappingEnabled(run.icfg, uuid, true);
  const timeoutMs = 60_000 + n * 5;
  const deadline = Date.now() + timeoutMs;
  let deliveries: Array<{ at: number; records: number }> = [];
  let total = 0;
  while (Date.now() < deadline) {
    deliveries = readLines(file).map((line) => {
      const [at, records] = line.split(" ");
      return { at: Number(at), records: Number(records) };
    });
    total = deliveries.reduce((a, d) => a + d.records, 0);
    if (total >= n) break;
    await sleep(50);
  }
  const committedAt = await waitCommitted(run, uuid, n, Math.max(5_000, deadline - Date.now()));
  const wallSeconds = (Date.now() - enabledAt) / 1000;
  const cpuSeconds = meter();
  const bench = process.cpuUsage(benchCpu);
  cpuSeconds.bench = Math.round((bench.user + bench.system) / 10_000) / 100;
  const status = await instanceStatus(run.icfg);
  const workers = status.functions.find((f) => f.name === name)?.stats?.workers ?? 0;
  await setMappingEnabled(run.icfg, uuid, false);
  await waitForMappingState(run.icfg, uuid, "Disabled").catch((error: unknown) => log(errorText(error)));
  const rate = steadyRate(deliveries);
  const starts = deliveries.map((d) => d.at).sort((a, b) => a - b);
  const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? at));
  const long = gaps.filter((g) => g > 100);
  const serviceCpu = cpuSeconds.service;
  return {
    batchSize,
    batchingWindowSeconds: 0,
    recordsPerSecond: rate.recordsPerSecond,
    ratioToRaw: Math.round((rate.recordsPerSecond / rawRate) * 100) / 100,
    delivered: total,
    invocations: deliveries.length,
    meanBatch: deliveries.length > 0 ? Math.round(total / deliveries.length) : 0,
    enableToFirstMs: rate.firstAt - enabledAt,
    firstToLastMs: rate.lastAt - rate.firstAt,
    ...(committedAt === undefined ? {} : { enableToCommittedMs: committedAt - enabledAt }),
    endToEndRecordsPerSecond: Math.round(total / ((rate.lastAt - enabledAt) / 1000)),
    stalls: { count: long.length, totalMs: long.reduce((a, g) => a + g, 0), longestMs: Math.max(0, ...gaps) },
    ...(serviceCpu === undefined || total === 0 ? {} : { serviceCpuMsPer1k: round((serviceCpu * 1e6) / total) }),
    completed: total >= n,
    workers,
    cpuSeconds,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
  };
}

interface TriggerResults {
  readonly count: number;
  readonly intervalMs: number;
  readonly batchingWindowSeconds: number;
  readonly received: number;
  /** produce (before send) → handler start. */
  readonly latencyMs: Distribution;
  /** produce (before send) → a raw kafkajs consumer's eachBatch (same records, poller settings). */
  readonly rawLatencyMs: Distribution;
  /** handler start − raw eachBatch, per record: what the service adds to kafkajs. */
  readonly serviceAddedMs: Distribution;
  /** produce → broker acknowledgement (acks=all). */
  readonly produceAckMs: Distribution;
  /** Records per invocation. */
  readonly batchRecords: Distribution;
}

async function measureTrigger(run: Run, producer: Producer, count: number, intervalMs: number) {
  const file = logFile(run, TRIGGER);
  await prewarm(run, TRIGGER, PARTITIONS);
  rmSync(file, { force: true });
  const uuid = uuidOf(run, "TriggerMapping");
  const probe = await rawLatencyProbe(run.cfg, run.triggerTopic);
  await setMappingEnabled(run.icfg, uuid, true);
  await waitForMappingState(run.icfg, uuid, "Enabled");
  await sleep(1_000); // past the first empty fetches of both consumers
  const sent = await produceSingles(producer, run.triggerTopic, count, intervalMs);
  const deadline = Date.now() + 30_000;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = readLines(file);
    if (new Set(lines.map((l) => l.split(" ")[2])).size >= count && probe.seen.size >= count) break;
    await sleep(100);
  }
  await probe.stop();
  await setMappingEnabled(run.icfg, uuid, false);
  const handled = new Map<number, { start: number; batch: number }>();
  for (const line of lines) {
    const [start, , seq, batch] = line.split(" ").map(Number);
    if (start === undefined || seq === undefined || batch === undefined) continue;
    if (!handled.has(seq)) handled.set(seq, { start, batch });
  }
  const latency: number[] = [];
  const raw: number[] = [];
  const added: number[] = [];
  for (const s of sent) {
    const h = handled.get(s.seq);
    const r = probe.seen.get(s.seq);
    if (h) latency.push(h.start - s.sentAt);
    if (r !== undefined) raw.push(r - s.sentAt);
    if (h && r !== undefined) added.push(h.start - r);
  }
  const result: TriggerResults = {
    count,
    intervalMs,
    batchingWindowSeconds: 0,
    received: handled.size,
    latencyMs: distribution(latency),
    rawLatencyMs: distribution(raw),
    serviceAddedMs: distribution(added),
    produceAckMs: distribution(sent.map((s) => s.ackMs)),
    batchRecords: distribution(
      [...new Map(lines.map((l) => [l.split(" ")[0], Number(l.split(" ")[3])])).values()].filter((v) =>
        Number.isFinite(v),
      ),
    ),
  };
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Report.

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;
const median = (values: readonly number[]): number => distribution(values).p50;

interface Row {
  readonly measurement: string;
  readonly value: string;
  readonly target?: string;
  readonly pass?: boolean;
}

function table(rows: readonly Row[]): string {
  const header = ["Measurement", "Value", "Target", "Pass"];
  const cells = rows.map((r) => [
    r.measurement,
    r.value,
    r.target ?? "",
    r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join(" │ ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("─┼─"), ...cells.map(line)].join("\n");
}

interface Results {
  raw?: RawResults;
  delivery: DeliveryResults[];
  trigger?: TriggerResults;
  start?: {
    spawnToAnswerMs: number[];
    readyLineMs: number[];
  };
  invoke?: {
    coldAfterStart: Array<{ ms: number; initDurationMs?: number }>;
    coldAfterReload: Array<{ ms: number; initDurationMs?: number }>;
    warm?: WarmResults;
  };
  memory: {
    serviceIdle?: ProcMemory;
    serviceAfterWarmInvokes?: ProcMemory;
    serviceAfterLoad?: ProcMemory;
    noopWorker?: ProcMemory;
    deliveryWorkerAfterLoad?: ProcMemory;
  };
  errors: Record<string, string>;
  profile?: { file?: string; marks: readonly Phase[]; phases: PhaseProfile[] };
}

function rows(r: Results, opts: Options): Row[] {
  const out: Row[] = [];
  const ms = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? "–" : `${round(v)} ms`);
  const mb = (m: ProcMemory | undefined): string => (m ? `${m.rssMb} MiB (peak ${m.peakRssMb})` : "–");
  const rate = (v: number): string => `${Math.round(v).toLocaleString("en-US")} rec/s`;
  if (r.raw) {
    out.push({
      measurement: `1. raw kafkajs consume (${opts.records} rec × ${opts.recordBytes} B, ${PARTITIONS} partitions)`,
      value: `${rate(r.raw.recordsPerSecond)} (joined→last ${r.raw.joinedToLastMs} ms, ${r.raw.batches} batches)`,
    });
  }
  for (const d of r.delivery) {
    const first = d.batchSize === DELIVERY_BATCH_SIZES[0];
    out.push({
      measurement: `2. service delivery, BatchSize ${d.batchSize}, window 0`,
      value:
        `${rate(d.recordsPerSecond)} = ${d.ratioToRaw}× raw (${d.invocations} invokes, mean ${d.meanBatch}/batch, ` +
        `first→last ${d.firstToLastMs} ms, stalls >100 ms: ${d.stalls.count} = ${d.stalls.totalMs} ms, ` +
        `service CPU ${d.serviceCpuMsPer1k ?? "?"} ms/1k rec${d.completed ? "" : `, INCOMPLETE ${d.delivered}/${opts.records}`})`,
      ...(first ? { target: "≥ 0.8× raw", pass: d.ratioToRaw >= 0.8 } : {}),
    });
  }
  if (r.trigger) {
    const t = r.trigger;
    out.push({
      measurement: `3. trigger latency produce→handler (window 0, ${t.count} × ${t.intervalMs} ms apart)`,
      value: `p50 ${ms(t.latencyMs.p50)}, p99 ${ms(t.latencyMs.p99)}, max ${ms(t.latencyMs.max)} (${t.received}/${t.count} received)`,
      target: "p99 ≤ 50 ms",
      pass: t.latencyMs.p99 <= 50 && t.received === t.count,
    });
    out.push({
      measurement: "   floor: produce→raw kafkajs eachBatch (same records)",
      value: `p50 ${ms(t.rawLatencyMs.p50)}, p99 ${ms(t.rawLatencyMs.p99)}, max ${ms(t.rawLatencyMs.max)}`,
    });
    out.push({
      measurement: "   service adds (handler start − raw eachBatch)",
      value: `p50 ${ms(t.serviceAddedMs.p50)}, p99 ${ms(t.serviceAddedMs.p99)}, max ${ms(t.serviceAddedMs.max)}`,
    });
    out.push({
      measurement: "   produce ack (acks=all)",
      value: `p50 ${ms(t.produceAckMs.p50)}, p99 ${ms(t.produceAckMs.p99)}`,
    });
  }
  if (r.invoke) {
    const i = r.invoke;
    const coldStart = i.coldAfterStart.map((c) => c.ms);
    const coldReload = i.coldAfterReload.map((c) => c.ms);
    const init = [...i.coldAfterStart, ...i.coldAfterReload]
      .map((c) => c.initDurationMs)
      .filter((v): v is number => v !== undefined);
    out.push({
      measurement: "4. invoke cold, first after a fresh service start",
      value: `median ${ms(median(coldStart))}, max ${ms(Math.max(...coldStart))} (n=${coldStart.length})`,
    });
    if (coldReload.length > 0) {
      out.push({
        measurement: "   invoke cold, after a reload of the function",
        value: `median ${ms(median(coldReload))}, max ${ms(Math.max(...coldReload))} (n=${coldReload.length}); Init Duration median ${ms(median(init))}`,
      });
    }
    if (i.warm) {
      out.push({
        measurement: `   invoke warm (${i.warm.latencyMs.n} sequential)`,
        value: `p50 ${ms(i.warm.latencyMs.p50)}, p99 ${ms(i.warm.latencyMs.p99)}, max ${ms(i.warm.latencyMs.max)}${i.warm.errors ? `, ${i.warm.errors} errors` : ""}`,
        target: "p50 ≤ 5 ms",
        pass: i.warm.latencyMs.p50 <= 5,
      });
    }
  }
  out.push({ measurement: "5. service RSS, idle after start", value: mb(r.memory.serviceIdle) });
  out.push({ measurement: "   service RSS, after the warm invokes", value: mb(r.memory.serviceAfterWarmInvokes) });
  out.push({ measurement: "   service RSS, after delivery + trigger", value: mb(r.memory.serviceAfterLoad) });
  out.push({ measurement: "   worker RSS, warm no-op function", value: mb(r.memory.noopWorker) });
  out.push({ measurement: "   worker RSS, delivery function after load", value: mb(r.memory.deliveryWorkerAfterLoad) });
  if (r.start) {
    const answer = r.start.spawnToAnswerMs;
    const ready = r.start.readyLineMs;
    out.push({
      measurement: "6. service start, spawn → endpoint answering",
      value: `median ${ms(median(answer))} (${answer.join(", ")} ms)`,
      target: "≤ 300 ms",
      pass: median(answer) <= 300,
    });
    out.push({
      measurement: '   service start, "ready" startMs (in-process, incl. assembly load)',
      value: `median ${ms(median(ready))} (${ready.join(", ")} ms)`,
      target: "≤ 300 ms",
      pass: median(ready) <= 300,
    });
  }
  for (const [what, error] of Object.entries(r.errors)) out.push({ measurement: `ERROR in ${what}`, value: error });
  if (opts.profile) {
    out.push({
      measurement: "NOTE",
      value: "the service ran under node --cpu-prof: its numbers carry the profiler's overhead",
    });
  }
  return out;
}

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
  const producer = kafkaClient.producer({ allowAutoTopicCreation: false });
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
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavgBefore: loadBefore.map((v) => round(v, 2)),
    loadavgAfter: loadavg().map((v) => round(v, 2)),
    node: process.version,
  };
  process.stdout.write(
    `machine: ${machine.cpus} CPUs, load average ${machine.loadavgBefore.join(" ")} → ${machine.loadavgAfter.join(" ")}; ${machine.node}\n`,
  );
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    const json = {
      startedAt: began.toISOString(),
      finishedAt: new Date().toISOString(),
      options: opts,
      machine,
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
