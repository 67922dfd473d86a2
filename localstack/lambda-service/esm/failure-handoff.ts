/**
 * Giving up on records: builds the DiscardedBatch the on-failure destination records (see destinations.ts
 * for its AWS shapes) and hands it over, trying the destination a few times. Without a destination, or
 * when it keeps refusing, the records are logged loudly and dropped — AWS discards them too. A refusal while the
 * local emulation (where the destination lives) does not answer is not one of those tries: the hand-off waits for it.
 */
import { randomUUID } from "node:crypto";
import type { DiscardedBatch, FailureCondition, FailureContext, FailureSink } from "./destinations";
import { type PolledRecord, partitionKey } from "./event";
import type { InvokeResponse } from "./invoke-outcome";
import { errorFields } from "./poller-log";
import type { EmulationOutages, PollerLog } from "./poller-types";
import { untilAnswering } from "./sleep";

/** What the attempts on the records produced. */
export interface AttemptHistory {
  readonly invokeCount: number;
  readonly requestId?: string;
  readonly response?: InvokeResponse;
}

/** The failure record's content; a fresh request id stands in when the records were never invoked. */
export function discardedBatch(
  condition: FailureCondition,
  records: readonly PolledRecord[],
  history: AttemptHistory,
  timestamp: number,
  newRequestId: () => string = randomUUID,
): DiscardedBatch {
  return {
    condition,
    records,
    requestId: history.requestId ?? newRequestId(),
    approximateInvokeCount: history.invokeCount,
    ...(history.response ? { response: history.response } : {}),
    timestamp,
  };
}

/** Waits before attempt `attempt + 1` at the destination: 500 ms doubling, at most 8 s. */
export const destinationRetryDelayMs = (attempt: number): number => Math.min(8_000, 500 * 2 ** (attempt - 1));

export interface HandoffDeps {
  readonly sink?: FailureSink;
  readonly context: FailureContext;
  /** Attempts at the destination before the records are dropped (at least 1). */
  readonly attempts: number;
  readonly log: PollerLog;
  readonly functionName: string;
  readonly sleep: (ms: number) => Promise<void>;
  /** PollerDeps.outages. */
  readonly outages?: EmulationOutages;
}

/** Hands batch to the destination; "dropped" when there is none or it refused every attempt. */
export async function handOff(batch: DiscardedBatch, deps: HandoffDeps): Promise<"delivered" | "dropped"> {
  const { condition, records } = batch;
  const uuid = deps.context.mappingUuid;
  const where = records.map((r) => `${partitionKey(r.topic, r.partition)}@${r.offset}`);
  const sink = deps.sink;
  if (!sink) {
    deps.log("error", `records discarded (${condition}); the mapping has no on-failure destination`, {
      uuid,
      function: deps.functionName,
      condition,
      approximateInvokeCount: batch.approximateInvokeCount,
      records: where,
    });
    return "dropped";
  }
  if (await deliver(batch, sink, deps)) {
    deps.log("warn", `records sent to the on-failure destination (${condition})`, {
      uuid,
      destination: sink.destination,
      records: where,
    });
    return "delivered";
  }
  deps.log("error", `records DROPPED: the on-failure destination refused them ${deps.attempts} times`, {
    uuid,
    destination: sink.destination,
    condition,
    records: where,
  });
  return "dropped";
}

async function deliver(batch: DiscardedBatch, sink: FailureSink, deps: HandoffDeps): Promise<boolean> {
  for (let attempt = 1; attempt <= deps.attempts; attempt++) {
    const mark = deps.outages?.mark();
    try {
      await sink.deliver(batch, deps.context);
      return true;
    } catch (error) {
      if (mark !== undefined && deps.outages?.since(mark)) {
        deps.log("warn", "on-failure destination unreachable while LocalStack does not answer; waiting for it", {
          uuid: deps.context.mappingUuid,
          destination: sink.destination,
          ...errorFields(error),
        });
        await untilAnswering(deps.outages, deps.sleep);
        attempt--; // not a try of the destination
        continue;
      }
      deps.log("error", "on-failure destination did not take the failure record", {
        uuid: deps.context.mappingUuid,
        destination: sink.destination,
        attempt,
        ...errorFields(error),
      });
      if (attempt < deps.attempts) await deps.sleep(destinationRetryDelayMs(attempt));
    }
  }
  return false;
}
