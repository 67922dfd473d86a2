/** `sluice chaos` (npm run chaos): options, help, the run and its exit code. */
import { parseArgs } from "node:util";
import type { LocalConfig } from "../../config";
import type { Log } from "../../support/log";
import { runChaos } from "./job";
import { formatReport } from "./report";
import { DEFAULT_COUNTS, FAULT_KINDS, parseFaultKinds } from "./schedule";

/** Sized so that both passes and the faults take about 15–20 minutes on a 2-core machine (see README, Chaos). */
export const DEFAULT_RECORDS = 12_000;

export const CHAOS_HELP = `usage: npm run chaos [-- options]        (or: npx tsx localstack/cli.ts chaos [options])

Drives the same seeded input through the analytics pipelines (bank transactions, tweets) and the face pipeline
(the sample web's people, seeded as npm start does) of the running, deployed local stack twice: a
fault-free reference pass, then a chaos pass while, at seeded random moments, the local Lambda service is
SIGKILLed, function workers are killed mid-invocation, a broker is killed and brought back (one node of three
on a cluster started with --brokers 3), and LocalStack is restarted. Then compares the two end states (every deployed table's items and bucket's objects, normalised)
and exits 1 on any difference. Wipes the pipelines' tables and buckets before each pass. Needs every stack
deployed and the sample web running: npx tsx localstack/cli.ts start (npm start) first.

options:
  --seed N          replay a run (0-4294967295; default: a fresh one, printed first)
  --records N       about N input records, half bank transactions, half tweets (default ${DEFAULT_RECORDS})
  --people N        the sample web's first N people onto the face pipeline (default: all it serves; 0: none)
  --faults LIST     comma-separated fault kinds: ${FAULT_KINDS.join(", ")} (default all)
  --kills N         SIGKILLs of the Lambda service (default ${DEFAULT_COUNTS.service})
  --worker-kills N  worker kills (default ${DEFAULT_COUNTS.worker})
  --broker-outages N, --localstack-restarts N   (default ${DEFAULT_COUNTS.broker} each)
  --timeout MIN     per pass, until the pipelines must have drained (default 30)
`;

function count(raw: string | undefined, name: string, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}

export async function chaosCommand(cfg: LocalConfig, args: readonly string[], log: Log): Promise<number> {
  if (args.includes("--help")) {
    process.stdout.write(CHAOS_HELP);
    return 0;
  }
  const { values } = parseArgs({
    args: [...args],
    options: {
      seed: { type: "string" },
      records: { type: "string" },
      people: { type: "string" },
      faults: { type: "string" },
      kills: { type: "string" },
      "worker-kills": { type: "string" },
      "broker-outages": { type: "string" },
      "localstack-restarts": { type: "string" },
      timeout: { type: "string" },
    },
    strict: true,
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 0x100000000) : count(values.seed, "seed", 0);
  if (seed > 0xffffffff) throw new Error(`--seed must be 0-4294967295, got "${values.seed}"`);
  const report = await runChaos(cfg, {
    seed,
    records: count(values.records, "records", DEFAULT_RECORDS, 1),
    ...(values.people === undefined ? {} : { people: count(values.people, "people", 0) }),
    kinds: parseFaultKinds(values.faults ?? "all"),
    counts: {
      service: count(values.kills, "kills", DEFAULT_COUNTS.service),
      worker: count(values["worker-kills"], "worker-kills", DEFAULT_COUNTS.worker),
      broker: count(values["broker-outages"], "broker-outages", DEFAULT_COUNTS.broker),
      localstack: count(values["localstack-restarts"], "localstack-restarts", DEFAULT_COUNTS.localstack),
    },
    timeoutMs: count(values.timeout, "timeout", 30, 1) * 60_000,
    log,
  });
  log(formatReport(report));
  return report.comparison.differences === 0 ? 0 : 1;
}
