/** FilterCriteria, enabling and disabling, SASL/SCRAM from Secrets Manager, and metrics, against the real stack. */
import { CreateSecretCommand, DeleteSecretCommand } from "@aws-sdk/client-secrets-manager";
import { mappingKafkaConfigFactory } from "#local/lambda-service/esm/kafka-client";
import { unique } from "../helpers";
import {
  admin,
  cleanups,
  committed,
  createTopic,
  eventually,
  FakeFunction,
  mapping,
  poller,
  produce,
  secrets,
  sleep,
  useEsmHarness,
  values,
} from "./harness";

useEsmHarness();

describe("filtering, enabling, authentication, metrics", () => {
  test("FilterCriteria: filtered-out records are never invoked but are committed", async () => {
    const topic = await createTopic(1);
    const spec = mapping(topic, {
      maxBatchingWindowMs: 300,
      filterPatterns: [JSON.stringify({ value: { kind: ["keep"] } }), JSON.stringify({ value: [{ prefix: "hello" }] })],
    });
    await produce(topic, [
      { value: JSON.stringify({ kind: "keep", n: 1 }) },
      { value: JSON.stringify({ kind: "drop" }) },
      { value: "hello world" },
      { value: "bye" },
      { value: JSON.stringify({ kind: "drop" }) },
    ]);
    const fn = new FakeFunction();
    const p = poller(spec, fn);
    await p.start();
    await eventually("committed", async () => (await committed(spec.consumerGroupId, topic))[0] === 5);
    expect(fn.records().map((r) => r.offset)).toEqual([0, 2]);
    expect(p.metrics().filteredOutEventCount).toBe(3);
  });

  test("Enabled=false polls nothing; enabling resumes from the committed offsets", async () => {
    const topic = await createTopic(1);
    const spec = mapping(topic, { enabled: false, maxBatchingWindowMs: 100 });
    const fn = new FakeFunction();
    const p = poller(spec, fn);
    await p.start();
    expect(p.metrics().state).toBe("Disabled");
    await produce(topic, values(2, "a"));
    await sleep(1_500);
    expect(fn.calls).toHaveLength(0);
    await p.setEnabled(true);
    expect(p.metrics().state).toBe("Enabled");
    await eventually("2 records", () => fn.records().length >= 2);
    await p.setEnabled(false);
    expect(p.metrics().state).toBe("Disabled");
    await produce(topic, values(2, "b"));
    await sleep(1_500);
    expect(fn.records()).toHaveLength(2);
    await p.setEnabled(true);
    await eventually("4 records", () => fn.records().length >= 4);
    expect(fn.records().map((r) => r.value)).toEqual(["a0", "a1", "b0", "b1"]);
  });

  test("SASL/SCRAM-SHA-512 with the credentials from the mapping's Secrets Manager secret", async () => {
    const topic = await createTopic(1);
    const good = await secrets.send(
      new CreateSecretCommand({ Name: unique("esm-secret"), SecretString: JSON.stringify(admin) }),
    );
    const bad = await secrets.send(
      new CreateSecretCommand({
        Name: unique("esm-secret"),
        SecretString: JSON.stringify({ ...admin, password: "wrong" }),
      }),
    );
    cleanups.push(() =>
      secrets.send(new DeleteSecretCommand({ SecretId: good.ARN, ForceDeleteWithoutRecovery: true })),
    );
    cleanups.push(() => secrets.send(new DeleteSecretCommand({ SecretId: bad.ARN, ForceDeleteWithoutRecovery: true })));
    await produce(topic, values(1));

    const spec = mapping(topic, { scramSecretArn: good.ARN, maxBatchingWindowMs: 100 });
    const fn = new FakeFunction();
    await poller(spec, fn, { kafka: mappingKafkaConfigFactory(spec, { secretsManager: secrets }) }).start();
    await eventually("the record", () => fn.records().length >= 1);

    const badSpec = mapping(topic, { scramSecretArn: bad.ARN });
    const refused = poller(badSpec, new FakeFunction(), {
      kafka: mappingKafkaConfigFactory(badSpec, { secretsManager: secrets }),
    });
    await expect(refused.start()).rejects.toThrow(/cannot start polling/);
    expect(refused.metrics()).toMatchObject({
      state: "Disabled",
      lastProcessingResult: expect.stringMatching(/^PROBLEM: /),
    });
  });

  test("metrics: counts and OffsetLag per partition", async () => {
    const topic = await createTopic(2);
    const spec = mapping(topic, { maxBatchingWindowMs: 100 });
    const fn = new FakeFunction();
    const p = poller(spec, fn);
    await p.start();
    await produce(topic, [
      ...values(3).map((m) => ({ ...m, partition: 0 })),
      ...values(1).map((m) => ({ ...m, partition: 1 })),
    ]);
    await eventually("lag 0", () => {
      const m = p.metrics();
      return m.offsetLag[`${topic}-0`] === 0 && m.offsetLag[`${topic}-1`] === 0 && m;
    });
    expect(p.metrics()).toMatchObject({
      state: "Enabled",
      lastProcessingResult: "OK",
      polledEventCount: 4,
      invokedEventCount: 4,
      errors: 0,
      partitions: { [`${topic}-0`]: { committedOffset: 3, highWatermark: 3 }, [`${topic}-1`]: { committedOffset: 1 } },
    });
  });
});
