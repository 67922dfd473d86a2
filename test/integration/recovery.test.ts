/**
 * Fast recovery of a Kafka mapping's partitions, against the main stack's broker and a test Lambda service:
 * an invocation longer than the consumer's group session (SLUICE_KAFKA_SESSION_TIMEOUT_MS, 6 s by default)
 * does not cost the live consumer its partitions (heartbeats do not wait for the function), and after a
 * SIGKILL the restarted service is the group's only member, holding every partition, with no record lost.
 * How fast the partitions come back is measured by `npm run bench -- --part recovery`, not asserted here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { adminCredentials } from "#local/launchers/kafka";
import { ensureTopics } from "#local/launchers/kafka-admin";
import { awsClients } from "#local/support/aws";
import { createKafkaSecret } from "#local/support/kafka-secret";
import { cfg, unique } from "./helpers";
import { checkDeliveries, readDeliveries } from "./support/deliveries";
import { committedOffsets, deleteGroup, deleteTopic, describeGroup, endOffsets, produceRange } from "./support/kafka";
import { writeRecorderAssembly } from "./support/recorder-assembly";
import { removeFunctionLogs, startTestService } from "./support/service";

const PARTITIONS = [0, 1];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const run of cleanups.splice(0).reverse()) await run().catch(() => undefined);
});

/** Waits until the group's committed offsets are the topic's end offsets; returns them. */
async function committedToEnd(topic: string, groupId: string, timeoutMs: number): Promise<Map<number, number>> {
  const ends = await endOffsets(cfg, topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await committedOffsets(cfg, groupId, topic);
    if ([...ends].every(([partition, end]) => committed.get(partition) === end)) return ends;
    if (Date.now() > deadline) {
      throw new Error(
        `group ${groupId} committed ${JSON.stringify([...committed])}, not the ends ${JSON.stringify([...ends])}`,
      );
    }
    await sleep(250);
  }
}

const assignedLines = (log: string): number =>
  log.split("\n").filter((l) => l.includes('"partitions assigned"')).length;

test("a slow invocation keeps the group session; after a SIGKILL the restarted service alone holds every partition", async () => {
  const sessionMs = cfg.lambdaService.kafkaSessionTimeoutMs;
  const work = mkdtempSync(join(tmpdir(), "sluice-recovery-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const topic = unique("recovery");
  const groupId = unique("recovery-group");
  await ensureTopics(cfg, [{ name: topic, partitions: PARTITIONS.length }]);
  cleanups.push(async () => {
    await deleteTopic(cfg, topic);
    await deleteGroup(cfg, groupId).catch(() => undefined);
  });
  const secret = await createKafkaSecret(awsClients(cfg).secrets, unique("recovery-kafka"), adminCredentials(cfg));
  cleanups.push(() => secret.remove());
  const functionName = unique("recovery-recorder");
  cleanups.push(() => removeFunctionLogs(cfg, functionName));
  const recordFile = join(work, "delivered.log");
  const assembly = writeRecorderAssembly(cfg, join(work, "cdk.out"), {
    stackName: unique("sluice-recovery"),
    functionName,
    recordFile,
    // Each invocation outlasts the group session by 2 s: only heartbeats sent meanwhile keep the member.
    delayMs: sessionMs + 2_000,
    timeoutSeconds: 60,
    topic,
    secretArn: secret.arn,
    batchSize: 10,
    consumerGroupId: groupId,
  });
  const service = await startTestService({ assemblyDir: assembly.dir, base: cfg, stateDir: join(work, "service") });
  cleanups.push(() => service.dispose());
  await service.loaded();

  const first = await describeGroup(cfg, groupId);
  expect(first.members).toHaveLength(1);
  const firstMember = first.members[0]?.memberId;

  await produceRange(cfg, { topic, partitions: PARTITIONS, from: 0, count: 1 });
  await committedToEnd(topic, groupId, 60_000);
  const afterSlow = await describeGroup(cfg, groupId);
  // The same member, never rebalanced: the slow batch did not end its session.
  expect(afterSlow).toEqual({
    state: "Stable",
    members: [{ memberId: firstMember, assignment: { [topic]: PARTITIONS } }],
  });
  expect(assignedLines(service.logText())).toBe(1);

  await service.kill();
  await service.start();
  await service.loaded();
  await produceRange(cfg, { topic, partitions: PARTITIONS, from: 1, count: 1 });
  const ends = await committedToEnd(topic, groupId, 120_000);

  const after = await describeGroup(cfg, groupId);
  expect(after.state).toBe("Stable");
  expect(after.members).toHaveLength(1);
  expect(after.members[0]?.memberId).not.toBe(firstMember);
  expect(after.members[0]?.assignment).toEqual({ [topic]: PARTITIONS });
  const check = checkDeliveries(readDeliveries(recordFile), topic, ends);
  expect({ missing: check.missing, unexpected: check.unexpected }).toEqual({ missing: [], unexpected: [] });
}, 240_000);
