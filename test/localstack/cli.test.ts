/**
 * The Kafka lines of `sluice status`: a single broker's as they always were; a cluster's node by node and
 * partition by partition, the under-replicated ones flagged.
 */

import { kafkaStatusLines } from "#local/cli";
import { loadLocalConfig } from "#local/config";

const cfgOf = (brokers: string) =>
  loadLocalConfig({
    HOME: process.env.HOME,
    SLUICE_ROOT: process.cwd(),
    SLUICE_STATE_DIR: "/nonexistent/sluice-state",
    KAFKA_PORT: "30000",
    KAFKA_CONTROLLER_PORT: "30001",
    SLUICE_KAFKA_BROKERS: brokers,
  });

it("prints a single broker as before", () => {
  const lines = kafkaStatusLines(cfgOf("1"), {
    running: true,
    pid: 42,
    brokers: 1,
    topics: ["a", "b"],
    nodes: [{ nodeId: 1, port: 30000, pid: 42, running: true }],
    partitions: [{ topic: "a", partition: 0, leader: 1, replicas: [1], isr: [1], underReplicated: false }],
  });
  expect(lines).toEqual(["Kafka       running (pid 42) at 127.0.0.1:30000", "            topics: a, b"]);
});

it("prints each node and each partition of a cluster, flagging a node down and under-replicated partitions", () => {
  const lines = kafkaStatusLines(cfgOf("3"), {
    running: true,
    pid: 41,
    brokers: 2,
    topics: ["a"],
    nodes: [
      { nodeId: 1, port: 30000, pid: 41, running: true },
      { nodeId: 2, port: 30010, running: false },
      { nodeId: 3, port: 30020, pid: 43, running: true },
    ],
    partitions: [
      { topic: "a", partition: 0, leader: 3, replicas: [1, 2, 3], isr: [1, 3], underReplicated: true },
      { topic: "a", partition: 1, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], underReplicated: false },
    ],
  });
  expect(lines).toEqual([
    "Kafka       2 of 3 nodes running; 2 broker(s) registered at 127.0.0.1:30000,127.0.0.1:30010,127.0.0.1:30020",
    "  node 1    127.0.0.1:30000  up (pid 41)",
    "  node 2    127.0.0.1:30010  DOWN",
    "  node 3    127.0.0.1:30020  up (pid 43)",
    "            topics: a",
    "            partitions: 2, under-replicated: 1",
    "  partition a-0: leader 3, replicas 1,2,3, isr 1,3   << UNDER-REPLICATED (2 of 3 in sync)",
    "  partition a-1: leader 1, replicas 1,2,3, isr 1,2,3",
  ]);
});
