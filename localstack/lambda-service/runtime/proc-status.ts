/**
 * A process's memory as Linux reports it in /proc/<pid>/status: the executor samples its workers' RSS there, as
 * Lambda's cgroup watches the sandbox, because a worker's own reports stop when it is busy or dying.
 */
import { readFileSync } from "node:fs";

export interface ProcMemory {
  /** Resident set size now, KiB. */
  readonly rssKb: number;
  /** Peak resident set size ("high water mark"), KiB. */
  readonly hwmKb: number;
}

/** VmRSS and VmHWM of a status file's text; undefined without VmRSS. */
export function parseProcStatus(text: string): ProcMemory | undefined {
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text)?.[1];
  const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(text)?.[1];
  if (rss === undefined) return undefined;
  return { rssKb: Number(rss), hwmKb: Number(hwm ?? rss) };
}

/** The memory of a live process on Linux; undefined elsewhere or once it is gone. */
export function readProcMemory(pid: number): ProcMemory | undefined {
  if (process.platform !== "linux" || pid <= 0) return undefined;
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined;
  }
}
