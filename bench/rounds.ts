/**
 * Delivery measured in repetitions, each against the ceiling of the same moment: per repetition the raw Node
 * consumers (kafkajs, `@platformatic/kafka`, each in a process of its own) read the backlog, then each variant of the
 * service — the working tree, and with `--compare REF` the service built from a git commit — is started afresh on
 * new consumer groups and measured at BatchSize 100 and 1000 and for trigger latency. Variants alternate inside a
 * repetition, so an A/B sees the same load; the summary is the median and the spread of the repetitions.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { Producer } from "kafkajs";
import { readOnce, type Sample } from "./ceiling";
import { DELIVERY_BATCH_SIZES, errorText, log, type Run, writeAssembly } from "./context";
import { type DeliveryResults, measureDelivery, measureTrigger, type TriggerResults, withProfiler } from "./measure";
import type { PhaseClock } from "./profile";
import type { Row } from "./report";
import { instanceStatus, startInstance, stopInstance } from "./service";
import { distribution, round } from "./stats";

/** A version of the service: the working tree's sources, or a commit's. */
export interface Variant {
  readonly name: string;
  /** The directory with the service's main.ts and worker.ts; undefined: the working tree. */
  readonly sources?: string;
}

export const WORKING_TREE: Variant = { name: "working tree" };

/** Extracts REF's tree (git archive) under dir; its service builds from there, with the working tree's packages. */
export function commitVariant(root: string, ref: string, dir: string): Variant {
  const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", ref], { encoding: "utf8" }).trim();
  const target = join(dir, commit);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync("sh", ["-c", `git -C "${root}" archive "${commit}" | tar -x -C "${target}"`]);
  if (!existsSync(join(target, "node_modules"))) symlinkSync(join(root, "node_modules"), join(target, "node_modules"));
  return { name: `${ref} (${commit})`, sources: join(target, "localstack", "lambda-service") };
}

export interface DeliverySample {
  readonly variant: string;
  readonly rep: number;
  readonly load1: number;
  readonly delivery: DeliveryResults;
}

export interface TriggerSample {
  readonly variant: string;
  readonly rep: number;
  readonly trigger: TriggerResults;
}

export interface RoundResults {
  readonly raw: Sample[];
  readonly delivery: DeliverySample[];
  readonly trigger: TriggerSample[];
  readonly errors: Record<string, string>;
}

export interface RoundOptions {
  readonly repetitions: number;
  readonly records: number;
  readonly triggerCount: number;
  readonly triggerIntervalMs: number;
  /** Run each instance under node --cpu-prof, writing into this directory. */
  readonly profile?: string;
  /** Marks the phases of the profile. */
  readonly clock: PhaseClock;
}

/** Restarts the bench's instance on the variant's sources, with new consumer groups for the delivery mappings. */
async function restartOn(run: Run, variant: Variant, profile: string | undefined): Promise<void> {
  await stopInstance(run.icfg);
  run.round++;
  writeAssembly(run);
  await withProfiler(profile, () => startInstance(run.icfg, () => undefined, variant.sources));
  const status = await instanceStatus(run.icfg);
  if (status.loadError) throw new Error(`the bench service could not load its assembly: ${status.loadError}`);
}

export async function measureRounds(
  run: Run,
  producer: Producer,
  variants: readonly Variant[],
  opts: RoundOptions,
): Promise<RoundResults> {
  const results: RoundResults = { raw: [], delivery: [], trigger: [], errors: {} };
  for (let rep = 1; rep <= opts.repetitions; rep++) {
    for (const client of ["kafkajs", "platformatic"] as const) {
      try {
        const s = await readOnce(run.cfg, [], client, run.backlogTopic, opts.records, rep);
        results.raw.push(s);
        log(
          `rep ${rep}: raw ${client} ${s.recordsPerSecond} rec/s over ${s.windowSeconds} s, ` +
            `${s.cpuMicrosPerRecord} µs CPU/record, load ${s.load1}`,
        );
      } catch (error) {
        results.errors[`raw ${client} rep ${rep}`] = errorText(error);
      }
    }
    for (const variant of variants) {
      try {
        await restartOn(run, variant, opts.profile);
        for (const batchSize of DELIVERY_BATCH_SIZES) {
          const d = await opts.clock.time(`${variant.name}, rep ${rep}: delivery BatchSize ${batchSize}`, () =>
            measureDelivery(run, batchSize, opts.records),
          );
          const load1 = round(loadavg()[0] ?? 0, 2);
          results.delivery.push({ variant: variant.name, rep, load1, delivery: d });
          log(
            `rep ${rep}, ${variant.name}: BatchSize ${batchSize} ${d.recordsPerSecond} rec/s over ${d.firstToLastMs} ms, ` +
              `service ${d.serviceCpuMsPer1k ?? "?"} µs CPU/record, load ${load1}`,
          );
        }
        const t = await measureTrigger(run, producer, opts.triggerCount, opts.triggerIntervalMs);
        results.trigger.push({ variant: variant.name, rep, trigger: t });
        log(`rep ${rep}, ${variant.name}: trigger p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms`);
      } catch (error) {
        results.errors[`${variant.name} rep ${rep}`] = errorText(error);
        log(`rep ${rep}, ${variant.name} failed: ${errorText(error)}`);
      }
    }
  }
  return results;
}

/** "median (min–max)" of values, rounded to digits. */
function spread(values: readonly number[], digits = 0): string {
  const d = distribution(values);
  const f = (v: number): string => round(v, digits).toLocaleString("en-US");
  return `${f(d.p50)} (${f(d.min)}–${f(d.max)})`;
}

/** Windows shorter than this, or with fewer records, are flagged (issue 15: too short to trust). */
const MIN_WINDOW_MS = 10_000;
const MIN_WINDOW_RECORDS = 200_000;

/** The summary rows: raw ceiling, then per variant delivery and trigger latency, medians and spreads. */
export function roundRows(r: RoundResults, variants: readonly Variant[]): Row[] {
  const out: Row[] = [];
  const rawMedians = new Map<string, number>();
  for (const client of ["kafkajs", "platformatic"]) {
    const list = r.raw.filter((s) => s.consumer === client);
    if (list.length === 0) continue;
    rawMedians.set(client, distribution(list.map((s) => s.recordsPerSecond)).p50);
    const short = list.filter((s) => s.windowSeconds * 1000 < MIN_WINDOW_MS).length;
    out.push({
      measurement: `raw ${client}: rec/s; CPU µs/record (n=${list.length})`,
      value: `${spread(list.map((s) => s.recordsPerSecond))}; ${spread(
        list.map((s) => s.cpuMicrosPerRecord),
        2,
      )}; windows ${spread(
        list.map((s) => s.windowSeconds),
        1,
      )} s`,
      // A raw consumer needs millions of records for 10 s: `--part ceiling` reads 4,000,000.
      ...(short > 0 ? { target: `${short} window(s) < 10 s: see --part ceiling`, pass: false } : {}),
    });
  }
  const ceiling = Math.max(...rawMedians.values());
  const targets: Record<number, number> = { 100: 0.8, 1000: 0.95 };
  for (const variant of variants) {
    for (const batchSize of DELIVERY_BATCH_SIZES) {
      const list = r.delivery.filter((s) => s.variant === variant.name && s.delivery.batchSize === batchSize);
      if (list.length === 0) continue;
      const rates = list.map((s) => s.delivery.recordsPerSecond);
      const median = distribution(rates).p50;
      const ratio = round(median / ceiling, 2);
      const short = list.filter(
        (s) => s.delivery.firstToLastMs < MIN_WINDOW_MS || s.delivery.delivered < MIN_WINDOW_RECORDS,
      ).length;
      const target = targets[batchSize];
      out.push({
        measurement: `${variant.name}: BatchSize ${batchSize}, rec/s; service CPU µs/record (n=${list.length})`,
        value: `${spread(rates)} = ${ratio}× fastest raw; ${spread(
          list.map((s) => s.delivery.serviceCpuMsPer1k ?? Number.NaN),
          1,
        )}; windows ${spread(
          list.map((s) => s.delivery.firstToLastMs / 1000),
          1,
        )} s; load ${spread(
          list.map((s) => s.load1),
          1,
        )}${short > 0 ? `; ${short} window(s) < 10 s` : ""}`,
        ...(target === undefined ? {} : { target: `≥ ${target}× fastest raw Node`, pass: ratio >= target }),
      });
    }
    const triggers = r.trigger.filter((s) => s.variant === variant.name);
    if (triggers.length > 0) {
      out.push({
        measurement: `${variant.name}: trigger latency p50 / p99, ms (n=${triggers.length})`,
        value: `${spread(
          triggers.map((s) => s.trigger.latencyMs.p50),
          1,
        )} / ${spread(
          triggers.map((s) => s.trigger.latencyMs.p99),
          1,
        )}`,
      });
    }
  }
  for (const [what, error] of Object.entries(r.errors)) out.push({ measurement: `ERROR in ${what}`, value: error });
  return out;
}
