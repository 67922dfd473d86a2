/**
 * Where LocalStack's state lives on disk, and what its saves and restores did.
 *
 * LocalStack community keeps its services' state in memory; `persistence/run_localstack.py` (the entry point
 * localstack-host.ts starts) saves every running service's stores to `<dataDir>/state/<service>/current/` every
 * `cfg.localstack.saveSeconds` and on shutdown, and loads them when LocalStack starts again. It reports in two files:
 * `<dataDir>/state/saved.json` (the last save) and `<dataDir>/state/restored.json` (this run's restore). DynamoDB
 * Local's tables and CloudWatch's metrics database are written to `<dataDir>/var/lib/localstack/state/` by
 * LocalStack itself (PERSISTENCE=1).
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalConfig } from "../config";

export function localStackStatePaths(cfg: LocalConfig) {
  const snapshots = join(cfg.localstack.dataDir, "state");
  return {
    /** The snapshots of every service's stores, and S3's object bytes (`s3-blobs`). */
    snapshots,
    /** What LocalStack writes to disk itself with PERSISTENCE=1: DynamoDB Local's tables, CloudWatch's metrics. */
    data: join(cfg.localstack.dataDir, "var", "lib", "localstack", "state"),
    savedReport: join(snapshots, "saved.json"),
    restoredReport: join(snapshots, "restored.json"),
    script: join(cfg.root, "localstack", "launchers", "persistence", "run_localstack.py"),
  };
}

/** The environment the persistence entry point reads (besides LocalStack's own). */
export function persistenceEnv(cfg: LocalConfig): Record<string, string> {
  return {
    PERSISTENCE: "1",
    SLUICE_STATE_SNAPSHOT_DIR: localStackStatePaths(cfg).snapshots,
    SLUICE_LOCALSTACK_SAVE_SECONDS: String(cfg.localstack.saveSeconds),
  };
}

export interface SaveReport {
  readonly reason: "periodic" | "shutdown";
  readonly at: number;
  readonly saved: string[];
  readonly unchanged: string[];
  readonly failed: Record<string, string>;
  readonly seconds: number;
  readonly bytes: number;
}

export interface RestoreReport {
  readonly pid: number;
  readonly at: number;
  /** Service → what was restored, in words. */
  readonly restored: Record<string, string>;
  /** Service → why its snapshot could not be loaded (the service then started empty). */
  readonly failed: Record<string, string>;
  /** The services that had a snapshot. */
  readonly saved: string[];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export function readSaveReport(cfg: LocalConfig): SaveReport | undefined {
  return readJson<SaveReport>(localStackStatePaths(cfg).savedReport);
}

/** This run's restore report: the one written by the LocalStack process pid, once it has restored. */
export function readRestoreReport(cfg: LocalConfig, pid: number): RestoreReport | undefined {
  const report = readJson<RestoreReport>(localStackStatePaths(cfg).restoredReport);
  return report?.pid === pid ? report : undefined;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line per service, e.g. "restored s3: 3 store(s) …", failures first and loudly. */
export function formatRestore(report: RestoreReport): string[] {
  if (report.saved.length === 0) return ["LocalStack: no saved state, starting empty"];
  return [
    ...Object.entries(report.failed).map(
      ([service, why]) => `LocalStack: could NOT restore ${service} (it starts empty): ${why}`,
    ),
    ...Object.entries(report.restored).map(([service, what]) => `LocalStack: restored ${service}: ${what}`),
  ];
}

export function formatSave(report: SaveReport, where: string): string {
  const failed = Object.entries(report.failed);
  const what = report.saved.length > 0 ? `saved ${report.saved.join(", ")}` : "nothing changed since the last save";
  const unchanged = report.unchanged.length > 0 ? ` (unchanged: ${report.unchanged.join(", ")})` : "";
  const failures = failed.length > 0 ? `; FAILED to save ${failed.map(([s, why]) => `${s} (${why})`).join(", ")}` : "";
  return `LocalStack state: ${what}${unchanged} in ${report.seconds.toFixed(2)} s${failures}; ${formatBytes(report.bytes)} of snapshots in ${where}`;
}

/**
 * The disk the files under path take (0 when it does not exist), as `du` counts it: Kafka's sparse, preallocated
 * index files would count 10 MiB each by their length.
 */
export function sizeOf(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = lstatSync(path); // not through links: DynamoDB Local and Java are linked in, installs not state
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}
