/** The event the poller sends, read back from a real topic: AWS's shape byte for byte, Powertools-compatible. */
import { randomBytes } from "node:crypto";
import { kafkaConsumer } from "@aws-lambda-powertools/kafka";
import type { MSKEvent } from "@aws-lambda-powertools/kafka/types";
import { KafkaSelfManagedEventSchema } from "@aws-lambda-powertools/parser/schemas/kafka";
import { cfg } from "../helpers";
import {
  createTopic,
  eventually,
  FakeFunction,
  lambdaContext,
  mapping,
  poller,
  produce,
  useEsmHarness,
} from "./harness";

useEsmHarness();

describe("event", () => {
  test("matches the Powertools KafkaSelfManagedEventSchema and carries keys, values and headers byte for byte", async () => {
    const topic = await createTopic(1);
    const binary = randomBytes(64);
    await produce(topic, [
      {
        key: "k1",
        value: JSON.stringify({ name: "Ada" }),
        headers: { "content-type": "application/json", trace: "abc" },
      },
      { key: null, value: binary },
      { key: Buffer.from([0, 1, 2, 255]), value: "plain text", headers: { accent: "é", dup: ["a", "b"] } },
      { key: "tomb", value: null },
    ]);
    const fn = new FakeFunction();
    const spec = mapping(topic, { batchSize: 10, maxBatchingWindowMs: 300 });
    await poller(spec, fn).start();
    await eventually("4 records", () => fn.records().length >= 4);

    const events = fn.calls.map((c) => c.event);
    const all = events.flatMap((e) => e.records[`${topic}-0`] ?? []);
    expect(all.map((r) => r.offset)).toEqual([0, 1, 2, 3]);
    for (const event of events) {
      expect(Object.keys(event)).toEqual(["eventSource", "bootstrapServers", "records"]);
      expect(event.eventSource).toBe("SelfManagedKafka");
      expect(event.bootstrapServers).toBe(cfg.kafka.bootstrapServers);
    }
    const [r0, r1, r2, r3] = all;
    expect(Object.keys(r0 ?? {})).toEqual([
      "topic",
      "partition",
      "offset",
      "timestamp",
      "timestampType",
      "key",
      "value",
      "headers",
    ]);
    expect(r0).toMatchObject({ topic, partition: 0, offset: 0, timestampType: "CREATE_TIME" });
    expect(typeof r0?.timestamp).toBe("number");
    expect(Math.abs(Date.now() - (r0?.timestamp ?? 0))).toBeLessThan(120_000);
    expect(Buffer.from(r0?.key ?? "", "base64").toString()).toBe("k1");
    expect(r0?.headers).toEqual([{ "content-type": [...Buffer.from("application/json")] }, { trace: [97, 98, 99] }]);
    // null key: no key field at all; binary value intact.
    expect(r1 && "key" in r1).toBe(false);
    expect(Buffer.from(r1?.value ?? "", "base64")).toEqual(binary);
    expect(r1?.headers).toEqual([]);
    expect(Buffer.from(r2?.key ?? "", "base64")).toEqual(Buffer.from([0, 1, 2, 255]));
    // Header bytes are Java's signed bytes; repeated names stay separate entries.
    expect(r2?.headers).toEqual([{ accent: [-61, -87] }, { dup: [97] }, { dup: [98] }]);
    // A tombstone has no value field.
    expect(r3 && "value" in r3).toBe(false);

    // The Powertools schema accepts the events of the ASCII-header records (its header transform cannot
    // take negative bytes, which AWS sends for non-ASCII header values).
    const asciiOnly = { ...events[0], records: { [`${topic}-0`]: [r0, r1] } };
    const parsed = KafkaSelfManagedEventSchema.parse(asciiOnly);
    expect(parsed.bootstrapServers).toEqual([...cfg.kafka.brokerList]);
    expect(parsed.records[`${topic}-0`]?.[0]).toMatchObject({
      key: "k1",
      value: JSON.stringify({ name: "Ada" }),
      headers: [{ "content-type": "application/json" }, { trace: "abc" }],
    });

    // The Powertools Kafka consumer decodes every record, the signed header bytes and the tombstone included.
    const seen: unknown[] = [];
    const handler = kafkaConsumer<string, unknown>(async (event) => {
      for (const record of event.records) seen.push({ key: record.key, value: record.value, headers: record.headers });
    });
    for (const event of events) await handler(event as unknown as MSKEvent, lambdaContext);
    expect(seen[0]).toEqual({
      key: "k1",
      value: JSON.stringify({ name: "Ada" }),
      headers: [{ "content-type": "application/json" }, { trace: "abc" }],
    });
    expect(seen[2]).toMatchObject({ value: "plain text", headers: [{ accent: "é" }, { dup: "a" }, { dup: "b" }] });
    expect(seen[3]).toMatchObject({ value: undefined });
  });

  test("a topic with LogAppendTime reports LOG_APPEND_TIME", async () => {
    const topic = await createTopic(1, [{ name: "message.timestamp.type", value: "LogAppendTime" }]);
    await produce(topic, [{ value: "x", timestamp: "1000" }]);
    const fn = new FakeFunction();
    await poller(mapping(topic), fn).start();
    const [record] = await eventually(
      "the record",
      () => fn.records().length > 0 && (fn.calls[0]?.event.records[`${topic}-0`] ?? []),
    );
    expect(record?.timestampType).toBe("LOG_APPEND_TIME");
    expect(record?.timestamp).toBeGreaterThan(1000);
  });
});
