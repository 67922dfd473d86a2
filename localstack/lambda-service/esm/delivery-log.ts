/**
 * The delivery log (SLUICE_DELIVERY_LOG, off by default): one JSON line per invocation of a Kafka mapping's
 * function, written synchronously just before the invoke, naming the function and the offsets of each partition it
 * is handed. Written before, not after: a SIGKILL of the service mid-invocation still leaves the line, so a record
 * delivered again after the restart counts as delivered twice, which is what it was. The chaos job reads it.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { PolledRecord } from "./event";

/** One line: the function and, per "<topic>-<partition>", the offsets handed to it. */
export interface DeliveryLine {
  readonly f: string;
  readonly o: Readonly<Record<string, readonly number[]>>;
}

export function deliveryLine(functionName: string, records: readonly PolledRecord[]): DeliveryLine {
  const offsets: Record<string, number[]> = {};
  for (const r of records) {
    const key = `${r.topic}-${r.partition}`;
    offsets[key] = [...(offsets[key] ?? []), r.offset];
  }
  return { f: functionName, o: offsets };
}

/** A PollerDeps.onDelivery appending to file (its directory made first). */
export function deliveryLogWriter(file: string): (functionName: string, records: readonly PolledRecord[]) => void {
  mkdirSync(dirname(file), { recursive: true });
  return (functionName, records) => {
    appendFileSync(file, `${JSON.stringify(deliveryLine(functionName, records))}\n`);
  };
}

/** The lines of a delivery log's text; a torn last line (the writer killed mid-write) is left out. */
export function parseDeliveryLog(text: string): DeliveryLine[] {
  const lines: DeliveryLine[] = [];
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      lines.push(JSON.parse(raw) as DeliveryLine);
    } catch {
      // only the last line can be torn; any other unreadable line is not ours either
    }
  }
  return lines;
}
