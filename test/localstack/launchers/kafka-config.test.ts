import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";
import {
  adminCredentials,
  clusterSizeRefusal,
  kafkaNodePaths,
  propertiesFile,
  replication,
  scramJaas,
  serverProperties,
} from "#local/launchers/kafka-config";

describe("Kafka configuration files", () => {
  test("properties values are escaped as java.util.Properties reads them", () => {
    expect(propertiesFile({ a: "x\\y", b: " lead", c: "line\nbreak", d: "é", e: 3, f: true })).toBe(
      "a=x\\\\y\nb=\\ lead\nc=line\\nbreak\nd=\\u00e9\ne=3\nf=true\n",
    );
  });

  test("the JAAS line quotes user names and passwords", () => {
    expect(scramJaas({ username: 'a"b', password: "c\\d" })).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="a\\"b" password="c\\\\d";',
    );
  });

  describe("with a state directory", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "sluice-kafka-config-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test("the admin credentials are made once, private, and kept", () => {
      const cfg = loadLocalConfig({ ...process.env, SLUICE_STATE_DIR: dir });
      const first = adminCredentials(cfg);
      expect(first.username).toBe("admin");
      expect(first.password).toMatch(/^[0-9a-f]{48}$/);
      expect(adminCredentials(cfg)).toEqual(first);
      const file = join(cfg.kafka.dataDir, "admin.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(first);
    });

    test("the broker listens for SCRAM on the configured port, its controller on loopback", () => {
      const cfg = loadLocalConfig({ ...process.env, SLUICE_STATE_DIR: dir });
      const text = serverProperties(cfg, { username: "admin", password: "secret" });
      expect(text).toContain(
        `listeners=SASL_PLAINTEXT://${cfg.kafka.host}:${cfg.kafka.port},CONTROLLER://127.0.0.1:${cfg.kafka.controllerPort}\n`,
      );
      expect(text).toContain("sasl.enabled.mechanisms=SCRAM-SHA-512\n");
      expect(text).toContain("super.users=User:admin;User:ANONYMOUS\n");
      expect(text).toContain("auto.create.topics.enable=false\n");
    });
  });
});

describe("a cluster of nodes", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sluice-kafka-cluster-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cfgOf = (brokers: string, formatted?: number) => {
    if (formatted !== undefined) {
      mkdirSync(join(dir, "kafka"), { recursive: true });
      writeFileSync(join(dir, "kafka", "cluster.json"), JSON.stringify({ brokers: formatted, clusterId: "x" }));
    }
    return loadLocalConfig({
      ...process.env,
      SLUICE_STATE_DIR: dir,
      KAFKA_PORT: "30000",
      KAFKA_CONTROLLER_PORT: "30001",
      SLUICE_KAFKA_BROKERS: brokers,
    });
  };
  const admin = { username: "admin", password: "secret" };

  test("a single broker's properties are the ones it always had: itself as the only voter, nothing replicated", () => {
    const text = serverProperties(cfgOf("1"), admin);
    for (const line of [
      "node.id=1",
      "controller.quorum.voters=1@127.0.0.1:30001",
      "listeners=SASL_PLAINTEXT://127.0.0.1:30000,CONTROLLER://127.0.0.1:30001",
      `log.dirs=${join(dir, "kafka", "data")}`,
      "default.replication.factor=1",
      "min.insync.replicas=1",
      "offsets.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
    ]) {
      expect(text).toContain(`${line}\n`);
    }
  });

  test("node 2 of 3 has its own ports and data, all three voters, three replicas and two in sync", () => {
    const text = serverProperties(cfgOf("3"), admin, 2);
    for (const line of [
      "node.id=2",
      "controller.quorum.voters=1@127.0.0.1:30001,2@127.0.0.1:30011,3@127.0.0.1:30021",
      "listeners=SASL_PLAINTEXT://127.0.0.1:30010,CONTROLLER://127.0.0.1:30011",
      "advertised.listeners=SASL_PLAINTEXT://127.0.0.1:30010",
      `log.dirs=${join(dir, "kafka", "node-2", "data")}`,
      "default.replication.factor=3",
      "min.insync.replicas=2",
      "offsets.topic.replication.factor=3",
      "transaction.state.log.replication.factor=3",
      "transaction.state.log.min.isr=2",
      "share.coordinator.state.topic.replication.factor=3",
      "share.coordinator.state.topic.min.isr=2",
    ]) {
      expect(text).toContain(`${line}\n`);
    }
  });

  test("node 1 keeps the single broker's files; node n has its own", () => {
    const cfg = cfgOf("3");
    expect(kafkaNodePaths(cfg, 1)).toMatchObject({
      serverProperties: join(dir, "kafka", "server.properties"),
      logDirs: join(dir, "kafka", "data"),
      logFile: join(dir, "logs", "kafka.log"),
      pidFile: join(dir, "run", "kafka.pid"),
      port: 30000,
      controllerPort: 30001,
    });
    expect(kafkaNodePaths(cfg, 3)).toMatchObject({
      serverProperties: join(dir, "kafka", "node-3", "server.properties"),
      logDirs: join(dir, "kafka", "node-3", "data"),
      logFile: join(dir, "logs", "kafka-3.log"),
      pidFile: join(dir, "run", "kafka-3.pid"),
      port: 30020,
      controllerPort: 30021,
    });
  });

  test("replication: one copy for one node, two for two, three with two in sync from three nodes on", () => {
    expect([1, 2, 3, 5].map((n) => replication(n))).toEqual([
      { factor: 1, minInsyncReplicas: 1 },
      { factor: 2, minInsyncReplicas: 1 },
      { factor: 3, minInsyncReplicas: 2 },
      { factor: 3, minInsyncReplicas: 2 },
    ]);
  });

  test("a size other than the formatted one is refused, saying how to start afresh", () => {
    expect(clusterSizeRefusal(cfgOf("3", 3))).toBeUndefined();
    expect(clusterSizeRefusal(cfgOf("3"))).toBeUndefined(); // nothing formatted yet
    const refusal = clusterSizeRefusal(cfgOf("1", 3));
    expect(refusal).toContain(`Kafka's data in ${join(dir, "kafka")} was formatted for 3 brokers`);
    expect(refusal).toContain("but a single broker was asked for");
    expect(refusal).toContain(`delete ${join(dir, "kafka")}`);
    expect(refusal).toContain("npm run local:reset");
  });
});
