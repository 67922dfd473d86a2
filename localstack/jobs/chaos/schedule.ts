/**
 * The chaos pass's fault plan, drawn from the seed alone (pure): which faults, in which order, at which moment of
 * the pass, and the seeded details of each (how long the Lambda service or the broker stays down). Moments are
 * fractions of a window (the reference pass's drain time, measured just before), so a replay with the same seed
 * hits the same points of the work even when the machine is faster or slower that day.
 */
import type { Rng } from "../../support/random";

export const FAULT_KINDS = ["service", "worker", "broker", "localstack"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** When to inject it, from the start of the pass, in ms. */
  readonly atMs: number;
  /** service and broker: how long it stays down before it is started again, in ms; 0 for the others. */
  readonly downMs: number;
}

export interface FaultCounts {
  /** SIGKILLs of the local Lambda service. @default 20 */
  readonly service: number;
  /** SIGKILLs of a function worker mid-invocation. @default 5 */
  readonly worker: number;
  /** Broker outages (SIGKILL, then start again). @default 1 */
  readonly broker: number;
  /** Graceful LocalStack restarts. @default 1 */
  readonly localstack: number;
}

export const DEFAULT_COUNTS: FaultCounts = { service: 20, worker: 5, broker: 1, localstack: 1 };

/** How long each kind stays down, in ms: [min, max], drawn per fault. */
const DOWN_MS: Readonly<Record<FaultKind, readonly [number, number]>> = {
  service: [0, 3_000],
  worker: [0, 0],
  broker: [5_000, 15_000],
  localstack: [0, 0],
};

/** Parses --faults: a comma-separated list of kinds, or "all". */
export function parseFaultKinds(text: string): FaultKind[] {
  if (text.trim() === "all") return [...FAULT_KINDS];
  const kinds = text.split(",").map((k) => k.trim());
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new Error(`--faults takes a comma-separated list of ${FAULT_KINDS.join(", ")} (or all), got "${text}"`);
  }
  return [...new Set(kinds as FaultKind[])];
}

/**
 * The plan: counts[kind] faults of each chosen kind, each at a uniformly drawn moment within the first
 * `spread` (0–1) of the window, sorted by time. Draws happen in a fixed order (kinds in FAULT_KINDS order, then
 * per fault its moment and its down time), so the same seed, counts and window give the same plan.
 */
export function planFaults(
  rng: Rng,
  options: {
    readonly kinds: readonly FaultKind[];
    readonly counts: FaultCounts;
    readonly windowMs: number;
    /** @default 0.85 */
    readonly spread?: number;
  },
): PlannedFault[] {
  const spread = options.spread ?? 0.85;
  const plan: PlannedFault[] = [];
  for (const kind of FAULT_KINDS) {
    if (!options.kinds.includes(kind)) continue;
    for (let i = 0; i < options.counts[kind]; i++) {
      const atMs = Math.round(rng.next() * spread * options.windowMs);
      const [min, max] = DOWN_MS[kind];
      plan.push({ kind, atMs, downMs: rng.int(min, max) });
    }
  }
  return plan.sort((a, b) => a.atMs - b.atMs || FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
}
