/** Small numeric helpers for the benchmark: percentiles, rates, process memory. */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

export interface Distribution {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    n: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sorted.length > 0 ? sum / sorted.length : Number.NaN),
  };
}

/**
 * Records per second between the first and the last delivery: the records delivered after the first
 * one (the first delivery's own records arrived at time zero), over the time between them.
 */
export function steadyRate(deliveries: ReadonlyArray<{ at: number; records: number }>): {
  readonly recordsPerSecond: number;
  readonly firstAt: number;
  readonly lastAt: number;
} {
  const sorted = [...deliveries].sort((a, b) => a.at - b.at);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return { recordsPerSecond: Number.NaN, firstAt: Number.NaN, lastAt: Number.NaN };
  const total = sorted.reduce((a, d) => a + d.records, 0);
  const seconds = (last.at - first.at) / 1000;
  const recordsPerSecond = seconds > 0 ? (total - first.records) / seconds : Number.NaN;
  return { recordsPerSecond: Math.round(recordsPerSecond), firstAt: first.at, lastAt: last.at };
}

export interface ProcMemory {
  readonly pid: number;
  /** VmRSS, MiB. */
  readonly rssMb: number;
  /** VmHWM (peak RSS), MiB. */
  readonly peakRssMb: number;
}

/** RSS and peak RSS of a process from /proc (Linux); undefined when it cannot be read. */
export function procMemory(pid: number): ProcMemory | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string): number | undefined => {
      const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(text);
      return m?.[1] === undefined ? undefined : Number(m[1]);
    };
    const rss = kb("VmRSS");
    if (rss === undefined) return undefined;
    const round = (v: number): number => Math.round((v / 1024) * 10) / 10;
    return { pid, rssMb: round(rss), peakRssMb: round(kb("VmHWM") ?? rss) };
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) a process has used so far, seconds, from /proc/<pid>/stat (Linux). */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds used by each named process between start() and stop(). */
export function cpuMeter(pids: Readonly<Record<string, number | undefined>>): () => Record<string, number> {
  const before = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) {
    const cpu = pid === undefined ? undefined : procCpuSeconds(pid);
    if (cpu !== undefined) before.set(name, cpu);
  }
  return () => {
    const used: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const start = before.get(name);
      const end = pid === undefined ? undefined : procCpuSeconds(pid);
      if (start !== undefined && end !== undefined) used[name] = Math.round((end - start) * 100) / 100;
    }
    return used;
  };
}

/** v rounded to digits decimals, for the report. */
export const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** The machine a run measured on: cores, model, load average before and after, Node. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel?: string;
  readonly loadavgBefore: number[];
  readonly loadavgAfter: number[];
  readonly node: string;
}

export function machine(loadBefore: readonly number[]): Machine {
  return {
    cpus: cpus().length,
    ...(cpus()[0]?.model === undefined ? {} : { cpuModel: cpus()[0]?.model }),
    loadavgBefore: loadBefore.map((v) => round(v, 2)),
    loadavgAfter: loadavg().map((v) => round(v, 2)),
    node: process.version,
  };
}

export function formatMachine(m: Machine): string {
  return (
    `machine: ${m.cpus} CPUs${m.cpuModel === undefined ? "" : ` (${m.cpuModel})`}, load average ` +
    `${m.loadavgBefore.join(" ")} → ${m.loadavgAfter.join(" ")}; ${m.node}`
  );
}
