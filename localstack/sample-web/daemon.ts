/** Starts and stops the offline sample web as a daemon beside the local stack (sources: sample). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalConfig } from "../config";
import { runningPid, spawnDaemon, stopDaemon, tail, waitFor } from "../support/proc";
import type { Manifest } from "./manifest";

/** What the local deploy puts in the TMDB secret so the scrape stage can call the sample TMDB. */
export { SAMPLE_TMDB_KEY } from "./apis";

const pidFile = (cfg: LocalConfig): string => join(cfg.runDir, "sample-web.pid");
const sampleWebLogFile = (cfg: LocalConfig): string => join(cfg.logDir, "sample-web.log");
/** The expected outcome of every sample candidate, written by the running sample web. */
const sampleManifestFile = (cfg: LocalConfig): string => join(cfg.runDir, "sample-web-manifest.json");

async function answers(cfg: LocalConfig): Promise<boolean> {
  try {
    const res = await fetch(`${cfg.sampleWeb.url}/web/people/Q0`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function sampleWebRunning(cfg: LocalConfig): Promise<boolean> {
  return runningPid(pidFile(cfg)) !== undefined && (await answers(cfg));
}

export async function startSampleWeb(
  cfg: LocalConfig,
  log: (m: string) => void,
  scale = 1,
): Promise<{ alreadyRunning: boolean }> {
  if (await sampleWebRunning(cfg)) return { alreadyRunning: true };
  const started = Date.now();
  const pid = spawnDaemon({
    name: "sample web",
    cmd: join(cfg.root, "node_modules", ".bin", "tsx"),
    args: [
      join(__dirname, "main.ts"),
      "--host",
      cfg.sampleWeb.host,
      "--port",
      String(cfg.sampleWeb.port),
      "--scale",
      String(scale),
      "--manifest",
      sampleManifestFile(cfg),
    ],
    cwd: cfg.root,
    logFile: sampleWebLogFile(cfg),
    pidFile: pidFile(cfg),
  });
  await waitFor("the sample web", async () => ((await answers(cfg)) ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 100,
    onTimeout: () => tail(sampleWebLogFile(cfg)),
  });
  log(`sample web (pid ${pid}) serving ${cfg.sampleWeb.url} after ${Date.now() - started} ms`);
  return { alreadyRunning: false };
}

export function stopSampleWeb(cfg: LocalConfig): Promise<boolean> {
  return stopDaemon(pidFile(cfg), 10_000);
}

export function readSampleManifest(cfg: LocalConfig): Manifest {
  const file = sampleManifestFile(cfg);
  if (!existsSync(file)) throw new Error(`no sample manifest at ${file}: is the sample web running?`);
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}
