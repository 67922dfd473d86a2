import { resolve } from "node:path";
import { parseArgs } from "node:util";

const HELP = `Usage: npm run bench -- [options]

Measures the local Lambda service against the raw Node consumers and prints a table. Steps 1-3 are repeated
(--repetitions), and per repetition run for each variant of the service in turn (the working tree, and each
--compare REF), each on a fresh service instance and fresh consumer groups:
  1. raw: kafkajs and @platformatic/kafka (each in a process of its own, SCRAM, the poller's fetch wait) read N
     pre-produced records (3 partitions): the ceiling is the faster one's median
  2. delivery: the service delivers the same N records to a no-op function at BatchSize 100 and 1000
     (MaximumBatchingWindowInSeconds 0; workers pre-warmed), records/s from the first to the last delivery, and
     the service's CPU per record; windows under 10 s or 200,000 records are flagged
  3. trigger latency: window 0, single records produced one at a time; produce → handler start
     (and produce → a raw kafkajs consumer's eachBatch, on the same records, as the floor)
  4. invoke latency through the Lambda API: cold (fresh service; after a reload) and warm p50/p99
  5. resident memory (VmRSS) of the service and of a warm worker
  6. service start: spawn → endpoint answering, and the service's own "ready" startMs
Targets are printed beside the numbers (informative only).

Options:
  --records N            records for the throughput runs (default 200000)
  --repetitions N        repetitions of steps 1-3 (default 3); the table shows median (min–max)
  --compare REF          also measure the service built from git commit REF (repeatable), interleaved with the
                         working tree: an A/B in one run
  --record-bytes N       size of each record's value (default 256)
  --trigger-count N      single records for the trigger latency (default 200)
  --trigger-interval MS  pause between them (default 20)
  --invokes N            warm invokes (default 500)
  --cold N               cold starts forced by a reload (default 5)
  --starts N             service starts measured (default 3)
  --service-port PORT    port of the bench's own service instance (default: a free one)
  --out FILE             also write the results as JSON to FILE
  --keep                 leave the stack and the bench's service instance running
  --profile DIR          run the bench's service under node --cpu-prof (profile in DIR) and print where its CPU
                         time went in each phase (the profiler slows it down: a diagnostic run, not a baseline)
  --help                 this text

The stack's ports and state come from the usual variables (SLUICE_STATE_DIR, SLUICE_PORT, LOCALSTACK_PORT,
KAFKA_PORT, KAFKA_CONTROLLER_PORT). The bench's instance lives in <SLUICE_STATE_DIR>/bench.
`;

export interface Options {
  readonly records: number;
  readonly recordBytes: number;
  readonly triggerCount: number;
  readonly triggerIntervalMs: number;
  readonly invokes: number;
  readonly cold: number;
  readonly starts: number;
  readonly servicePort?: number;
  readonly out?: string;
  readonly keep: boolean;
  readonly profile?: string;
  readonly repetitions: number;
  /** Git refs whose service is measured beside the working tree's. */
  readonly compare: readonly string[];
}

/** A whole-number option: its default when absent, refused by name below min. */
export function intOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

/**
 * `--repetitions N`, `--out FILE` and `--help` of the parts that repeat one measurement (recovery, restart,
 * cluster): undefined once the help is printed.
 */
export function repetitionOptions(
  argv: readonly string[],
  help: string,
  fallback: number,
): { readonly repetitions: number; readonly out?: string } | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: { repetitions: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help);
    return undefined;
  }
  const repetitions = intOption("repetitions", values.repetitions, fallback, 1);
  return { repetitions, ...(values.out === undefined ? {} : { out: values.out }) };
}

export function parseOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      records: { type: "string" },
      "record-bytes": { type: "string" },
      "trigger-count": { type: "string" },
      "trigger-interval": { type: "string" },
      invokes: { type: "string" },
      cold: { type: "string" },
      starts: { type: "string" },
      "service-port": { type: "string" },
      out: { type: "string" },
      profile: { type: "string" },
      repetitions: { type: "string" },
      compare: { type: "string", multiple: true },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  return {
    records: intOption("records", values.records, 200_000, 1),
    repetitions: intOption("repetitions", values.repetitions, 3, 1),
    compare: values.compare ?? [],
    recordBytes: intOption("record-bytes", values["record-bytes"], 256, 32),
    triggerCount: intOption("trigger-count", values["trigger-count"], 200, 1),
    triggerIntervalMs: intOption("trigger-interval", values["trigger-interval"], 20, 0),
    invokes: intOption("invokes", values.invokes, 500, 1),
    cold: intOption("cold", values.cold, 5, 0),
    starts: intOption("starts", values.starts, 3, 1),
    ...(values["service-port"] === undefined
      ? {}
      : { servicePort: intOption("service-port", values["service-port"], 0, 1) }),
    ...(values.out === undefined ? {} : { out: resolve(values.out) }),
    keep: values.keep,
    ...(values.profile === undefined ? {} : { profile: resolve(values.profile) }),
  };
}
