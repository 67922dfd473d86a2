import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";
import { down } from "#local/stack";

export default async function globalTeardown(): Promise<void> {
  const cfg = loadLocalConfig();
  const marker = join(cfg.runDir, "tests-started-stack");
  const startedByTests = existsSync(marker) && readFileSync(marker, "utf8").trim() === "yes";
  rmSync(marker, { force: true });
  if (startedByTests && process.env.SLUICE_KEEP_STACK !== "1") {
    await down(cfg, (m) => process.stderr.write(`[teardown] ${m}\n`));
  }
}
