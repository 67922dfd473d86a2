/**
 * `npm run bench -- --part restart`: what keeping LocalStack's state costs. Each repetition runs `down` and `up`
 * (the functions `local:down` and `local:up` run) on the running, deployed stack and reports how long each took,
 * how long LocalStack's save on shutdown and its restore took (from the reports its entry point writes), and the size
 * of the saved state. Run it after `npm start` (or `npx tsx localstack/cli.ts start --pipeline analytics`) to
 * measure with data. A measurement, not a test: nothing here asserts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadLocalConfig } from "#local/config";
import {
  formatBytes,
  localStackStatePaths,
  readRestoreReport,
  readSaveReport,
  sizeOf,
} from "#local/launchers/localstack-state";
import { down, up } from "#local/stack";
import { readPid } from "#local/support/proc";
import { repetitionOptions } from "./options";

const HELP = `Usage: npm run bench -- --part restart [options]

  --repetitions N   down + up cycles (default 3)
  --out FILE        also write the results as JSON
`;

interface Row {
  readonly downSeconds: number;
  readonly shutdownSaveSeconds: number;
  readonly upSeconds: number;
  readonly restoreSeconds: number;
  readonly snapshotBytes: number;
  readonly localStackDataBytes: number;
  readonly kafkaBytes: number;
}

/** The seconds a restore report says each service took ("… in 0.12 s"), summed. */
function restoreSeconds(restored: Record<string, string>): number {
  return Object.values(restored).reduce((sum, said) => sum + Number(/ in ([0-9.]+) s$/.exec(said)?.[1] ?? 0), 0);
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const options = repetitionOptions(argv, HELP, 3);
  if (!options) return;
  const { repetitions } = options;
  const cfg = loadLocalConfig();
  const quiet = (): void => undefined;
  await up(cfg, quiet);
  const rows: Row[] = [];
  for (let i = 0; i < repetitions; i++) {
    let start = Date.now();
    await down(cfg, quiet);
    const downSeconds = (Date.now() - start) / 1000;
    const saved = readSaveReport(cfg);
    start = Date.now();
    await up(cfg, quiet);
    const upSeconds = (Date.now() - start) / 1000;
    const pid = readPid(join(cfg.runDir, "localstack.pid"));
    const restored = pid === undefined ? undefined : readRestoreReport(cfg, pid);
    rows.push({
      downSeconds,
      shutdownSaveSeconds: saved?.seconds ?? Number.NaN,
      upSeconds,
      restoreSeconds: restored ? restoreSeconds(restored.restored) : Number.NaN,
      snapshotBytes: sizeOf(localStackStatePaths(cfg).snapshots),
      localStackDataBytes: sizeOf(localStackStatePaths(cfg).data),
      kafkaBytes: sizeOf(cfg.kafka.dataDir),
    });
  }
  process.stdout.write("restart: down (save on shutdown) and up (restore), seconds\n");
  for (const [i, r] of rows.entries()) {
    process.stdout.write(
      `  ${i + 1}. down ${r.downSeconds.toFixed(1)} (save ${r.shutdownSaveSeconds.toFixed(2)})  up ${r.upSeconds.toFixed(1)} (restore ${r.restoreSeconds.toFixed(2)})  snapshots ${formatBytes(r.snapshotBytes)}, DynamoDB + metrics ${formatBytes(r.localStackDataBytes)}, Kafka ${formatBytes(r.kafkaBytes)}\n`,
    );
  }
  if (options.out) writeFileSync(options.out, `${JSON.stringify({ restart: rows }, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench restart: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
