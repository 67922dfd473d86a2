/**
 * Progress of a pass, sampled from the local Lambda service's status every half second: per mapping (by function
 * name) the records committed past so far (CommittedEventCount, which starts again from 0 when the service does)
 * and whether the service sees work waiting (offset lag, a batch in flight, or the service not answering). From the
 * samples, purely: the stalls (nothing committed while the pass was not done) and each fault's recovery time (from
 * its injection until something is committed again after it was repaired: by any mapping, or by the killed
 * worker's own function).
 */
import type { LocalConfig } from "../../config";
import { lambdaServiceStatus } from "../../lambda-service/daemon";

export interface Sample {
  /** ms since the pass started. */
  readonly t: number;
  /** The service answered. */
  readonly up: boolean;
  /** function name → records committed past (this service process's count). */
  readonly committed: Readonly<Record<string, number>>;
  /** Lag or a batch in flight somewhere, or the service down. */
  readonly pending: boolean;
}

/** For each sample, the functions that committed something since the previous one. */
export function progressed(samples: readonly Sample[]): Array<Set<string>> {
  const out: Array<Set<string>> = [];
  let previous: Readonly<Record<string, number>> = {};
  for (const s of samples) {
    const moved = new Set<string>();
    if (s.up) {
      for (const [fn, n] of Object.entries(s.committed)) {
        const before = previous[fn] ?? 0;
        // A smaller count is a restarted service counting from 0 again.
        if (n > (n < before ? 0 : before)) moved.add(fn);
      }
      previous = s.committed;
    } else {
      previous = {};
    }
    out.push(moved);
  }
  return out;
}

export interface Stall {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Stretches with nothing committed by any mapping while the pass was not done: from the start (or a sample that
 * showed progress) to the next sample that does. The pass is done at the last progress, so every gap counts; the
 * service's own view of waiting work cannot tell (a restarted service has no partitions and no lag until its
 * consumers join the group again).
 */
export function stalls(samples: readonly Sample[], minMs = 0): Stall[] {
  const moved = progressed(samples);
  const found: Stall[] = [];
  let lastProgress = 0;
  samples.forEach((s, i) => {
    if ((moved[i]?.size ?? 0) === 0) return;
    if (s.t - lastProgress >= minMs && s.t > lastProgress) found.push({ fromMs: lastProgress, toMs: s.t });
    lastProgress = s.t;
  });
  return found;
}

/**
 * ms from `injectedMs` until the first sample after `repairedMs` in which something was committed (by `functionName`
 * only, when given); undefined when nothing was committed after it (the work was done).
 */
export function recoveryMs(
  samples: readonly Sample[],
  fault: { readonly injectedMs: number; readonly repairedMs: number; readonly functionName?: string },
): number | undefined {
  const moved = progressed(samples);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as Sample;
    if (s.t <= fault.repairedMs) continue;
    const set = moved[i] as Set<string>;
    if (fault.functionName === undefined ? set.size > 0 : set.has(fault.functionName)) return s.t - fault.injectedMs;
  }
  return undefined;
}

/** Samples the service's status every intervalMs until stopped. */
export class ProgressSampler {
  readonly samples: Sample[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly cfg: LocalConfig,
    private readonly startedAt: number,
    intervalMs = 500,
  ) {
    this.done = this.loop(intervalMs);
  }

  private async loop(intervalMs: number): Promise<void> {
    while (this.running) {
      const status = await lambdaServiceStatus(this.cfg);
      const t = Date.now() - this.startedAt;
      if (status === undefined) this.samples.push({ t, up: false, committed: {}, pending: true });
      else {
        const committed: Record<string, number> = {};
        let pending = false;
        for (const m of status.mappings) {
          committed[m.functionName] = (committed[m.functionName] ?? 0) + m.metrics.committedEventCount;
          const lag = Object.values(m.metrics.offsetLag).reduce((a, b) => a + b, 0);
          if (lag > 0 || m.metrics.batchesInFlight > 0) pending = true;
        }
        this.samples.push({ t, up: true, committed, pending });
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    await this.done;
    return this.samples;
  }
}
