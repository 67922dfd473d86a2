/**
 * The poller's public contract: what callers give it (PollerDeps) and what it reports (PollerMetrics).
 * Kept apart from the poller so the modules that do its work can name these types without importing the
 * class that wires them together.
 */
import type { KafkaConfig } from "kafkajs";
import type { Invoker } from "../types";
import type { FailureSink } from "./destinations";
import type { PolledRecord } from "./event";

/** Event-source mapping states, as the Lambda API reports them. */
export type MappingState = "Creating" | "Enabling" | "Enabled" | "Disabling" | "Disabled" | "Deleting";

export type PollerLogLevel = "debug" | "info" | "warn" | "error";
/** A structured log sink: one call per line. */
export type PollerLog = (level: PollerLogLevel, message: string, fields?: Record<string, unknown>) => void;

/** Delay between retries of a failed batch: doubles from initialMs up to maxMs. */
export interface RetryBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Outages of the local emulation itself (LocalStack, behind the Lambda service). A batch that failed while the
 * emulation did not answer failed because of the emulation, not the function: it is retried once the emulation
 * answers again, without spending one of MaximumRetryAttempts (AWS has no such outage to document).
 */
export interface EmulationOutages {
  /** A mark to pass to `since`, taken before an invocation. */
  mark(): number;
  /** Whether the emulation stopped answering at some moment after `mark` was taken, or does not answer now. */
  since(mark: number): boolean;
  /** Whether it does not answer now. */
  down(): boolean;
}

export interface PollerDeps {
  readonly invoker: Invoker;
  /**
   * The source cluster's kafkajs configuration with the mapping's credentials, or a function returning it
   * (called on every connect — e.g. mappingKafkaConfigFactory, which reads the SCRAM secret).
   */
  readonly kafka: KafkaConfig | (() => Promise<KafkaConfig>);
  /** Required when spec.onFailure is set (see createFailureSink). The poller does not close it. */
  readonly failureSink?: FailureSink;
  readonly log?: PollerLog;
  /** Clock (epoch ms), for record age and the failure records' timestamps. */
  readonly now?: () => number;
  /** Batches in flight at once, e.g. the function's reserved concurrency. Default: one per partition. */
  readonly concurrency?: number;
  /** For the failure records. Default arn:aws:lambda:us-east-1:000000000000:function:<functionName>. */
  readonly functionArn?: string;
  /** Delay between retries of a failed batch: doubles from initialMs up to maxMs. Default 100 ms → 5 s. */
  readonly retryBackoff?: RetryBackoff;
  /** Attempts to hand discarded records to the destination before they are logged and dropped. Default 5. */
  readonly destinationAttempts?: number;
  /** The consumer group session timeout (see createConsumer). Default kafkajs's 30 s. */
  readonly sessionTimeoutMs?: number;
  /** Told of every invocation's records just before the function is invoked with them (a delivery log). */
  readonly onDelivery?: (functionName: string, records: readonly PolledRecord[]) => void;
  /** The emulation's outages: failures during one are retried without counting (see EmulationOutages). */
  readonly outages?: EmulationOutages;
}

export interface PartitionMetrics {
  /** High watermark minus the next offset to process (AWS's OffsetLag). */
  readonly offsetLag?: number;
  readonly highWatermark?: number;
  /** The next offset this poller will commit / has committed for the group. */
  readonly committedOffset?: number;
  readonly queued: number;
  readonly inFlight: boolean;
}

export interface PollerMetrics {
  readonly uuid: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  /** As GetEventSourceMapping's LastProcessingResult: "No records processed", "OK", "PROBLEM: …". */
  readonly lastProcessingResult: string;
  /** "<topic>-<n>" → OffsetLag, for the partitions this poller owns. */
  readonly offsetLag: Readonly<Record<string, number>>;
  readonly partitions: Readonly<Record<string, PartitionMetrics>>;
  /** Records read from Kafka (PolledEventCount). */
  readonly polledEventCount: number;
  /** Records dropped by FilterCriteria (FilteredOutEventCount). */
  readonly filteredOutEventCount: number;
  /** Records sent to the function, counting every attempt (InvokedEventCount). */
  readonly invokedEventCount: number;
  readonly invocations: number;
  /** Invocations that failed: function errors, malformed batch responses, invoke errors. */
  readonly errors: number;
  /** Records in failed invocations, those that never reached the function included (FailedInvokeEventCount). */
  readonly failedInvokeEventCount: number;
  /** Records handed to the on-failure destination (OnFailureDestinationDeliveredEventCount). */
  readonly onFailureDestinationDeliveredEventCount: number;
  /** Records discarded without reaching a destination (DroppedEventCount). */
  readonly droppedEventCount: number;
  /** Offsets committed past, summed over partitions (CommittedEventCount). */
  readonly committedEventCount: number;
  /** Batches whose invocation failed: function errors, malformed responses, invokes that never ran (InvokeErrorCount). */
  readonly invokeErrorCount: number;
  /** Connection failures and consumer crashes (PollingErrorCount). */
  readonly pollingErrorCount: number;
  /** Refused offset commits (CommitErrorCount). */
  readonly commitErrorCount: number;
  /** Batches the on-failure destination did not take (OnFailureDestinationDeliveryErrorCount). */
  readonly onFailureDestinationDeliveryErrorCount: number;
  readonly batchesInFlight: number;
}
