/**
 * Process plumbing for the local stack: detached daemons with pid files,
 * commands whose failures keep their output, and waiting with a deadline.
 */
import { type SpawnSyncOptions, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export class CommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly status: number | null,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CommandError";
  }
}

/** Runs a command to completion; on failure the error carries the tail of its output. */
export function run(cmd: string, args: readonly string[], options: SpawnSyncOptions & { what?: string } = {}): string {
  const result = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  const command = [cmd, ...args].join(" ");
  if (result.error) {
    throw new CommandError(`${options.what ?? cmd} could not start: ${result.error.message}`, command, null, output, {
      cause: result.error,
    });
  }
  if (result.status !== 0) {
    const tail = output.trim().split("\n").slice(-25).join("\n");
    throw new CommandError(
      `${options.what ?? cmd} failed (exit ${result.status ?? result.signal}): ${command}\n${tail}`,
      command,
      result.status,
      output,
    );
  }
  return String(result.stdout ?? "");
}

export interface DaemonSpec {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly logFile: string;
  readonly pidFile: string;
}

/** Starts a process in its own process group that outlives this one; stdout and stderr go to logFile. */
export function spawnDaemon(spec: DaemonSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, "a");
  try {
    const child = spawn(spec.cmd, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    if (child.pid === undefined) throw new Error(`${spec.name} did not start: ${spec.cmd}`);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid recorded in pidFile when that process is still running. */
export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/** Sends sig to pid's process group (a daemon's: spawnDaemon starts each in its own), or to pid alone. */
export function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM to the daemon's process group, SIGKILL after graceMs; removes the pid file. */
export async function stopDaemon(pidFile: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return false;
  }
  const signal = (sig: NodeJS.Signals): void => signalGroup(pid, sig);
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal("SIGKILL");
  while (isAlive(pid)) await sleep(50);
  rmSync(pidFile, { force: true });
  return true;
}

/** Polls check until it returns a value other than undefined, or throws after timeoutMs naming what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  {
    timeoutMs = 60_000,
    intervalMs = 250,
    onTimeout,
  }: { timeoutMs?: number; intervalMs?: number; onTimeout?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const hint = onTimeout ? `\n${onTimeout()}` : "";
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${hint}`, {
        cause: lastError,
      });
    }
    await sleep(intervalMs);
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

export class MissingPrerequisiteError extends Error {
  constructor(what: string, how: string, options?: { cause?: unknown }) {
    super(`${what} is required but was not found. ${how}`, options);
    this.name = "MissingPrerequisiteError";
  }
}

/** Checks a tool's major version from `cmd args` output, matched by pattern; throws naming how to install it. */
export function requireTool(
  label: string,
  cmd: string,
  args: readonly string[],
  pattern: RegExp,
  minimum: [number, number],
  how: string,
): string {
  const result = spawnSync(cmd, args, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new MissingPrerequisiteError(`${label} ≥ ${minimum.join(".")}`, how, { cause: result.error });
  }
  const text = `${result.stdout}${result.stderr}`;
  const match = pattern.exec(text);
  const major = Number(match?.[1]);
  const minor = Number(match?.[2] ?? 0);
  if (!match || major < minimum[0] || (major === minimum[0] && minor < minimum[1])) {
    throw new MissingPrerequisiteError(`${label} ≥ ${minimum.join(".")} (found: ${text.trim().split("\n")[0]})`, how);
  }
  return `${major}.${minor}`;
}

/** A process's command line, arguments joined by spaces; undefined without procfs (macOS) or when it is gone. */
export function readCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return undefined;
  }
}

/** Processes (not this one) whose command line satisfies match, found through procfs; [] without it. */
export function processesWhere(match: (cmdline: string) => boolean): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = readCmdline(Number(entry));
    if (cmdline !== undefined && match(cmdline)) pids.push(Number(entry));
  }
  return pids;
}

/** SIGTERM to each pid, SIGKILL to those left after graceMs; resolves once all are gone. */
export async function killPids(pids: readonly number[], graceMs: number): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  };
  const alive = () => pids.filter((pid) => isAlive(pid));
  for (const pid of alive()) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  for (const pid of alive()) signal(pid, "SIGKILL");
  while (alive().length > 0) await sleep(50);
}
