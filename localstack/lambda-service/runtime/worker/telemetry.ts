/**
 * The worker's channel to the executor: newline-delimited JSON frames written synchronously to the telemetry fd,
 * so that every log line and the result arrive in order and nothing is lost when the handler calls
 * `process.exit()` (IPC messages queued at exit are dropped). Bundled into the worker: Node.js built-ins only.
 */
import { writeSync } from "node:fs";
import { type MemorySample, TELEMETRY_FD_ENV, type WorkerFrame } from "../protocol";

let telemetryFd = -1;

/** Takes the fd from the environment, and removes it there before user code loads. */
export function openTelemetry(env: NodeJS.ProcessEnv): void {
  telemetryFd = Number(env[TELEMETRY_FD_ENV]);
  delete env[TELEMETRY_FD_ENV];
}

export function sendFrame(frame: WorkerFrame): void {
  const data = Buffer.from(`${JSON.stringify(frame)}\n`, "utf8");
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(telemetryFd, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      // The parent is gone: nobody is left to serve.
      process.exit(70);
    }
  }
}

/** One log event of the function's stream. */
export function sendLog(msg: string, ts = Date.now()): void {
  sendFrame({ t: "log", ts, msg });
}

export function memorySample(): MemorySample {
  return { rssKb: Math.round(process.memoryUsage.rss() / 1024), maxRssKb: process.resourceUsage().maxRSS };
}
