/** Starting positions and offsets against real consumer groups: nothing skipped, nothing lost across stops and rebalances. */
import { unique } from "../helpers";
import {
  committed,
  createTopic,
  eventually,
  FakeFunction,
  kafkaAdmin,
  mapping,
  poller,
  produce,
  sleep,
  useEsmHarness,
  values,
} from "./harness";

useEsmHarness();

describe("starting position and offsets", () => {
  test("TRIM_HORIZON reads what the topic already holds", async () => {
    const topic = await createTopic(2);
    await produce(topic, [
      ...values(3).map((m) => ({ ...m, partition: 0 })),
      ...values(2).map((m) => ({ ...m, partition: 1 })),
    ]);
    const fn = new FakeFunction();
    await poller(mapping(topic), fn).start();
    await eventually("5 records", () => fn.records().length >= 5);
    expect(fn.offsets(0)).toEqual([0, 1, 2]);
    expect(fn.offsets(1)).toEqual([0, 1]);
  });

  test("LATEST reads only what is produced after start(), even across a restart before the first record", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(5, "old"));
    const spec = mapping(topic, { startingPosition: "LATEST" });
    const first = poller(spec, new FakeFunction());
    await first.start();
    await first.stop(); // nothing read yet: the position resolved at start() must stick
    await produce(topic, values(3, "new"));
    const fn = new FakeFunction();
    await poller(spec, fn).start();
    await eventually("3 records", () => fn.records().length >= 3);
    await sleep(1_000);
    expect(fn.records().map((r) => r.value)).toEqual(["new0", "new1", "new2"]);
  });

  test("AT_TIMESTAMP starts at the first record at or after the timestamp", async () => {
    const topic = await createTopic(1);
    const now = Date.now();
    await produce(
      topic,
      values(3, "before").map((m, i) => ({ ...m, timestamp: String(now - 600_000 + i) })),
    );
    await produce(
      topic,
      values(2, "after").map((m, i) => ({ ...m, timestamp: String(now - 10_000 + i) })),
    );
    const fn = new FakeFunction();
    const spec = mapping(topic, {
      startingPosition: "AT_TIMESTAMP",
      startingPositionTimestamp: Math.floor((now - 60_000) / 1000),
    });
    await poller(spec, fn).start();
    await eventually("2 records", () => fn.records().length >= 2);
    await sleep(500);
    expect(fn.records().map((r) => r.value)).toEqual(["after0", "after1"]);
  });

  test("an existing group's committed offsets win over the starting position", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(4, "a"));
    const groupId = unique("esm-group");
    const first = new FakeFunction();
    const p1 = poller(mapping(topic, { consumerGroupId: groupId }), first);
    await p1.start();
    await eventually("4 records", () => first.records().length >= 4);
    await p1.stop();
    await produce(topic, values(2, "b"));
    // TRIM_HORIZON would start at offset 0: the group's committed offset (4) wins.
    const second = new FakeFunction();
    await poller(mapping(topic, { consumerGroupId: groupId }), second).start();
    await eventually("2 records", () => second.records().length >= 2);
    await sleep(500);
    expect(second.records().map((r) => r.value)).toEqual(["b0", "b1"]);
  });

  test("offsets are committed only after success: stop mid-way, restart, nothing skipped", async () => {
    const topic = await createTopic(1);
    await produce(topic, values(40));
    const groupId = unique("esm-group");
    const spec = mapping(topic, { consumerGroupId: groupId, batchSize: 5, maxBatchingWindowMs: 0 });
    const first = new FakeFunction(() => undefined, 150);
    const p1 = poller(spec, first);
    await p1.start();
    await eventually("3 calls", () => first.calls.length >= 3);
    await p1.stop(); // graceful: the batch in flight finishes and is committed
    const doneByFirst = first.offsets();
    const lastDone = Math.max(...doneByFirst);
    expect((await committed(groupId, topic))[0]).toBe(lastDone + 1);

    const second = new FakeFunction();
    await poller(spec, second).start();
    await eventually("the rest", () => second.records().length >= 40 - doneByFirst.length);
    expect(second.offsets()[0]).toBe(lastDone + 1);
    expect([...new Set([...doneByFirst, ...second.offsets()])].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  test("a rebalance between two pollers of one group loses and skips nothing", async () => {
    const topic = await createTopic(4);
    const groupId = unique("esm-group");
    const spec = mapping(topic, { consumerGroupId: groupId, batchSize: 10, maxBatchingWindowMs: 50 });
    const a = new FakeFunction(() => undefined, 20);
    const b = new FakeFunction(() => undefined, 20);
    const pa = poller(spec, a);
    await pa.start();
    const produced: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) produced.push(produce(topic, values(20, `r${i}-`)));
    await Promise.all(produced);
    await poller(spec, b).start(); // joins: the group rebalances
    await sleep(500);
    await pa.stop(); // leaves: rebalances again
    const seen = (): Set<string> => new Set([...a.records(), ...b.records()].map((r) => `${r.partition}:${r.offset}`));
    const total = (await kafkaAdmin().fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    expect(total).toBe(200);
    await eventually("every record", () => seen().size >= 200);
    await eventually("offsets committed", async () => {
      const offsets = await committed(groupId, topic);
      const sum = Object.values(offsets).reduce((s, o) => s + Math.max(0, o), 0);
      return sum === 200;
    });
  });
});
