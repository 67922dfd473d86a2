/**
 * Waiting between attempts. Retry back-offs end early when the poller is disabled or stopped (they reject
 * with Aborted, which callers treat as a stop, not a failure); waits before a destination retry do not,
 * so that records already given up on still reach their destination during a graceful stop.
 */

/** The poller stopped while a batch was waiting to be retried. */
export class Aborted extends Error {
  constructor() {
    super("the poller stopped");
    this.name = "Aborted";
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Between checks whether the local emulation answers again. */
const OUTAGE_CHECK_MS = 500;

/** Waits, with the caller's sleep, until the emulation answers (at once when it does). */
export async function untilAnswering(
  outages: { down(): boolean } | undefined,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  while (outages?.down()) await wait(OUTAGE_CHECK_MS);
}

/** Waits ms, or rejects with Aborted as soon as signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Aborted());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
