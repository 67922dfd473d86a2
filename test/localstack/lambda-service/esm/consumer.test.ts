/**
 * The kafkajs side, against recording fakes: the configuration, the starting positions AWS defines
 * (TRIM_HORIZON, LATEST, AT_TIMESTAMP; a group's committed offsets win), joining the group and the
 * group session a consumer asks for.
 */
import type { Consumer, Kafka } from "kafkajs";
import { logLevel } from "kafkajs";
import { createConsumer, joinGroup, resolveKafkaConfig, startOffsets } from "#local/lambda-service/esm/consumer";

describe("resolveKafkaConfig", () => {
  test("reads a config factory, defaults the level to WARN and logs through the poller", async () => {
    const config = await resolveKafkaConfig(
      async () => ({ brokers: ["b:9092"], clientId: "c" }),
      () => undefined,
      "u",
    );
    expect(config).toMatchObject({ brokers: ["b:9092"], clientId: "c", logLevel: logLevel.WARN });
    expect(typeof config.logCreator).toBe("function");
  });

  test("keeps an explicit level", async () => {
    const config = await resolveKafkaConfig({ brokers: ["b:9092"], logLevel: logLevel.NOTHING }, () => undefined, "u");
    expect(config.logLevel).toBe(logLevel.NOTHING);
  });
});

describe("startOffsets", () => {
  /** Partition 0 of topic t has a committed offset (12); partition 1 has none (-1). */
  function fakeKafka() {
    const asked: unknown[] = [];
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchOffsets: async () => [
        {
          topic: "t",
          partitions: [
            { partition: 0, offset: "12" },
            { partition: 1, offset: "-1" },
          ],
        },
      ],
      fetchTopicOffsets: async (topic: string) => {
        asked.push(["latest", topic]);
        return [
          { partition: 0, offset: "50" },
          { partition: 1, offset: "30" },
        ];
      },
      fetchTopicOffsetsByTimestamp: async (topic: string, timestamp: number) => {
        asked.push(["timestamp", topic, timestamp]);
        return [
          { partition: 0, offset: "20" },
          { partition: 1, offset: "7" },
        ];
      },
    };
    return { kafka: { admin: () => admin } as unknown as Kafka, asked };
  }
  const spec = { consumerGroupId: "g", topics: ["t"] };

  test("TRIM_HORIZON pins nothing and asks nothing", async () => {
    const { kafka, asked } = fakeKafka();
    expect(await startOffsets(kafka, { ...spec, startingPosition: "TRIM_HORIZON" })).toEqual(new Map());
    expect(asked).toEqual([]);
  });

  test("LATEST pins the end of the partitions without a committed offset", async () => {
    const { kafka } = fakeKafka();
    expect(await startOffsets(kafka, { ...spec, startingPosition: "LATEST" })).toEqual(new Map([["t-1", 30]]));
  });

  test("AT_TIMESTAMP looks the offsets up by the timestamp in milliseconds", async () => {
    const { kafka, asked } = fakeKafka();
    const pinned = await startOffsets(kafka, {
      ...spec,
      startingPosition: "AT_TIMESTAMP",
      startingPositionTimestamp: 1_700_000_000,
    });
    expect(pinned).toEqual(new Map([["t-1", 7]]));
    expect(asked).toEqual([["timestamp", "t", 1_700_000_000_000]]);
  });
});

describe("joinGroup", () => {
  function fakeConsumer(behaviour: "join" | "crash") {
    const listeners = new Map<string, (event: { payload: Record<string, unknown> }) => void>();
    const steps: string[] = [];
    const consumer = {
      events: { GROUP_JOIN: "join", CRASH: "crash" },
      on: (name: string, listener: (event: { payload: Record<string, unknown> }) => void) => {
        listeners.set(name, listener);
      },
      connect: async () => steps.push("connect"),
      subscribe: async (options: unknown) => steps.push(`subscribe ${JSON.stringify(options)}`),
      run: async (options: { autoCommit: boolean }) => {
        steps.push(`run autoCommit=${options.autoCommit}`);
        if (behaviour === "join") listeners.get("join")?.({ payload: { memberAssignment: { t: [0] } } });
        else listeners.get("crash")?.({ payload: { error: new Error("SASL refused"), restart: false } });
      },
    };
    return { consumer: consumer as unknown as Consumer, steps };
  }
  const spec = { consumerGroupId: "g", topics: ["t"], startingPosition: "TRIM_HORIZON" as const };

  test("connects, subscribes, runs without auto-commit and resolves on the group join", async () => {
    const { consumer, steps } = fakeConsumer("join");
    const seen: unknown[] = [];
    await joinGroup(consumer, spec, {
      subscribed: () => seen.push("subscribed"),
      joined: (assignment) => seen.push(assignment),
      batch: () => undefined,
      crashed: () => seen.push("crashed"),
    });
    expect(steps).toEqual(["connect", 'subscribe {"topics":["t"],"fromBeginning":true}', "run autoCommit=false"]);
    expect(seen).toEqual(["subscribed", { t: [0] }]);
  });

  test("a crash before the join rejects, after telling the poller", async () => {
    const { consumer } = fakeConsumer("crash");
    const seen: unknown[] = [];
    await expect(
      joinGroup(consumer, spec, {
        subscribed: () => undefined,
        joined: () => seen.push("joined"),
        batch: () => undefined,
        crashed: (error, restart) => seen.push([error.message, restart]),
      }),
    ).rejects.toThrow("SASL refused");
    expect(seen).toEqual([["SASL refused", false]]);
  });
});

describe("createConsumer", () => {
  function optionsOf(sessionTimeoutMs?: number): Record<string, unknown> {
    let seen: Record<string, unknown> = {};
    const kafka = {
      consumer: (options: Record<string, unknown>) => {
        seen = options;
        return {};
      },
    } as unknown as Kafka;
    createConsumer(kafka, "g", sessionTimeoutMs);
    return seen;
  }

  test("a session timeout heartbeats every third of it", () => {
    expect(optionsOf(6_000)).toMatchObject({ groupId: "g", sessionTimeout: 6_000, heartbeatInterval: 2_000 });
    expect(optionsOf(10_000)).toMatchObject({ sessionTimeout: 10_000, heartbeatInterval: 3_333 });
  });

  test("without one, kafkajs's own session and heartbeat apply", () => {
    const options = optionsOf();
    expect(options.groupId).toBe("g");
    expect(options).not.toHaveProperty("sessionTimeout");
    expect(options).not.toHaveProperty("heartbeatInterval");
  });
});
