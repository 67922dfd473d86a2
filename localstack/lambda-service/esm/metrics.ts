/**
 * The poller's counters and the snapshot GetEventSourceMapping-style callers read: AWS's Kafka ESM metrics
 * (PolledEventCount, FilteredOutEventCount, InvokedEventCount, …) and OffsetLag per partition. The counters only
 * grow; the metrics publisher (../metrics/mapping-metrics.ts) sends what they gained each time it samples them.
 */
import { offsetLag, type PartitionState } from "./partition-state";
import type { MappingState, PartitionMetrics, PollerMetrics } from "./poller-types";

export interface PollerCounters {
  polled: number;
  filtered: number;
  invokedEvents: number;
  invocations: number;
  errors: number;
  failedInvokeEvents: number;
  delivered: number;
  dropped: number;
  /** Offsets committed past, summed over partitions (CommittedEventCount). */
  committed: number;
  /** Invocations of a batch that failed: a function error, a malformed batch response, or no invocation at all. */
  invokeErrors: number;
  /** The consumer could not connect, or crashed while polling (PollingErrorCount). */
  pollingErrors: number;
  /** Offset commits the cluster refused (CommitErrorCount). */
  commitErrors: number;
  /** Batches the on-failure destination never took (OnFailureDestinationDeliveryErrorCount). */
  destinationErrors: number;
}

export const newCounters = (): PollerCounters => ({
  polled: 0,
  filtered: 0,
  invokedEvents: 0,
  invocations: 0,
  errors: 0,
  failedInvokeEvents: 0,
  delivered: 0,
  dropped: 0,
  committed: 0,
  invokeErrors: 0,
  pollingErrors: 0,
  commitErrors: 0,
  destinationErrors: 0,
});

function partitionMetrics(state: PartitionState, inFlight: boolean): PartitionMetrics {
  const lag = offsetLag(state);
  return {
    ...(lag !== undefined ? { offsetLag: lag } : {}),
    ...(state.highWatermark !== undefined ? { highWatermark: state.highWatermark } : {}),
    ...(state.committed !== undefined ? { committedOffset: state.committed } : {}),
    queued: state.queue.length,
    inFlight,
  };
}

export interface MetricsSnapshot {
  readonly uuid: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  readonly lastProcessingResult: string;
  readonly partitions: Iterable<PartitionState>;
  readonly inFlight: { has(key: string): boolean };
  readonly counters: Readonly<PollerCounters>;
  readonly batchesInFlight: number;
}

export function pollerMetrics(snapshot: MetricsSnapshot): PollerMetrics {
  const offsetLags: Record<string, number> = {};
  const partitions: Record<string, PartitionMetrics> = {};
  for (const s of snapshot.partitions) {
    const metrics = partitionMetrics(s, snapshot.inFlight.has(s.key));
    if (metrics.offsetLag !== undefined) offsetLags[s.key] = metrics.offsetLag;
    partitions[s.key] = metrics;
  }
  const c = snapshot.counters;
  return {
    uuid: snapshot.uuid,
    state: snapshot.state,
    stateTransitionReason: snapshot.stateTransitionReason,
    lastProcessingResult: snapshot.lastProcessingResult,
    offsetLag: offsetLags,
    partitions,
    polledEventCount: c.polled,
    filteredOutEventCount: c.filtered,
    invokedEventCount: c.invokedEvents,
    invocations: c.invocations,
    errors: c.errors,
    failedInvokeEventCount: c.failedInvokeEvents,
    onFailureDestinationDeliveredEventCount: c.delivered,
    droppedEventCount: c.dropped,
    committedEventCount: c.committed,
    invokeErrorCount: c.invokeErrors,
    pollingErrorCount: c.pollingErrors,
    commitErrorCount: c.commitErrors,
    onFailureDestinationDeliveryErrorCount: c.destinationErrors,
    batchesInFlight: snapshot.batchesInFlight,
  };
}
