/**
 * The measurements of a run: service starts and cold invokes, warm invokes, delivery through the
 * event-source mappings against the raw kafkajs ceiling, and trigger latency.
 */
import { mkdirSync, rmSync } from "node:fs";
import type { Producer } from "kafkajs";
import {
  deliveryName,
  errorText,
  log,
  logFile,
  NOOP,
  prewarm,
  type Run,
  readLines,
  stackPids,
  TRIGGER,
  uuidOf,
  writeAssembly,
} from "./context";
import { PARTITIONS, produceSingles, rawLatencyProbe } from "./kafka";
import {
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
import {
  cpuMeter,
  type Distribution,
  distribution,
  type ProcMemory,
  procMemory,
  round,
  sleep,
  steadyRate,
} from "./stats";

export interface StartResults {
  readonly starts: ServiceStart[];
  readonly coldAfterStart: Array<{ ms: number; initDurationMs?: number }>;
  readonly idleServiceMemory?: ProcMemory;
}

/** Runs start() with the bench's service under node --cpu-prof writing into dir (the daemon inherits NODE_OPTIONS). */
export async function withProfiler<T>(dir: string | undefined, start: () => Promise<T>): Promise<T> {
  if (dir === undefined) return start();
  const nodeOptions = process.env.NODE_OPTIONS;
  mkdirSync(dir, { recursive: true });
  process.env.NODE_OPTIONS = `${nodeOptions ?? ""} --cpu-prof --cpu-prof-dir=${dir}`.trim();
  try {
    return await start();
  } finally {
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = nodeOptions;
  }
}

/** Starts the instance `n` times (stopping it in between): start times and the first (cold) invoke after each. */
export async function measureStarts(run: Run, n: number, profileDir?: string): Promise<StartResults> {
  const starts: ServiceStart[] = [];
  const coldAfterStart: Array<{ ms: number; initDurationMs?: number }> = [];
  let idleServiceMemory: ProcMemory | undefined;
  for (let i = 0; i < n; i++) {
    if (i > 0) await stopInstance(run.icfg);
    // The daemon inherits this process's environment (workers do not: they get Lambda's).
    const start = await withProfiler(i === n - 1 ? profileDir : undefined, () =>
      startInstance(run.icfg, () => undefined),
    );
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
export async function measureColdAfterReload(
  run: Run,
  n: number,
): Promise<Array<{ ms: number; initDurationMs?: number }>> {
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

export interface WarmResults {
  readonly latencyMs: Distribution;
  readonly errors: number;
  readonly workerMemory?: ProcMemory;
  readonly serviceMemory?: ProcMemory;
}

export async function measureWarm(run: Run, n: number): Promise<WarmResults> {
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

export interface DeliveryResults {
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly recordsPerSecond: number;
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
export async function waitCommitted(
  run: Run,
  uuid: string,
  total: number,
  timeoutMs: number,
): Promise<number | undefined> {
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

export async function measureDelivery(run: Run, batchSize: number, n: number): Promise<DeliveryResults> {
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

export interface TriggerResults {
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

export async function measureTrigger(run: Run, producer: Producer, count: number, intervalMs: number) {
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
