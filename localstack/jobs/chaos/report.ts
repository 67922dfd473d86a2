/** The chaos run's report, ready to print. Pure. */
import { type Comparison, formatComparison } from "./compare";
import type { DeliveryCount } from "./deliveries";
import type { InjectedFault } from "./faults";
import type { Stall } from "./progress";
import type { Size } from "./state";

export interface PassResult {
  readonly name: "reference" | "chaos";
  /** From the first record produced until every group committed the end offsets. */
  readonly seconds: number;
  readonly produced: Readonly<Record<string, number>>;
  readonly deliveries: readonly DeliveryCount[];
  readonly stalls: readonly Stall[];
  readonly entries: Readonly<Record<string, number>>;
  /** Per table or bucket captured: its items, or its objects and Parquet rows (before normalising). */
  readonly sizes: Readonly<Record<string, Size>>;
}

export interface FaultResult extends InjectedFault {
  /** From injection until records were committed again after the repair; undefined: nothing was left to commit. */
  readonly recoveryMs?: number;
}

export interface ChaosReport {
  readonly seed: number;
  readonly records: number;
  /** People seeded onto the face pipeline (part of `records`). */
  readonly people: number;
  readonly reference: PassResult;
  readonly chaos: PassResult;
  readonly faults: readonly FaultResult[];
  readonly comparison: Comparison;
  readonly skipped: ReadonlyArray<{ readonly group: string; readonly why: string }>;
  readonly totalSeconds: number;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function sizeText(size: Size | undefined): string {
  if (size === undefined) return "-";
  if (size.items !== undefined) return `${size.items} items`;
  return `${size.objects ?? 0} objects${size.rows ? ` (${size.rows} Parquet rows)` : ""}`;
}

function sizeLines(r: ChaosReport): string[] {
  const groups = [...new Set([...Object.keys(r.reference.sizes), ...Object.keys(r.chaos.sizes)])].sort();
  return [
    "  captured    per table and bucket: reference pass / chaos pass",
    ...groups.map((g) => `    ${g.padEnd(34)} ${sizeText(r.reference.sizes[g])} / ${sizeText(r.chaos.sizes[g])}`),
  ];
}

function deliveryLines(pass: PassResult): string[] {
  const duplicated = pass.deliveries.reduce((a, d) => a + d.duplicated, 0);
  return [
    `  ${pass.name.padEnd(9)} ${pass.deliveries.reduce((a, d) => a + d.records, 0)} records handed to functions in ${pass.deliveries.reduce((a, d) => a + d.deliveries, 0)} deliveries; ${duplicated} delivered more than once`,
    ...pass.deliveries.map(
      (d) =>
        `    ${d.functionName.padEnd(34)} ${String(d.records).padStart(7)} records, ${String(d.duplicated).padStart(5)} more than once (at most ${d.most}×)`,
    ),
  ];
}

export function formatReport(r: ChaosReport): string {
  const longest = (pass: PassResult): string => {
    const top = [...pass.stalls].sort((a, b) => b.toMs - b.fromMs - (a.toMs - a.fromMs))[0];
    return top ? `${s(top.toMs - top.fromMs)} (from +${s(top.fromMs)})` : "none";
  };
  const byKind = new Map<string, number>();
  for (const f of r.faults) if (!f.skipped) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const recoveries = r.faults.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs]));
  return [
    "",
    `chaos run, seed ${r.seed} (replay: npm run chaos -- --seed ${r.seed})`,
    `  input       ${r.records} records: ${Object.entries(r.chaos.produced)
      .map(([topic, n]) => `${n} on ${topic}`)
      .join(", ")}`,
    `  people      ${r.people} seeded onto the face pipeline${r.people === 0 ? " (--people 0: its tables and buckets are compared empty)" : ""}`,
    `  reference   drained in ${s(r.reference.seconds * 1000)}; longest stall ${longest(r.reference)}`,
    `  chaos       drained in ${s(r.chaos.seconds * 1000)}; longest stall ${longest(r.chaos)}; ${r.chaos.stalls.length} stalls`,
    `  faults      ${r.faults.length - r.faults.filter((f) => f.skipped).length} injected: ${[...byKind].map(([k, n]) => `${k} ×${n}`).join(", ") || "none"}${
      recoveries.length > 0 ? `; recovery median ${s(median(recoveries))}, longest ${s(Math.max(...recoveries))}` : ""
    }`,
    ...r.faults.map(
      (f) =>
        `    +${s(f.injectedMs).padStart(8)} ${f.kind.padEnd(10)} ${f.skipped ? `skipped: ${f.skipped}` : `recovered ${f.recoveryMs === undefined ? "- (nothing left to do)" : `in ${s(f.recoveryMs)}`}; ${f.detail}`}`,
    ),
    "  deliveries (the Lambda service's delivery log)",
    ...deliveryLines(r.reference),
    ...deliveryLines(r.chaos),
    ...sizeLines(r),
    "  end state, chaos pass against the reference (normalised: localstack/jobs/chaos/normalise.ts)",
    ...formatComparison(r.comparison),
    ...r.skipped.map((x) => `  not compared: ${x.group} — ${x.why}`),
    `  total       ${s(r.totalSeconds * 1000)}`,
  ].join("\n");
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
