/**
 * `npm run chaos`: the same seeded input through the analytics and face pipelines twice on the running, deployed stack —
 * a fault-free reference pass, then a chaos pass with faults injected at seeded moments — and the two end states
 * compared. Before each pass the pipelines' data is wiped (the committed offsets are past any older record) and the
 * Lambda service restarted with its delivery log on; after each, the job waits until every consumer group has
 * committed its topics' end offsets, then captures the tables and buckets. The service is put back without the
 * delivery log at the end, and the broker and service are started again if a fault left them down.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { LocalConfig } from "../../config";
import { lambdaServiceStatus, startLambdaService, stopLambdaService } from "../../lambda-service/daemon";
import { parseDeliveryLog } from "../../lambda-service/esm/delivery-log";
import { kafkaNodes, startKafka } from "../../launchers/kafka";
import { stackOutputs } from "../../support/aws";
import type { Log } from "../../support/log";
import { seededRng } from "../../support/random";
import { type MappingGroup, mappingGroups } from "../committed";
import { compareCaptures } from "./compare";
import { countDeliveries } from "./deliveries";
import { waitUntilDrained } from "./drain";
import { FaultInjector } from "./faults";
import { buildInput, type ChaosInput, loadPeople, produceInput } from "./input";
import { ProgressSampler, recoveryMs, stalls } from "./progress";
import type { ChaosReport, FaultResult, PassResult } from "./report";
import { type FaultCounts, type FaultKind, planFaults } from "./schedule";
import { type Captured, captureState, type DataResources, dataResources, wipeData } from "./state";

export interface ChaosOptions {
  readonly seed: number;
  readonly records: number;
  readonly kinds: readonly FaultKind[];
  readonly counts: FaultCounts;
  /** Share of the records that are bank messages (the rest are tweets). @default 0.5 */
  readonly bankShare?: number;
  /** People seeded onto the face pipeline (the sample web's first N; 0: none). @default all the sample web serves */
  readonly people?: number;
  /**
   * The output keys of the tables and buckets to wipe and compare (a test's, to leave the rest of a shared stack
   * alone). @default every deployed table and bucket
   */
  readonly scope?: readonly string[];
  /** Per pass, until the pipelines must have drained. @default 30 minutes */
  readonly timeoutMs?: number;
  readonly log: Log;
}

/** A stall shorter than this is the sampler's own granularity, not a stall. */
const MIN_STALL_MS = 2_000;

interface Pass {
  readonly result: PassResult;
  readonly captured: Captured;
  readonly faults: FaultResult[];
}

async function restartService(cfg: LocalConfig, deliveryLog: string | undefined, log: Log): Promise<void> {
  if (deliveryLog === undefined) delete process.env.SLUICE_DELIVERY_LOG;
  else process.env.SLUICE_DELIVERY_LOG = deliveryLog;
  await stopLambdaService(cfg);
  await startLambdaService(cfg, log);
}

async function runPass(
  cfg: LocalConfig,
  name: "reference" | "chaos",
  context: {
    readonly input: ChaosInput;
    readonly data: DataResources;
    readonly groups: readonly MappingGroup[];
    readonly functions: readonly string[];
    readonly options: ChaosOptions;
    /** The chaos pass: the fault plan over this window. */
    readonly windowMs?: number;
  },
): Promise<Pass> {
  const { options } = context;
  const log = options.log;
  const deliveryLog = join(cfg.logDir, `chaos-${options.seed}-${name}.deliveries.jsonl`);
  rmSync(deliveryLog, { force: true });
  await restartService(cfg, deliveryLog, () => undefined);
  const wiped = await wipeData(cfg, context.data);
  log(`${name} pass: wiped ${wiped.items} items and ${wiped.objects} objects; producing…`);
  const startedAt = Date.now();
  const sampler = new ProgressSampler(cfg, startedAt);
  let injector: FaultInjector | undefined;
  try {
    const produced = await produceInput(cfg, context.input);
    log(`${name} pass: produced in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; following the pipelines…`);
    if (context.windowMs !== undefined) {
      const rng = seededRng(options.seed);
      const plan = planFaults(rng, { kinds: options.kinds, counts: options.counts, windowMs: context.windowMs });
      log(`${name} pass: ${plan.length} faults planned over ${(context.windowMs / 1000).toFixed(0)} s`);
      injector = new FaultInjector(cfg, { startedAt, rng, functions: context.functions, log });
      await injector.run(plan);
    }
    let lastNote = Date.now();
    await waitUntilDrained(cfg, context.groups, {
      timeoutMs: options.timeoutMs ?? 30 * 60_000,
      onWait: (behind) => {
        if (Date.now() - lastNote < 15_000) return;
        lastNote = Date.now();
        const left = [...behind.values()].reduce((a, b) => a + b, 0);
        log(`${name} pass: +${((Date.now() - startedAt) / 1000).toFixed(0)} s, ${left} records not yet committed`);
      },
    });
    const seconds = (Date.now() - startedAt) / 1000;
    const samples = await sampler.stop();
    const captured = await captureState(cfg, context.data);
    const deliveries = countDeliveries(parseDeliveryLog(readFileSync(deliveryLog, "utf8")));
    const faults = (injector?.injected ?? []).map((f) => ({
      ...f,
      recoveryMs: f.skipped ? undefined : recoveryMs(samples, f),
    }));
    const entries = Object.fromEntries([...captured.capture].map(([group, m]) => [group, m.size]));
    log(`${name} pass: drained in ${seconds.toFixed(1)} s`);
    return {
      result: {
        name,
        seconds,
        produced,
        deliveries,
        stalls: stalls(samples, MIN_STALL_MS),
        entries,
        sizes: captured.sizes,
      },
      captured,
      faults,
    };
  } finally {
    await sampler.stop();
  }
}

/** Starts what a failed fault may have left down: the broker and the Lambda service. */
async function ensureRunning(cfg: LocalConfig, log: Log): Promise<void> {
  if (kafkaNodes(cfg).some((n) => !n.running)) await startKafka(cfg, log);
  if ((await lambdaServiceStatus(cfg)) === undefined) await startLambdaService(cfg, log);
}

export async function runChaos(cfg: LocalConfig, options: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const log = options.log;
  log(`chaos seed ${options.seed} (replay with --seed ${options.seed})`);
  if ((await lambdaServiceStatus(cfg)) === undefined) {
    throw new Error(
      `the local Lambda service does not answer at ${cfg.endpoint.url}: run \`npm start\` (or npm run local:up and deploy:local) first`,
    );
  }
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const data = dataResources(outputs, options.scope);
  const functions = [
    outputs.TransactionsFunctionName,
    outputs.TweetHashtagsFunctionName,
    outputs.TweetTrackerFunctionName,
    ...(options.people === 0
      ? []
      : [
          outputs.ScrapeFunctionName,
          outputs.ValidateFunctionName,
          outputs.StoreFunctionName,
          outputs.CleanFunctionName,
        ]),
  ].filter((f): f is string => f !== undefined && f !== "");
  const people = await loadPeople(cfg, outputs, options.people);
  const input = await buildInput(outputs, {
    records: options.records,
    seed: options.seed,
    bankShare: options.bankShare,
    people,
  });
  log(
    `input: ${input.bank.length} bank messages (${input.accounts} accounts), ${input.tweets.length} tweet lines and ${input.people.length} people, ${input.bank.length + input.tweets.length + input.people.length} records`,
  );
  const groups = await mappingGroups(cfg, [input.bankTopic, input.tweetsTopic, ...input.faceTopics]);
  try {
    const context = { input, data, groups, functions, options };
    const reference = await runPass(cfg, "reference", context);
    const chaos = await runPass(cfg, "chaos", { ...context, windowMs: reference.result.seconds * 1000 });
    return {
      seed: options.seed,
      records: input.bank.length + input.tweets.length + input.people.length,
      people: input.people.length,
      reference: reference.result,
      chaos: chaos.result,
      faults: chaos.faults,
      comparison: compareCaptures(reference.captured.capture, chaos.captured.capture),
      skipped: chaos.captured.skipped,
      totalSeconds: (Date.now() - began) / 1000,
    };
  } finally {
    await ensureRunning(cfg, log).catch((error: unknown) =>
      log(`could not restart the stack: ${(error as Error).message}`),
    );
    await restartService(cfg, undefined, () => undefined).catch((error: unknown) =>
      log(`could not restart the Lambda service without its delivery log: ${(error as Error).message}`),
    );
  }
}
