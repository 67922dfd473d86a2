/** The metrics snapshot: AWS's ESM counters under their API names, and OffsetLag per partition. */
import { newCounters, pollerMetrics } from "#local/lambda-service/esm/metrics";
import { newPartitionState } from "#local/lambda-service/esm/partition-state";
import { polled, queued } from "./records";

test("counters, partitions and OffsetLag as the Lambda API names them", () => {
  const p0 = { ...newPartitionState("t", 0, 1), highWatermark: 10, committed: 7, queue: [queued(polled(8))] };
  const p1 = newPartitionState("t", 1, 2);
  const counters = {
    ...newCounters(),
    polled: 9,
    filtered: 1,
    invokedEvents: 12,
    invocations: 3,
    errors: 2,
    failedInvokeEvents: 4,
    delivered: 5,
    dropped: 6,
    committed: 7,
    invokeErrors: 8,
    pollingErrors: 9,
    commitErrors: 10,
    destinationErrors: 11,
  };
  expect(
    pollerMetrics({
      uuid: "uuid-1",
      state: "Enabled",
      stateTransitionReason: "USER_INITIATED",
      lastProcessingResult: "OK",
      partitions: [p0, p1],
      inFlight: new Set(["t-1"]),
      counters,
      batchesInFlight: 1,
    }),
  ).toEqual({
    uuid: "uuid-1",
    state: "Enabled",
    stateTransitionReason: "USER_INITIATED",
    lastProcessingResult: "OK",
    offsetLag: { "t-0": 3 },
    partitions: {
      "t-0": { offsetLag: 3, highWatermark: 10, committedOffset: 7, queued: 1, inFlight: false },
      "t-1": { queued: 0, inFlight: true },
    },
    polledEventCount: 9,
    filteredOutEventCount: 1,
    invokedEventCount: 12,
    invocations: 3,
    errors: 2,
    failedInvokeEventCount: 4,
    onFailureDestinationDeliveredEventCount: 5,
    droppedEventCount: 6,
    committedEventCount: 7,
    invokeErrorCount: 8,
    pollingErrorCount: 9,
    commitErrorCount: 10,
    onFailureDestinationDeliveryErrorCount: 11,
    batchesInFlight: 1,
  });
});
