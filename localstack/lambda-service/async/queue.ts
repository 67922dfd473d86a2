/**
 * The durable queue of accepted asynchronous events: one JSON file per event, written to a temporary
 * name and renamed, so a file is always whole; removed once the event is finished. Lambda answers 202
 * only after the write, so an accepted event survives a SIGKILL of the service and is tried after restart
 * (at least once, as on AWS: an attempt cut short by the kill runs again).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LastResponse } from "./record";

export interface QueuedEvent {
  readonly requestId: string;
  readonly functionName: string;
  /** The event, as JSON text. */
  readonly payload: string;
  readonly enqueuedAtMs: number;
  /** When the next attempt is due (epoch ms). */
  readonly dueAtMs: number;
  readonly functionErrors: number;
  readonly throttles: number;
  readonly lastResponse?: LastResponse;
  /** The last throttle's or service error's text, for a dead-letter message when the function never answered. */
  readonly lastError?: { readonly statusCode: number; readonly message: string };
}

const SUFFIX = ".json";

export class DurableEventQueue {
  constructor(readonly dir: string) {}

  private file(requestId: string): string {
    if (!/^[\w-]+$/.test(requestId)) throw new Error(`request id ${JSON.stringify(requestId)} is not a file name`);
    return join(this.dir, `${requestId}${SUFFIX}`);
  }

  /** Writes (or rewrites) an event; resolves once it is on disk under its final name. */
  async put(event: QueuedEvent): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(event.requestId);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(event));
      await rename(temporary, file);
    } catch (error) {
      throw new Error(`cannot write the asynchronous event ${event.requestId} to ${this.dir}`, { cause: error });
    }
  }

  async remove(requestId: string): Promise<void> {
    await rm(this.file(requestId), { force: true });
  }

  /**
   * Every event on disk, oldest first. Temporary files of an interrupted write are removed (their event
   * was never acknowledged); a file that is not an event is reported through onBad and left in place.
   */
  async load(onBad: (file: string, error: Error) => void): Promise<QueuedEvent[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new Error(`cannot read the asynchronous event queue ${this.dir}`, { cause: error });
    }
    const events: QueuedEvent[] = [];
    for (const name of names) {
      const file = join(this.dir, name);
      if (name.endsWith(".tmp")) {
        await rm(file, { force: true });
        continue;
      }
      if (!name.endsWith(SUFFIX)) continue;
      try {
        const event = JSON.parse(await readFile(file, "utf8")) as QueuedEvent;
        if (typeof event.requestId !== "string" || typeof event.functionName !== "string") {
          throw new Error("not an asynchronous event (requestId, functionName missing)");
        }
        events.push(event);
      } catch (error) {
        onBad(file, error as Error);
      }
    }
    return events.sort((a, b) => a.enqueuedAtMs - b.enqueuedAtMs);
  }
}
