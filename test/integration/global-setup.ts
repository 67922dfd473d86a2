/**
 * Starts the real local stack (Kafka + LocalStack) and deploys the app to it, unless it already runs.
 * Teardown stops only what this setup started, so a developer's running stack survives `npm test`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";
import { deploy, status, up } from "#local/stack";

export default async function globalSetup(): Promise<void> {
  const cfg = loadLocalConfig();
  const log = (m: string): void => {
    process.stderr.write(`[setup] ${m}\n`);
  };
  const before = await status(cfg);
  const started = !(before.localstack.running && before.kafka.running && before.lambda);
  await up(cfg, log);
  mkdirSync(cfg.runDir, { recursive: true });
  writeFileSync(join(cfg.runDir, "tests-started-stack"), started ? "yes\n" : "no\n");
  await deploy(cfg, log);
}
