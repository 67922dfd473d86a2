import type { WarmResults } from "./measure";
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
  };
  errors: Record<string, string>;
  profile?: { files: readonly string[]; marks: readonly Phase[]; phases: PhaseProfile[] };
}

export function rows(r: Results, opts: Options): Row[] {
  const out: Row[] = [];
  const ms = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? "–" : `${round(v)} ms`);
  const mb = (m: ProcMemory | undefined): string => (m ? `${m.rssMb} MiB (peak ${m.peakRssMb})` : "–");
  const _rate = (v: number): string => `${Math.round(v).toLocaleString("en-US")} rec/s`;
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
