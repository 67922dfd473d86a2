/**
 * `--profile DIR`: the bench's service instance runs under V8's sampling profiler (node --cpu-prof); its
 * .cpuprofile is written when the instance stops. The benchmark marks its phases on the monotonic clock
 * the profile uses too (process.hrtime ↔ V8's TimeTicks, both CLOCK_MONOTONIC on Linux), so each phase's
 * samples can be summed separately: self time by function, and by package.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Phase {
  readonly name: string;
  /** process.hrtime.bigint() / 1000 (µs), as the profile's timestamps. */
  readonly startUs: number;
  readonly endUs: number;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export class PhaseClock {
  readonly phases: Phase[] = [];

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const startUs = nowUs();
    try {
      return await fn();
    } finally {
      this.phases.push({ name, startUs, endUs: nowUs() });
    }
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface PhaseProfile {
  readonly phase: string;
  readonly wallMs: number;
  /** Sampled time that was not idle: the service's CPU (main thread) during the phase. */
  readonly busyMs: number;
  readonly idleMs: number;
  readonly gcMs: number;
  readonly topFunctions: ReadonlyArray<{ readonly ms: number; readonly fn: string }>;
  readonly byPackage: ReadonlyArray<{ readonly ms: number; readonly pkg: string }>;
}

function packageOf(url: string): string {
  if (url === "") return "(vm)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m?.[1]) return m[1];
  if (url.startsWith("node:")) return "node:internal";
  if (url.includes("lambda-service.js")) return "sluice service (bundle)";
  return url.split("/").slice(-2).join("/");
}

/** The .cpuprofile files in dir written at or after `since` (epoch ms), oldest first. */
export function profilesSince(dir: string, since: number): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}

/** Sums a profile's samples per phase. With an inline source map the bundle's function names are kept by esbuild. */
export function analyzeProfile(file: string, phases: readonly Phase[], top = 15): PhaseProfile[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n);
  const frame = (n: ProfileNode): string => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url === "" ? "" : ` ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    return `${functionName || "(anonymous)"}${where}`;
  };
  /** Native and Node-internal frames are labelled with the first application (or package) frame above them. */
  const label = (n: ProfileNode): string => {
    const own = frame(n);
    const { url } = n.callFrame;
    if (url !== "" && !url.startsWith("node:")) return own;
    for (let p = parents.get(n.id); p; p = parents.get(p.id)) {
      const u = p.callFrame.url;
      if (u !== "" && !u.startsWith("node:")) return `${own} ← ${frame(p)}`;
    }
    return own;
  };
  const out: PhaseProfile[] = [];
  for (const phase of phases) {
    const byFn = new Map<string, number>();
    const byPkg = new Map<string, number>();
    let t = profile.startTime;
    let busy = 0;
    let idle = 0;
    let gc = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      t += delta;
      if (t < phase.startUs || t > phase.endUs) continue;
      const node = nodes.get(profile.samples[i] ?? -1);
      if (!node) continue;
      const { functionName, url } = node.callFrame;
      const ms = delta / 1000;
      if (functionName === "(idle)") {
        idle += ms;
        continue;
      }
      if (functionName === "(garbage collector)") gc += ms;
      busy += ms;
      const fn = label(node);
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
      const pkg = packageOf(url);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + ms);
    }
    const round = (v: number): number => Math.round(v * 10) / 10;
    out.push({
      phase: phase.name,
      wallMs: round((phase.endUs - phase.startUs) / 1000),
      busyMs: round(busy),
      idleMs: round(idle),
      gcMs: round(gc),
      topFunctions: [...byFn]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([fn, ms]) => ({ ms: round(ms), fn })),
      byPackage: [...byPkg]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([pkg, ms]) => ({ ms: round(ms), pkg })),
    });
  }
  return out;
}

export function formatPhaseProfile(p: PhaseProfile): string {
  const lines = [
    `── service CPU profile: ${p.phase} — wall ${p.wallMs} ms, busy ${p.busyMs} ms (GC ${p.gcMs} ms), idle ${p.idleMs} ms`,
    "   by package:",
    ...p.byPackage.map((x) => `   ${String(x.ms).padStart(8)} ms  ${x.pkg}`),
    "   top functions (self time):",
    ...p.topFunctions.map((x) => `   ${String(x.ms).padStart(8)} ms  ${x.fn}`),
  ];
  return lines.join("\n");
}
