import { DELIVERY_BATCH_SIZES } from "./context";
import { PARTITIONS } from "./kafka";
import type { DeliveryResults, RawResults, TriggerResults, WarmResults } from "./measure";
import type { Options } from "./options";
import type { Phase, PhaseProfile } from "./profile";
import { distribution, type ProcMemory, round } from "./stats";

export const median = (values: readonly number[]): number => distribution(values).p50;

export interface Row {
  readonly measurement: string;
  readonly value: string;
  readonly target?: string;
  readonly pass?: boolean;
}

export function table(rows: readonly Row[]): string {
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

export interface Results {
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
  profile?: { files: readonly string[]; marks: readonly Phase[]; phases: PhaseProfile[] };
}

export function rows(r: Results, opts: Options): Row[] {
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
