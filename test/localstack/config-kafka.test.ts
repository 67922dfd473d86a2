/**
 * The Kafka cluster size in the configuration: 1 by default, SLUICE_KAFKA_BROKERS (or --brokers) when given,
 * else the size the data was formatted with; each node's ports one stride of 10 above the last; bad values
 * refused by name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "sluice-config-kafka-"));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  HOME: process.env.HOME,
  SLUICE_ROOT: process.cwd(),
  SLUICE_STATE_DIR: stateDir,
  KAFKA_PORT: "30000",
  KAFKA_CONTROLLER_PORT: "30001",
  ...extra,
});

it("is a single broker on the base port by default, as it always was", () => {
  const kafka = loadLocalConfig(env()).kafka;
  expect(kafka.brokers).toBe(1);
  expect(kafka.formattedBrokers).toBeUndefined();
  expect(kafka.brokerList).toEqual(["127.0.0.1:30000"]);
  expect(kafka.bootstrapServers).toBe("127.0.0.1:30000");
});

it("lists three nodes ten ports apart, node 1 on the base port", () => {
  const kafka = loadLocalConfig(env({ SLUICE_KAFKA_BROKERS: "3" })).kafka;
  expect(kafka.brokers).toBe(3);
  expect(kafka.brokerList).toEqual(["127.0.0.1:30000", "127.0.0.1:30010", "127.0.0.1:30020"]);
  expect(kafka.bootstrapServers).toBe("127.0.0.1:30000,127.0.0.1:30010,127.0.0.1:30020");
});

it("uses the size the data was formatted with when none is asked for", () => {
  mkdirSync(join(stateDir, "kafka"), { recursive: true });
  writeFileSync(join(stateDir, "kafka", "cluster.json"), '{"brokers":3,"clusterId":"x"}');
  const kafka = loadLocalConfig(env()).kafka;
  expect(kafka).toMatchObject({ brokers: 3, formattedBrokers: 3 });
  // Asked for explicitly, the request is what the config holds (the launcher refuses the mismatch).
  expect(loadLocalConfig(env({ SLUICE_KAFKA_BROKERS: "1" })).kafka).toMatchObject({ brokers: 1, formattedBrokers: 3 });
});

it("takes data formatted before the size was recorded for a single broker", () => {
  mkdirSync(join(stateDir, "kafka", "data"), { recursive: true });
  writeFileSync(join(stateDir, "kafka", "data", "meta.properties"), "cluster.id=abc\nnode.id=1\n");
  expect(loadLocalConfig(env()).kafka).toMatchObject({ brokers: 1, formattedBrokers: 1 });
});

it.each(["0", "6", "2.5", "three"])("refuses SLUICE_KAFKA_BROKERS=%s by name", (value) => {
  expect(() => loadLocalConfig(env({ SLUICE_KAFKA_BROKERS: value }))).toThrow(
    `SLUICE_KAFKA_BROKERS (or --brokers) must be a whole number of Kafka nodes from 1 to 5, got "${value}"`,
  );
});

it("refuses a cluster.json it cannot read, naming the file", () => {
  mkdirSync(join(stateDir, "kafka"), { recursive: true });
  writeFileSync(join(stateDir, "kafka", "cluster.json"), "{not json");
  expect(() => loadLocalConfig(env())).toThrow(`${join(stateDir, "kafka", "cluster.json")} is not JSON`);
});

it("refuses base ports whose node ports collide or leave the port range", () => {
  expect(() =>
    loadLocalConfig(env({ SLUICE_KAFKA_BROKERS: "3", KAFKA_PORT: "30000", KAFKA_CONTROLLER_PORT: "30020" })),
  ).toThrow(/KAFKA_CONTROLLER_PORT=30020 collides with KAFKA_PORT=30000 for 3 Kafka nodes/);
  expect(() =>
    loadLocalConfig(env({ SLUICE_KAFKA_BROKERS: "3", KAFKA_PORT: "65520", KAFKA_CONTROLLER_PORT: "30001" })),
  ).toThrow(/node 3 would listen above 65535/);
  // One node uses the base ports only.
  expect(loadLocalConfig(env({ KAFKA_PORT: "65535", KAFKA_CONTROLLER_PORT: "30001" })).kafka.brokerList).toEqual([
    "127.0.0.1:65535",
  ]);
});
