/**
 * The delivery log the offset-recorder fixture writes (test/integration/fixtures/offset-recorder): one
 * `<topic>-<partition>-<offset>` line per record per invocation, appended before the handler returns.
 */
import { existsSync, readFileSync } from "node:fs";

export interface Deliveries {
  /** Complete lines read (deliveries, duplicates included). */
  readonly lines: number;
  /** `<topic>-<partition>-<offset>` → times delivered. */
  readonly counts: ReadonlyMap<string, number>;
  /** Lines that are not `<topic>-<partition>-<offset>` (none expected). */
  readonly malformed: readonly string[];
}

const LINE = /^(.+)-(\d+)-(\d+)$/;

function deliveryKey(topic: string, partition: number, offset: number): string {
  return `${topic}-${partition}-${offset}`;
}

export function readDeliveries(file: string): Deliveries {
  const counts = new Map<string, number>();
  const malformed: string[] = [];
  if (!existsSync(file)) return { lines: 0, counts, malformed };
  const text = readFileSync(file, "utf8");
  // A line still being written (no newline yet) is not counted.
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  let lines = 0;
  for (const line of complete.split("\n")) {
    if (line === "") continue;
    lines++;
    if (!LINE.test(line)) malformed.push(line);
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return { lines, counts, malformed };
}

/** The distinct offsets delivered for one partition, ascending. */
export function deliveredOffsets(deliveries: Deliveries, topic: string, partition: number): number[] {
  const offsets: number[] = [];
  for (const key of deliveries.counts.keys()) {
    const match = LINE.exec(key);
    if (match?.[1] === topic && Number(match[2]) === partition) offsets.push(Number(match[3]));
  }
  return offsets.sort((a, b) => a - b);
}

export interface DeliveryCheck {
  /** Records expected: the sum of the end offsets. */
  readonly expected: number;
  /** Expected records delivered at least once. */
  readonly delivered: number;
  /** Deliveries beyond the first of a record. */
  readonly duplicates: number;
  /** The most delivered record and its count. */
  readonly maxDeliveries: number;
  /** Expected records never delivered, in partition and offset order. */
  readonly missing: readonly string[];
  /** Delivered records outside [0, end) of their partition, or of another topic. */
  readonly unexpected: readonly string[];
}

/** Compares deliveries with offsets [0, end) of every partition of topic. */
export function checkDeliveries(
  deliveries: Deliveries,
  topic: string,
  ends: ReadonlyMap<number, number>,
): DeliveryCheck {
  const expectedKeys = new Set<string>();
  const missing: string[] = [];
  for (const [partition, end] of [...ends].sort(([a], [b]) => a - b)) {
    for (let offset = 0; offset < end; offset++) {
      const key = deliveryKey(topic, partition, offset);
      expectedKeys.add(key);
      if (!deliveries.counts.has(key)) missing.push(key);
    }
  }
  let duplicates = 0;
  let maxDeliveries = 0;
  const unexpected: string[] = [];
  for (const [key, count] of deliveries.counts) {
    if (!expectedKeys.has(key)) {
      unexpected.push(key);
      continue;
    }
    duplicates += count - 1;
    maxDeliveries = Math.max(maxDeliveries, count);
  }
  return {
    expected: expectedKeys.size,
    delivered: expectedKeys.size - missing.length,
    duplicates,
    maxDeliveries,
    missing,
    unexpected,
  };
}

/** "12 missing: t-0-5, t-0-6, … (first 20)". */
export function describeMissing(check: DeliveryCheck, limit = 20): string {
  if (check.missing.length === 0) return "none missing";
  const shown = check.missing.slice(0, limit).join(", ");
  return `${check.missing.length} missing: ${shown}${check.missing.length > limit ? `, … (first ${limit})` : ""}`;
}

/** Lines in the delivery log so far (cheap: counts newlines only). */
export function deliveryCount(file: string): number {
  if (!existsSync(file)) return 0;
  const bytes = readFileSync(file);
  let lines = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  return lines;
}

/** The first offset of a partition not delivered yet: everything below it was delivered at least once. */
export function deliveredPrefix(deliveries: Deliveries, topic: string, partition: number): number {
  let offset = 0;
  while (deliveries.counts.has(deliveryKey(topic, partition, offset))) offset++;
  return offset;
}
