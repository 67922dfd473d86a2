/**
 * Records delivered more than once, from the Lambda service's delivery log (SLUICE_DELIVERY_LOG,
 * lambda-service/esm/delivery-log.ts): per function, every (topic-partition, offset) handed to it, and how many of
 * them were handed over more than once — after a SIGKILL of the service (the batch in flight is polled again from
 * the last committed offset), a killed worker (the batch fails and is retried), or an outage. Pure.
 */
import type { DeliveryLine } from "../../lambda-service/esm/delivery-log";

export interface DeliveryCount {
  readonly functionName: string;
  /** Distinct records handed to the function. */
  readonly records: number;
  /** Hand-overs in all. */
  readonly deliveries: number;
  /** Records handed over more than once. */
  readonly duplicated: number;
  /** The most times one record was handed over. */
  readonly most: number;
}

export function countDeliveries(lines: readonly DeliveryLine[]): DeliveryCount[] {
  const byFunction = new Map<string, Map<string, number>>();
  for (const line of lines) {
    let seen = byFunction.get(line.f);
    if (!seen) {
      seen = new Map();
      byFunction.set(line.f, seen);
    }
    for (const [partition, offsets] of Object.entries(line.o)) {
      for (const offset of offsets) {
        const key = `${partition}@${offset}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
  }
  return [...byFunction]
    .map(([functionName, seen]) => {
      const counts = [...seen.values()];
      return {
        functionName,
        records: seen.size,
        deliveries: counts.reduce((a, b) => a + b, 0),
        duplicated: counts.filter((n) => n > 1).length,
        most: Math.max(0, ...counts),
      };
    })
    .sort((a, b) => a.functionName.localeCompare(b.functionName));
}
