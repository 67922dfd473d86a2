/**
 * The progress bars of the jobs behind `npm start`: redrawn in place on a terminal, a line every 5 s elsewhere
 * (CI logs), with one bar per stage moved by what `waitForDrain` reports.
 */
import { MultiBar, Presets } from "cli-progress";
import type { StageProgress } from "./watch";

const STAGE_BAR_FORMAT = " {stage} |{bar}| {value}/{total} records · lag {lag} · errors {errors}";

export function progressBars(interactive: boolean, format = STAGE_BAR_FORMAT): MultiBar {
  return new MultiBar(
    {
      format,
      hideCursor: true,
      noTTYOutput: !interactive,
      notTTYSchedule: 5000,
      clearOnComplete: false,
      stopOnComplete: false,
    },
    Presets.shades_classic,
  );
}

/** The stage a mapping's function runs: its name ends in `-<stage>`. */
export function stageOf<S extends string>(stages: readonly S[], functionName: string): S | undefined {
  return stages.find((s) => functionName.endsWith(`-${s}`));
}

/**
 * A bar per stage, labels padded to `width`; the returned function moves them from `waitForDrain`'s progress
 * (other pipelines' mappings are left out). Lag counts what is read but not committed yet too: done = read − lag.
 */
export function stageBars(
  bars: MultiBar,
  stages: readonly string[],
  width: number,
): (progress: readonly StageProgress[]) => void {
  const byStage = new Map(stages.map((s) => [s, bars.create(1, 0, { stage: s.padEnd(width), lag: 0, errors: 0 })]));
  return (progress) => {
    for (const p of progress) {
      const stage = stageOf(stages, p.functionName);
      const bar = stage === undefined ? undefined : byStage.get(stage);
      if (!bar) continue;
      bar.setTotal(Math.max(1, p.polled));
      bar.update(Math.max(0, p.polled - p.lag), { lag: p.lag, errors: p.errors });
    }
  };
}
