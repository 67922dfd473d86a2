/**
 * LocalStack stops answering while a Kafka mapping's batches fail because of it: the batches are not held against
 * the function (MaximumRetryAttempts 0 here, so one counted failure would drop them) but wait until LocalStack
 * answers and are then delivered, every record once, and the group commits past them. A test Lambda service on the
 * main stack's Kafka and LocalStack, which this test stops (gracefully, its state kept) and starts again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { adminCredentials } from "#local/launchers/kafka";
import { ensureTopics } from "#local/launchers/kafka-admin";
import { startLocalStack, stopLocalStack } from "#local/launchers/localstack-host";
import { awsClients } from "#local/support/aws";
import { createKafkaSecret } from "#local/support/kafka-secret";
import { waitFor } from "#local/support/proc";
import { cfg, unique } from "./helpers";
import { checkDeliveries, readDeliveries } from "./support/deliveries";
import { committedOffsets, deleteGroup, deleteTopic, endOffsets, produceRange } from "./support/kafka";
import { removeFunctionLogs, startTestService } from "./support/service";

const FIXTURE = join(__dirname, "fixtures", "upstream-recorder");
const PARTITIONS = [0, 1];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const run of cleanups.splice(0).reverse()) await run().catch(() => undefined);
});

test("batches failing while LocalStack is down wait for it without spending MaximumRetryAttempts, then every record is delivered once", async () => {
  const work = mkdtempSync(join(tmpdir(), "sluice-outage-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const topic = unique("outage");
  const groupId = unique("outage-group");
  await ensureTopics(cfg, [{ name: topic, partitions: PARTITIONS.length }]);
  cleanups.push(async () => {
    await deleteTopic(cfg, topic);
    await deleteGroup(cfg, groupId).catch(() => undefined);
  });
  const secret = await createKafkaSecret(awsClients(cfg).secrets, unique("outage-kafka"), adminCredentials(cfg));
  cleanups.push(() => secret.remove());
  const functionName = unique("outage-recorder");
  cleanups.push(() => removeFunctionLogs(cfg, functionName));
  const recordFile = join(work, "delivered.log");
  const assembly = writeSyntheticAssembly(join(work, "cdk.out"), {
    stackName: unique("sluice-outage"),
    functions: [{ logicalId: "Recorder", functionName, codeDir: FIXTURE, environment: { RECORD_FILE: recordFile } }],
    mappings: [
      {
        logicalId: "RecorderMapping",
        functionLogicalId: "Recorder",
        topic,
        bootstrapServers: [...cfg.kafka.brokerList],
        secretArn: secret.arn,
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        consumerGroupId: groupId,
        extraProperties: { MaximumRetryAttempts: 0 },
      },
    ],
  });
  const service = await startTestService({ assemblyDir: assembly.dir, base: cfg, stateDir: join(work, "service") });
  cleanups.push(() => service.dispose());
  await service.loaded();
  // LocalStack comes back whatever happens to the test.
  cleanups.push(() => startLocalStack(cfg, () => undefined));

  await produceRange(cfg, { topic, partitions: PARTITIONS, from: 0, count: 2 });
  await waitFor("the first records delivered", async () => readDeliveries(recordFile).lines >= 4 || undefined);

  expect(await stopLocalStack(cfg)).toBe(true);
  await produceRange(cfg, { topic, partitions: PARTITIONS, from: 2, count: 3 });
  const failed = await waitFor("a batch failing during the outage", async () => {
    const m = (await service.status())?.mappings[0]?.metrics;
    return m !== undefined && m.errors > 0 ? m : undefined;
  });
  expect(readDeliveries(recordFile).lines).toBe(4); // nothing of the outage delivered yet
  await sleep(2_000); // more failed attempts would have been spent meanwhile, were they counted
  await startLocalStack(cfg, () => undefined);

  const ends = await endOffsets(cfg, topic);
  await waitFor(
    "the group committed to the end",
    async () => {
      const committed = await committedOffsets(cfg, groupId, topic);
      return [...ends].every(([p, end]) => committed.get(p) === end) || undefined;
    },
    { timeoutMs: 120_000 },
  );
  const check = checkDeliveries(readDeliveries(recordFile), topic, ends);
  expect({ missing: check.missing, unexpected: check.unexpected, duplicates: check.duplicates }).toEqual({
    missing: [],
    unexpected: [],
    duplicates: 0,
  });
  const after = (await service.status())?.mappings[0]?.metrics;
  expect(failed.errors).toBeGreaterThan(0);
  expect(after).toMatchObject({ droppedEventCount: 0, onFailureDestinationDeliveredEventCount: 0 });
  const log = service.logText();
  expect(log).toContain("LocalStack does not answer; Kafka batches that fail meanwhile wait for it");
  expect(log).toContain("batch failed while LocalStack did not answer; retried once it answers, not counted");
  expect(log).toContain("LocalStack answers again");
}, 240_000);
