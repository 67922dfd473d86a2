/**
 * How a worker's death reads in Lambda's reports: Lambda's init is written in Go, so exits are worded the way Go
 * words them, and a V8 heap abort counts as running out of memory.
 */

const SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: "killed",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGTERM: "terminated",
  SIGBUS: "bus error",
  SIGILL: "illegal instruction",
  SIGFPE: "floating point exception",
  SIGINT: "interrupt",
  SIGHUP: "hangup",
  SIGPIPE: "broken pipe",
  SIGTRAP: "trace/breakpoint trap",
};

/** Go's wording for a process exit: "exit status 1", "signal: killed". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_NAMES[signal] ?? signal.toLowerCase()}`;
  return `exit status ${code ?? "unknown"}`;
}

/** Whether a worker's last stderr shows V8 giving up on its heap limit. */
export function isHeapExhaustion(stderrTail: string): boolean {
  return /JavaScript heap out of memory|Reached heap limit/.test(stderrTail);
}
