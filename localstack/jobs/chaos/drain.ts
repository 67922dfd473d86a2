/**
 * The end of a pass: every consumer group of a mapping fed by the input has committed its topics' end offsets (read
 * from the broker, so a restarted service's counters do not matter), and the sinks are quiet — the service reports
 * no lag and no batch in flight — on two checks in a row. Survives the broker or the service being down meanwhile.
 */
import type { LocalConfig } from "../../config";
import { lambdaServiceStatus } from "../../lambda-service/daemon";
import { type MappingGroup, uncommitted } from "../committed";

/** Waits for the end of the pass; resolves to the ms it waited. */
export async function waitUntilDrained(
  cfg: LocalConfig,
  groups: readonly MappingGroup[],
  options: { readonly timeoutMs: number; readonly onWait?: (behind: Map<string, number>) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let quiet = 0;
  let last = new Map<string, number>();
  for (;;) {
    const behind = await uncommitted(cfg, groups).catch(() => undefined); // the broker may be restarting
    const status = await lambdaServiceStatus(cfg);
    const fed = new Set(groups.map((g) => g.functionName));
    const sinksQuiet =
      status?.mappings
        .filter((m) => fed.has(m.functionName))
        .every(
          (m) => m.metrics.batchesInFlight === 0 && Object.values(m.metrics.offsetLag).every((lag) => lag === 0),
        ) === true;
    const committed = behind !== undefined && [...behind.values()].every((n) => n === 0);
    if (behind) {
      last = behind;
      options.onWait?.(behind);
    }
    quiet = committed && sinksQuiet ? quiet + 1 : 0;
    if (quiet >= 2) return;
    if (Date.now() > deadline) {
      const left = [...last].filter(([, n]) => n > 0).map(([f, n]) => `${f} ${n}`);
      throw new Error(
        `the pipelines did not drain within ${Math.round(options.timeoutMs / 1000)} s (not committed: ${left.join(", ") || "none"}; service ${status ? "answering" : "not answering"})`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
