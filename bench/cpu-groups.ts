/**
 * Where a machine's CPU went during a window, by part of the local stack: every process's CPU time from /proc
 * (Linux), grouped by its command line, and the machine's busy share from /proc/stat. A process that starts in
 * the window counts whole; one that ends in it is missed (the Lambda service keeps its workers warm, so few do).
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { procCpuSeconds } from "./stats";

/** First match wins: DynamoDB Local's command line names LocalStack's directory, Kafka's its jars. */
const GROUPS: ReadonlyArray<readonly [string, RegExp]> = [
  ["DynamoDB Local", /ddb-local|DynamoDBLocal/],
  ["LocalStack", /run_localstack\.py|localstack\.runtime/],
  ["Kafka", /kafka\.Kafka\b|kafka-server-start|kafka_2\./],
  ["Lambda workers", /lambda-worker\.js/],
  ["Lambda service", /lambda-service\.js/],
  ["sample web", /sample-web\/main\.ts/],
];

function snapshot(): Map<number, { group: string; seconds: number }> {
  const out = new Map<number, { group: string; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      continue; // ended meanwhile
    }
    const seconds = procCpuSeconds(pid);
    if (seconds === undefined || cmdline === "") continue;
    out.set(pid, { group: GROUPS.find(([, re]) => re.test(cmdline))?.[0] ?? "other", seconds });
  }
  return out;
}

/** Busy and total jiffies of all CPUs so far (/proc/stat's first line; idle and iowait are not busy). */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

export interface CpuUse {
  readonly wallSeconds: number;
  /** Share of all the machine's cores that was busy (any process). */
  readonly machineBusy: number;
  /** CPU seconds by group, this process as "bench", largest first. */
  readonly groups: Readonly<Record<string, number>>;
}

/** Starts measuring; the returned function ends the window and tells where the CPU went. */
export function cpuUse(): () => CpuUse {
  const before = snapshot();
  const ticks = machineTicks();
  const bench = process.cpuUsage();
  const started = performance.now();
  return () => {
    const after = snapshot();
    const groups: Record<string, number> = {};
    for (const [pid, { group, seconds }] of after) {
      groups[group] = (groups[group] ?? 0) + seconds - (before.get(pid)?.seconds ?? 0);
    }
    const own = process.cpuUsage(bench);
    groups.bench = (own.user + own.system) / 1e6;
    const end = machineTicks();
    return {
      wallSeconds: (performance.now() - started) / 1000,
      machineBusy: (end.busy - ticks.busy) / Math.max(1, end.total - ticks.total),
      groups: Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1])),
    };
  };
}

export function formatCpuUse(use: CpuUse): string {
  const parts = Object.entries(use.groups)
    .filter(([, s]) => s >= 0.05)
    .map(([group, s]) => `${group} ${s.toFixed(1)} s`);
  return (
    `CPU: the machine ${(use.machineBusy * 100).toFixed(0)} % busy (${cpus().length} cores × ` +
    `${use.wallSeconds.toFixed(1)} s); ${parts.join(", ")}`
  );
}
