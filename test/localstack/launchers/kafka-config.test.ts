import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";
import { adminCredentials, propertiesFile, scramJaas, serverProperties } from "#local/launchers/kafka-config";

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
