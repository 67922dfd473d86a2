/**
 * Never loses a record: a second local Lambda service runs a Kafka event-source mapping from a test cloud
 * assembly, against the main stack's broker, while the test SIGKILLs the service at random points (seeded:
 * the seed is printed; replay with SLUICE_DURABILITY_SEED=<seed>) and restarts the broker once. The function
 * (fixtures/offset-recorder) appends every record it is given to a file before it returns; at the end every
 * offset of every partition must be in that file at least once, and the group's committed offsets must be the
 * end offsets.
 *
 * Knobs: SLUICE_DURABILITY_SEED, SLUICE_DURABILITY_KILLS (default 5), SLUICE_DURABILITY_KEEP=1 (keep the work
 * directory: the delivery log and the test service's state and log).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { adminCredentials, startKafka, stopKafka } from "#local/launchers/kafka";
import { ensureTopics } from "#local/launchers/kafka-admin";
import { awsClients } from "#local/support/aws";
import { createKafkaSecret } from "#local/support/kafka-secret";
import { waitFor } from "#local/support/proc";
import { seededRng, seedFrom } from "#local/support/random";
import { cfg, unique } from "./helpers";
import {
  checkDeliveries,
  type DeliveryCheck,
  deliveredOffsets,
  deliveredPrefix,
  deliveryCount,
  describeMissing,
  readDeliveries,
} from "./support/deliveries";
import {
  committedOffsets,
  deleteGroup,
  deleteTopic,
  endOffsets,
  ensureKafkaRunning,
  produceRange,
  restartKafka,
} from "./support/kafka";
import { writeRecorderAssembly } from "./support/recorder-assembly";
import { removeFunctionLogs, type StopReport, startTestService, type TestService } from "./support/service";

const KEEP = process.env.SLUICE_DURABILITY_KEEP === "1";

const began = Date.now();
const note = (message: string): void => {
  process.stderr.write(`[durability +${((Date.now() - began) / 1000).toFixed(1)} s] ${message}\n`);
};

/** Undone in reverse order after each test, whatever happened. */
const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
const cleanup = (what: string, run: () => Promise<unknown>): void => {
  cleanups.push({ what, run });
};

afterEach(async () => {
  for (const { what, run } of cleanups.splice(0).reverse()) {
    await run().catch((error: unknown) => note(`cleanup "${what}" failed: ${(error as Error).message}`));
  }
});

interface Scenario {
  readonly topic: string;
  readonly partitions: number[];
  readonly recordFile: string;
  readonly assembly: SyntheticAssembly;
  readonly groupId: string;
  readonly functionName: string;
  readonly work: string;
}

/** A topic, a secret, an assembly with the recorder and its mapping; all removed after the test. */
async function scenario(
  name: string,
  options: { partitions: number; batchSize: number; delayMs: number },
): Promise<Scenario> {
  const work = mkdtempSync(join(tmpdir(), `sluice-${name}-`));
  if (KEEP) note(`work directory (kept): ${work}`);
  else cleanup("remove the work directory", async () => rmSync(work, { recursive: true, force: true }));
  const topic = unique(name);
  const groupId = unique(`${name}-group`);
  await ensureTopics(cfg, [{ name: topic, partitions: options.partitions }]);
  cleanup("delete the topic and group", async () => {
    await deleteTopic(cfg, topic);
    await deleteGroup(cfg, groupId).catch(() => undefined);
  });
  // After a failure while the broker was down, the topic can only be deleted once it runs again.
  cleanup("make sure Kafka runs", () => ensureKafkaRunning(cfg, note));
  const secret = await createKafkaSecret(awsClients(cfg).secrets, unique(`${name}-kafka`), adminCredentials(cfg));
  cleanup("delete the secret", () => secret.remove());
  const recordFile = join(work, "delivered.log");
  const functionName = unique(`${name}-recorder`);
  cleanup("delete the function's log group", () => removeFunctionLogs(cfg, functionName));
  const assembly = writeRecorderAssembly(cfg, join(work, "cdk.out"), {
    stackName: unique(`sluice-${name}`),
    functionName,
    recordFile,
    delayMs: options.delayMs,
    topic,
    secretArn: secret.arn,
    batchSize: options.batchSize,
    consumerGroupId: groupId,
  });
  const partitions = Array.from({ length: options.partitions }, (_, i) => i);
  return { topic, partitions, recordFile, assembly, groupId, functionName, work };
}

async function startService(s: Scenario): Promise<TestService> {
  const service = await startTestService({
    assemblyDir: s.assembly.dir,
    base: cfg,
    stateDir: join(s.work, "service"),
    log: note,
  });
  cleanup("stop the test service", () => service.dispose());
  return service;
}

/** Waits until the delivery log has at least `atLeast` lines; fails with the service's log. */
function linesReached(s: Scenario, service: TestService, atLeast: number, timeoutMs: number): Promise<number> {
  return waitFor(
    `${atLeast} deliveries in ${s.recordFile}`,
    async () => {
      const lines = deliveryCount(s.recordFile);
      return lines >= atLeast ? lines : undefined;
    },
    { timeoutMs, intervalMs: 10, onTimeout: () => service.logTail() },
  );
}

/** Waits until every offset below the end offsets was delivered; the check is returned either way. */
async function allDelivered(s: Scenario, ends: ReadonlyMap<number, number>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const check = checkDeliveries(readDeliveries(s.recordFile), s.topic, ends);
    if (check.missing.length === 0 || Date.now() > deadline) return check;
    await sleep(250);
  }
}

/** Waits until the group's committed offsets are the end offsets; returns the last committed offsets read. */
async function committedToEnd(s: Scenario, ends: ReadonlyMap<number, number>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await committedOffsets(cfg, s.groupId, s.topic).catch(() => new Map<number, number>());
    const done = [...ends].every(([partition, end]) => committed.get(partition) === end);
    if (done || Date.now() > deadline) return committed;
    await sleep(250);
  }
}

const asObject = (map: ReadonlyMap<number, number>): Record<string, number> =>
  Object.fromEntries([...map].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), v]));

/** Lines of the service log (all runs) that report records given up on. */
function lossReports(service: TestService): string[] {
  return service
    .logText()
    .split("\n")
    .filter((line) => /records discarded|records DROPPED/.test(line));
}

function summary(check: DeliveryCheck): string {
  return `${check.delivered}/${check.expected} records delivered, ${check.duplicates} duplicate deliveries (max ${check.maxDeliveries} of one record)`;
}

// ---------------------------------------------------------------------------------------------

test("SIGKILLs of the service at random points and a broker restart lose no record", async () => {
  const seed = seedFrom("SLUICE_DURABILITY_SEED");
  const rng = seededRng(seed);
  const kills = Number(process.env.SLUICE_DURABILITY_KILLS ?? "5");
  note(`seed ${seed} — replay with SLUICE_DURABILITY_SEED=${seed}`);
  const PARTITIONS = 3;
  const waves = [400, 300, 300]; // per partition: before the start, after the 1st kill, after the 2nd
  const perPartition = waves.reduce((a, b) => a + b, 0);
  const s = await scenario("durability", { partitions: PARTITIONS, batchSize: 10, delayMs: 100 });
  let produced = 0;
  const produceWave = async (i: number): Promise<void> => {
    const count = waves[i];
    if (count === undefined) return;
    await produceRange(cfg, { topic: s.topic, partitions: s.partitions, from: produced, count });
    produced += count;
    note(`produced wave ${i + 1}: ${count} records to each of ${PARTITIONS} partitions (${produced} each so far)`);
  };

  await produceWave(0);
  const service = await startService(s);
  await service.loaded();
  note(`test service at ${service.cfg.endpoint.url}, state in ${service.cfg.stateDir}`);

  const brokerRound = rng.int(1, kills);
  const killReports: Array<StopReport & { round: number; linesAtKill: number; behind: number }> = [];
  let brokerRestart: { stopMs: number; startMs: number; downMs: number } | undefined;
  const startedRun = Date.now();
  const ends = () => new Map(s.partitions.map((p) => [p, produced]));
  // A wait must end on records that exist: the service may have delivered everything produced so far (it reads a
  // whole wave in one fetch and goes on delivering from its queue while the broker is down), and the next wave is
  // produced only after the next kill.
  const reachable = (lines: number): number => Math.min(lines, produced * PARTITIONS);

  for (let round = 1; round <= kills; round++) {
    let baseline = deliveryCount(s.recordFile);
    if (round === brokerRound) {
      // The broker goes away while the service is consuming.
      await linesReached(s, service, reachable(baseline + rng.int(1, 100)), 180_000);
      const downMs = rng.int(200, 3_000);
      note(`round ${round}: restarting the Kafka broker (down ${downMs} ms) at ${deliveryCount(s.recordFile)} lines`);
      brokerRestart = { ...(await restartKafka(cfg, downMs, note)), downMs };
      note(`broker back (stop ${brokerRestart.stopMs} ms, start ${brokerRestart.startMs} ms)`);
      baseline = deliveryCount(s.recordFile);
    }
    if (produced === perPartition) {
      const check = checkDeliveries(readDeliveries(s.recordFile), s.topic, ends());
      if (check.missing.length === 0) {
        note(`round ${round}: everything was delivered already; no more kills`);
        break;
      }
    }
    // A random point: some records into the work after the (re)start, plus a random delay.
    const target = reachable(baseline + rng.int(1, 150));
    await linesReached(s, service, target, 180_000);
    await sleep(rng.int(0, 200));
    const linesAtKill = deliveryCount(s.recordFile);
    const report = await service.kill();
    // Where the restarted service will resume, against what was processed already: the gap is read again.
    const committedNow = await committedOffsets(cfg, s.groupId, s.topic);
    const atKill = readDeliveries(s.recordFile);
    const prefix = new Map(s.partitions.map((p) => [p, deliveredPrefix(atKill, s.topic, p)]));
    const behind = s.partitions.reduce(
      (sum, p) => sum + (prefix.get(p) ?? 0) - Math.max(0, committedNow.get(p) ?? 0),
      0,
    );
    killReports.push({ ...report, round, linesAtKill, behind });
    note(
      `round ${round}: SIGKILLed the service (pid ${report.pid}) at ${linesAtKill} lines; its ` +
        `${report.workerPids.length} workers were gone after ${report.workersGoneMs} ms` +
        (report.orphans.length > 0 ? `; ORPHANS: ${report.orphans.join(", ")}` : "") +
        `; committed ${JSON.stringify(asObject(committedNow))}, delivered up to ${JSON.stringify(asObject(prefix))}`,
    );
    await produceWave(round);
    await sleep(rng.int(0, 1_500));
    const startMs = await service.start();
    note(`round ${round}: service restarted in ${startMs} ms`);
  }

  // All produced: wait for the rest, bounded.
  const end = await endOffsets(cfg, s.topic);
  expect(asObject(end)).toEqual(asObject(ends()));
  const check = await allDelivered(s, end, 180_000);
  const committed = await committedToEnd(s, end, 60_000);
  const elapsedS = ((Date.now() - startedRun) / 1000).toFixed(1);
  const deliveries = readDeliveries(s.recordFile);
  const losses = lossReports(service);
  const finalStop = await service.stop();
  console.log(
    `durability (seed ${seed}): ${PARTITIONS * perPartition} records, ${killReports.length} SIGKILLs ` +
      `(at lines ${killReports.map((k) => k.linesAtKill).join(", ")}), broker restarted in round ${brokerRound}; ` +
      `${summary(check)}; ${deliveries.lines} deliveries in all; ${elapsedS} s from the first start; ` +
      `delivered but uncommitted (read again) at each kill: ${killReports.map((k) => k.behind).join("/")}; ` +
      `workers gone ${killReports.map((k) => k.workersGoneMs).join("/")} ms after each kill`,
  );

  expect(deliveries.malformed).toEqual([]);
  expect(check.unexpected).toEqual([]);
  if (check.missing.length > 0) throw new Error(`records never delivered (seed ${seed}): ${describeMissing(check)}`);
  expect(asObject(committed)).toEqual(asObject(end));
  expect([...killReports.flatMap((k) => k.orphans), ...finalStop.orphans]).toEqual([]);
  expect(killReports.length).toBe(kills);
  expect(brokerRestart).toBeDefined();
  expect(losses).toEqual([]);
}, 900_000);

test("a SIGTERM mid-run commits what was processed; the restart goes on with no gap and no duplicates", async () => {
  const s = await scenario("graceful", { partitions: 2, batchSize: 10, delayMs: 50 });
  const perPartition = 300;
  await produceRange(cfg, { topic: s.topic, partitions: s.partitions, from: 0, count: perPartition });
  const end = await endOffsets(cfg, s.topic);
  const service = await startService(s);
  await linesReached(s, service, 150, 180_000);

  const stopped = Date.now();
  const report = await service.stop();
  const stopMs = Date.now() - stopped;
  expect(report.orphans).toEqual([]);
  const atStop = readDeliveries(s.recordFile);
  const committedAtStop = await committedOffsets(cfg, s.groupId, s.topic);
  note(
    `SIGTERM after ${atStop.lines} deliveries: stopped in ${stopMs} ms, committed ${JSON.stringify(asObject(committedAtStop))}`,
  );
  // Mid-run, and what was processed is exactly what was committed: offsets [0, committed) of each partition.
  expect(atStop.lines).toBeLessThan(2 * perPartition);
  for (const partition of s.partitions) {
    const committed = committedAtStop.get(partition) ?? -1;
    const delivered = deliveredOffsets(atStop, s.topic, partition);
    expect({ partition, delivered }).toEqual({
      partition,
      delivered: Array.from({ length: Math.max(0, committed) }, (_, i) => i),
    });
  }
  expect(checkDeliveries(atStop, s.topic, end).duplicates).toBe(0);

  await service.start();
  const check = await allDelivered(s, end, 180_000);
  const committed = await committedToEnd(s, end, 60_000);
  console.log(`graceful stop: ${2 * perPartition} records, stopped after ${atStop.lines}; ${summary(check)}`);
  if (check.missing.length > 0) throw new Error(`records never delivered: ${describeMissing(check)}`);
  expect(check.unexpected).toEqual([]);
  expect(check.duplicates).toBe(0);
  expect(asObject(committed)).toEqual(asObject(end));
  expect(lossReports(service)).toEqual([]);
}, 300_000);

test("a service started while the broker is down consumes everything once the broker is back", async () => {
  const s = await scenario("broker-down", { partitions: 1, batchSize: 10, delayMs: 0 });
  await produceRange(cfg, { topic: s.topic, partitions: s.partitions, from: 0, count: 100 });
  const end = await endOffsets(cfg, s.topic);
  await stopKafka(cfg); // started again by the scenario's cleanup should the test fail before it does
  const service = await startService(s);
  await service.loaded();
  await sleep(2_000);
  await startKafka(cfg, note);
  note("broker back");
  const check = await allDelivered(s, end, 120_000);
  const status = await service.status();
  const mappings = (status?.mappings ?? []).map((m) => `${m.metrics.state}: ${m.metrics.lastProcessingResult}`);
  console.log(`service started while the broker was down: ${summary(check)}; mapping ${mappings.join(", ")}`);
  if (check.missing.length > 0) {
    throw new Error(
      `records never delivered after the broker came back: ${describeMissing(check)}; mapping ${mappings.join(", ")}`,
    );
  }
  expect(asObject(await committedToEnd(s, end, 60_000))).toEqual(asObject(end));
}, 300_000);
