/**
 * The poller of one self-managed Apache Kafka event-source mapping, with AWS Lambda's semantics.
 *
 * Reading: a kafkajs consumer in the mapping's consumer group (spec.consumerGroupId), autoCommit off.
 * eachBatch only buffers a fetched batch into its partition's queue and returns at once, so one slow or
 * failing partition never holds the fetch loop of the others; a partition whose queue is full is paused
 * in kafkajs until it drains.
 *
 * Dispatching: a batch takes records from the queues of partitions with no batch in flight, oldest first,
 * until BatchSize records or 6 MB of event JSON, or when the batching window (default 500 ms) of its
 * oldest record has passed. One batch may mix partitions; a partition's records are in offset order and a
 * partition has one batch in flight; up to `concurrency` batches run at once.
 *
 * Outcome of a batch (a "job"): filtered-out records never reach the function; a record whose event alone
 * exceeds 6 MB goes to the on-failure destination (MaximumPayloadSizeExceeded); records older than
 * MaximumRecordAgeInSeconds go there before any (re)invocation (RecordAgeExceeded). A function error — or,
 * with ReportBatchItemFailures, a malformed response — retries the whole batch, halving it first when
 * BisectBatchOnFunctionError is on (a split does not count as a retry); a valid partial response commits
 * what succeeded and retries from the lowest failed offset of each failed partition. After
 * MaximumRetryAttempts retries (-1: forever; 10 when a destination is set, as AWS applies) the records go
 * to the destination (RetryAttemptsExhausted), or — without one — are logged and discarded, as AWS does.
 *
 * Offsets: a partition's offset is committed only past records that are done (succeeded, filtered out,
 * or handed to the destination), in order: at-least-once. A rebalance resets kafkajs to the committed
 * offsets; the queues are then dropped and refilled, and records still in flight are not read twice.
 */
import { randomUUID } from "node:crypto";
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaConfig,
  logLevel as KafkaLogLevel,
  type LogEntry,
} from "kafkajs";
import type { InvokeResult, Invoker, KafkaMappingSpec } from "../types";
import type { DiscardedBatch, FailureCondition, FailureContext, FailureSink } from "./destinations";
import {
  EventSizer,
  MAX_PAYLOAD_BYTES,
  type PolledRecord,
  partitionKey,
  renderEvent,
  singleRecordEventBytes,
  toPolledRecord,
} from "./event";
import { compileKafkaFilters, type KafkaRecordFilter } from "./filter";
import { parseBatchResponse } from "./response";

// ---------------------------------------------------------------------------------------------
// Public types

/** Event-source mapping states, as the Lambda API reports them. */
export type MappingState = "Creating" | "Enabling" | "Enabled" | "Disabling" | "Disabled" | "Deleting";

export type PollerLogLevel = "debug" | "info" | "warn" | "error";
/** A structured log sink: one call per line. */
export type PollerLog = (level: PollerLogLevel, message: string, fields?: Record<string, unknown>) => void;

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
  readonly retryBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Attempts to hand discarded records to the destination before they are logged and dropped. Default 5. */
  readonly destinationAttempts?: number;
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
  /** Records in failed invocations (FailedInvokeEventCount). */
  readonly failedInvokeEventCount: number;
  /** Records handed to the on-failure destination (OnFailureDestinationDeliveredEventCount). */
  readonly onFailureDestinationDeliveredEventCount: number;
  /** Records discarded without reaching a destination (DroppedEventCount). */
  readonly droppedEventCount: number;
  readonly batchesInFlight: number;
}

// ---------------------------------------------------------------------------------------------
// Internal state

interface QueuedRecord {
  readonly record: PolledRecord;
  /** Epoch ms when it was read: the batching window counts from here. */
  readonly arrivedAt: number;
  readonly filtered: boolean;
  readonly oversized: boolean;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** Bumped when the partition is (re)assigned: a job of an older epoch must not commit for it. */
  readonly epoch: number;
  queue: QueuedRecord[];
  queuedBytes: number;
  paused: boolean;
  /** Records below this offset are in flight or done: a re-read after a rebalance skips them. */
  nextOffset?: number;
  /** Offset after the last record that is done. */
  processedUpTo?: number;
  highWatermark?: number;
  committed?: number;
  pendingCommit?: number;
}

interface JobPartition {
  readonly state: PartitionState;
  readonly epoch: number;
  /** Everything the job took from the queue, in offset order (filtered and oversized records included). */
  readonly records: PolledRecord[];
  readonly done: boolean[];
  readonly index: Map<number, number>;
  prefix: number;
}

interface Job {
  readonly id: number;
  readonly parts: Map<string, JobPartition>;
  readonly invocable: PolledRecord[];
  readonly oversized: PolledRecord[];
}

interface SubBatch {
  records: PolledRecord[];
  retries: number;
  invokeCount: number;
  requestId?: string;
  response?: DiscardedBatch["response"];
}

type InvokeOutcome =
  | { readonly kind: "success"; readonly requestId: string }
  | {
      readonly kind: "partial";
      readonly requestId: string;
      readonly failedFrom: ReadonlyMap<string, number>;
      readonly response: NonNullable<DiscardedBatch["response"]>;
    }
  | {
      readonly kind: "error";
      readonly requestId: string;
      readonly reason: string;
      readonly response: NonNullable<DiscardedBatch["response"]>;
    }
  | { readonly kind: "invokeFailed"; readonly error: unknown };

const DEFAULT_RETRIES_WITH_DESTINATION = 10;
const JOIN_TIMEOUT_MS = 60_000;

const defaultLog: PollerLog = (level, message, fields) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, component: "esm", message, ...fields })}\n`,
  );
};

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined;
    return { error: `${error.name}: ${error.message}`, ...(cause ? { cause } : {}) };
  }
  return { error: String(error) };
}

class Aborted extends Error {}

// ---------------------------------------------------------------------------------------------

export class KafkaEventSourcePoller {
  private readonly log: PollerLog;
  private readonly now: () => number;
  private readonly filter: KafkaRecordFilter;
  private readonly bootstrapServers: string;
  private readonly concurrency: number;
  private readonly maxRetries: number;
  private readonly failureContext: FailureContext;
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  private readonly destinationAttempts: number;

  private state: MappingState = "Creating";
  private stateReason = "USER_INITIATED";
  private lastResult = "No records processed";
  private enabled: boolean;

  private consumer?: Consumer;
  private consumerRunning = false;
  /** Set while the poller may dispatch new batches. */
  private dispatching = false;
  /** Aborted to interrupt retry back-offs when the poller is disabled or stopped. */
  private stopController = new AbortController();
  private reconnectTimer?: NodeJS.Timeout;
  private windowTimer?: NodeJS.Timeout;
  private transition: Promise<void> = Promise.resolve();
  private commitChain: Promise<void> = Promise.resolve();

  private readonly partitions = new Map<string, PartitionState>();
  /** Start offsets (LATEST / AT_TIMESTAMP) of partitions without a committed offset, applied on assignment. */
  private pinned = new Map<string, number>();
  /** Partition keys with a batch in flight (also across rebalances and reconnects). */
  private readonly inFlight = new Map<string, number>();
  private readonly jobs = new Map<number, Promise<void>>();
  private nextJobId = 1;
  private epochs = 0;

  private readonly counters = {
    polled: 0,
    filtered: 0,
    invokedEvents: 0,
    invocations: 0,
    errors: 0,
    failedInvokeEvents: 0,
    delivered: 0,
    dropped: 0,
  };

  constructor(
    readonly spec: KafkaMappingSpec,
    private readonly deps: PollerDeps,
  ) {
    this.log = deps.log ?? defaultLog;
    this.now = deps.now ?? Date.now;
    this.filter = compileKafkaFilters(spec.filterPatterns);
    this.bootstrapServers = spec.bootstrapServers.join(",");
    this.concurrency = Math.max(1, deps.concurrency ?? Number.POSITIVE_INFINITY);
    this.backoff = deps.retryBackoff ?? { initialMs: 100, maxMs: 5_000 };
    this.destinationAttempts = Math.max(1, deps.destinationAttempts ?? 5);
    this.enabled = spec.enabled;
    if (spec.onFailure && !deps.failureSink) {
      throw new Error(
        `mapping ${spec.uuid} has an on-failure destination (${spec.onFailure.destination}) but no failure sink was given`,
      );
    }
    if (spec.batchSize < 1)
      throw new Error(`mapping ${spec.uuid}: BatchSize must be at least 1, got ${spec.batchSize}`);
    if (spec.startingPosition === "AT_TIMESTAMP" && spec.startingPositionTimestamp === undefined) {
      throw new Error(`mapping ${spec.uuid}: StartingPosition AT_TIMESTAMP needs StartingPositionTimestamp`);
    }
    // AWS: "When you configure both infinite retries and an on-failure destination, Lambda automatically
    // applies a maximum of 10 retry attempts."
    this.maxRetries =
      spec.maximumRetryAttempts < 0 && spec.onFailure ? DEFAULT_RETRIES_WITH_DESTINATION : spec.maximumRetryAttempts;
    this.failureContext = {
      mappingUuid: spec.uuid,
      functionArn: deps.functionArn ?? `arn:aws:lambda:us-east-1:000000000000:function:${spec.functionName}`,
      bootstrapServers: this.bootstrapServers,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Starts polling when the mapping is enabled: resolves once the consumer has joined its group (so a
   * LATEST mapping delivers every record produced after this resolves). Rejects when the cluster cannot be
   * reached or refuses the credentials; the poller then stays Disabled with the reason in metrics().
   */
  start(): Promise<void> {
    return this.serialize(async () => {
      if (!this.enabled) this.setState("Disabled", "USER_INITIATED");
      else if (this.consumer === undefined) await this.enable();
    });
  }

  /** Graceful: finishes the batches in flight (no further retries), commits, leaves the group. */
  stop(): Promise<void> {
    return this.serialize(async () => {
      await this.disable("Disabled");
    });
  }

  /** Enabled=false stops polling (the group is left); true resumes from the committed offsets. */
  setEnabled(enabled: boolean): Promise<void> {
    return this.serialize(async () => {
      this.enabled = enabled;
      if (enabled && this.state !== "Enabled") await this.enable();
      if (!enabled && this.state !== "Disabled") await this.disable("Disabled");
    });
  }

  metrics(): PollerMetrics {
    const offsetLag: Record<string, number> = {};
    const partitions: Record<string, PartitionMetrics> = {};
    for (const s of this.partitions.values()) {
      const position = s.committed ?? s.processedUpTo;
      const lag =
        s.highWatermark !== undefined && position !== undefined ? Math.max(0, s.highWatermark - position) : undefined;
      if (lag !== undefined) offsetLag[s.key] = lag;
      partitions[s.key] = {
        ...(lag !== undefined ? { offsetLag: lag } : {}),
        ...(s.highWatermark !== undefined ? { highWatermark: s.highWatermark } : {}),
        ...(s.committed !== undefined ? { committedOffset: s.committed } : {}),
        queued: s.queue.length,
        inFlight: this.inFlight.has(s.key),
      };
    }
    const c = this.counters;
    return {
      uuid: this.spec.uuid,
      state: this.state,
      stateTransitionReason: this.stateReason,
      lastProcessingResult: this.lastResult,
      offsetLag,
      partitions,
      polledEventCount: c.polled,
      filteredOutEventCount: c.filtered,
      invokedEventCount: c.invokedEvents,
      invocations: c.invocations,
      errors: c.errors,
      failedInvokeEventCount: c.failedInvokeEvents,
      onFailureDestinationDeliveredEventCount: c.delivered,
      droppedEventCount: c.dropped,
      batchesInFlight: this.jobs.size,
    };
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private setState(state: MappingState, reason: string): void {
    if (this.state !== state) this.log("info", `mapping ${state}`, { uuid: this.spec.uuid, state, reason });
    this.state = state;
    this.stateReason = reason;
  }

  private async enable(): Promise<void> {
    this.setState("Enabling", "USER_INITIATED");
    this.stopController = new AbortController();
    try {
      await this.connect();
    } catch (error) {
      this.lastResult = `PROBLEM: Connection error. ${error instanceof Error ? error.message : String(error)}`;
      this.setState("Disabled", "Lambda failed to connect to the Kafka cluster");
      throw new Error(`mapping ${this.spec.uuid}: cannot start polling ${this.spec.topics.join(", ")}`, {
        cause: error,
      });
    }
    this.setState("Enabled", "USER_INITIATED");
  }

  private async disable(finalState: MappingState): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.consumer === undefined && this.jobs.size === 0) {
      this.setState(finalState, "USER_INITIATED");
      return;
    }
    this.setState("Disabling", "USER_INITIATED");
    this.dispatching = false;
    clearTimeout(this.windowTimer);
    this.stopController.abort();
    await this.drain();
    await this.flushCommits();
    await this.teardownConsumer();
    this.setState(finalState, "USER_INITIATED");
  }

  /** Waits for the batches in flight (they stop retrying once dispatching is off). */
  private async drain(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs.values()]);
  }

  // -------------------------------------------------------------------------------------------
  // Kafka

  private async kafkaConfig(): Promise<KafkaConfig> {
    const config = typeof this.deps.kafka === "function" ? await this.deps.kafka() : this.deps.kafka;
    const log = this.log;
    const uuid = this.spec.uuid;
    const logCreator = () => (entry: LogEntry) => {
      const level: PollerLogLevel =
        entry.level === KafkaLogLevel.ERROR
          ? "error"
          : entry.level === KafkaLogLevel.WARN
            ? "warn"
            : entry.level === KafkaLogLevel.INFO
              ? "info"
              : "debug";
      // kafkajs's own timestamp is dropped: the service logger stamps every line, and "timestamp" is reserved there.
      const { message, timestamp: _timestamp, ...fields } = entry.log;
      log(level, `kafkajs: ${message}`, { uuid, namespace: entry.namespace, ...fields });
    };
    return { ...config, logLevel: config.logLevel ?? KafkaLogLevel.WARN, logCreator };
  }

  private async connect(): Promise<void> {
    const kafka = new Kafka(await this.kafkaConfig());
    this.pinned = await this.startOffsets(kafka);

    const consumer = kafka.consumer({
      groupId: this.spec.consumerGroupId,
      allowAutoTopicCreation: false,
      // kafkajs sleeps this long whenever every partition is paused (our queues are full), so keep it short.
      maxWaitTimeInMs: 100,
      retry: { retries: 5 },
    });
    let timer: NodeJS.Timeout | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`consumer group ${this.spec.consumerGroupId} gave no partitions within ${JOIN_TIMEOUT_MS} ms`),
          ),
        JOIN_TIMEOUT_MS,
      );
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        clearTimeout(timer);
        this.onGroupJoin(consumer, event.payload.memberAssignment);
        resolve();
      });
      consumer.on(consumer.events.CRASH, (event) => {
        const { error, restart } = event.payload;
        clearTimeout(timer);
        this.log("error", "Kafka consumer crashed", { uuid: this.spec.uuid, restart, ...errorFields(error) });
        this.lastResult = `PROBLEM: Connection error. ${error.message}`;
        // kafkajs drops commits silently while its runner is down: hold them until the group is joined again.
        if (consumer === this.consumer) this.consumerRunning = false;
        reject(error);
        if (!restart && consumer === this.consumer && this.state === "Enabled") this.scheduleReconnect();
      });
    });
    joined.catch(() => undefined); // awaited below; a crash before that must not be an unhandled rejection
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.spec.topics],
        fromBeginning: this.spec.startingPosition === "TRIM_HORIZON",
      });
      this.dispatching = true;
      // run() joins the group before it returns; a failed join is reported as a CRASH, not thrown.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: 4,
        eachBatch: async (payload) => this.onBatch(consumer, payload),
      });
      await joined;
      this.consumerRunning = true;
      void this.flushCommits();
    } catch (error) {
      this.dispatching = false;
      this.consumerRunning = false;
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleReconnect(delayMs = 5_000): void {
    if (!this.enabled || this.reconnectTimer) return;
    this.dispatching = false;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.serialize(async () => {
        if (!this.enabled || this.state === "Disabled" || this.state === "Disabling") return;
        await this.drain();
        await this.teardownConsumer();
        try {
          await this.connect();
          this.setState("Enabled", "USER_INITIATED");
        } catch (error) {
          this.log("error", "cannot reconnect to Kafka; retrying", { uuid: this.spec.uuid, ...errorFields(error) });
          this.scheduleReconnect(Math.min(delayMs * 2, 60_000));
        }
      });
    }, delayMs);
  }

  private async teardownConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.consumerRunning = false;
    this.dispatching = false;
    if (consumer) {
      try {
        await consumer.disconnect(); // stops fetching and leaves the group
      } catch (error) {
        this.log("warn", "Kafka consumer did not disconnect cleanly", { uuid: this.spec.uuid, ...errorFields(error) });
      }
    }
    for (const s of this.partitions.values()) {
      s.queue = [];
      s.queuedBytes = 0;
    }
    this.partitions.clear();
  }

  /**
   * The start offsets of the partitions the group has no committed offset for: LATEST is resolved once,
   * here, so records produced after start() are never skipped; AT_TIMESTAMP is looked up by timestamp.
   * They are applied (seek) and committed when the partitions are assigned. Committed offsets of an
   * existing group win. TRIM_HORIZON needs nothing: without a commit the consumer starts at the earliest
   * offset. (kafkajs's admin.setOffsets would do the same by joining the group with a throwaway consumer,
   * which costs a rebalance and its fetch wait — about 5 s.)
   */
  private async startOffsets(kafka: Kafka): Promise<Map<string, number>> {
    const pinned = new Map<string, number>();
    if (this.spec.startingPosition === "TRIM_HORIZON") return pinned;
    const admin: Admin = kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: this.spec.consumerGroupId, topics: [...this.spec.topics] });
      for (const { topic, partitions } of committed) {
        const missing = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
        if (missing.size === 0) continue;
        const positions =
          this.spec.startingPosition === "LATEST"
            ? await admin.fetchTopicOffsets(topic)
            : await admin.fetchTopicOffsetsByTimestamp(topic, (this.spec.startingPositionTimestamp ?? 0) * 1000);
        for (const p of positions)
          if (missing.has(p.partition)) pinned.set(partitionKey(topic, p.partition), Number(p.offset));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return pinned;
  }

  /** After every (re)join: kafkajs restarts from the committed offsets, so queued records are dropped and re-read. */
  private onGroupJoin(consumer: Consumer, assignment: Record<string, number[]>): void {
    if (consumer !== this.consumer) return;
    const assigned = new Set<string>();
    const resume: Array<{ topic: string; partitions: number[] }> = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      resume.push({ topic, partitions: [...partitions] });
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        assigned.add(key);
        const previous = this.partitions.get(key);
        const inFlightEnd = this.inFlight.get(key);
        const floor = Math.max(inFlightEnd ?? -1, previous?.processedUpTo ?? -1, previous?.committed ?? -1);
        const state: PartitionState = previous ?? {
          topic,
          partition,
          key,
          epoch: ++this.epochs,
          queue: [],
          queuedBytes: 0,
          paused: false,
        };
        state.queue = [];
        state.queuedBytes = 0;
        state.paused = false;
        if (floor >= 0) state.nextOffset = floor;
        else delete state.nextOffset;
        const start = this.pinned.get(key);
        if (start !== undefined) {
          // Applied before kafkajs's first fetch of the partition, and committed so that it sticks.
          this.pinned.delete(key);
          try {
            consumer.seek({ topic, partition, offset: String(start) });
            state.nextOffset = start;
            state.pendingCommit = start;
            delete state.committed;
            this.log("info", `starting position ${this.spec.startingPosition}`, {
              uuid: this.spec.uuid,
              partition: key,
              offset: start,
            });
          } catch (error) {
            this.log("error", "cannot seek to the starting position", {
              uuid: this.spec.uuid,
              partition: key,
              ...errorFields(error),
            });
          }
        }
        // What kafkajs committed before the rebalance is not known for sure (it skips commits while it
        // is not running): commit the processed position again.
        if (state.processedUpTo !== undefined) {
          state.pendingCommit = Math.max(state.pendingCommit ?? 0, state.processedUpTo);
          delete state.committed;
        }
        this.partitions.set(key, state);
      }
    }
    for (const key of [...this.partitions.keys()]) if (!assigned.has(key)) this.partitions.delete(key);
    try {
      if (resume.length > 0) consumer.resume(resume);
    } catch (error) {
      this.log("warn", "cannot resume partitions", { uuid: this.spec.uuid, ...errorFields(error) });
    }
    this.log("info", "partitions assigned", { uuid: this.spec.uuid, partitions: [...assigned].sort() });
    if (this.state === "Enabled") this.consumerRunning = true; // a rejoin after a restart of the consumer
    void this.flushCommits();
  }

  private onBatch(consumer: Consumer, payload: EachBatchPayload): void {
    const { batch } = payload;
    if (consumer !== this.consumer || !this.dispatching || !payload.isRunning() || payload.isStale()) return;
    const key = partitionKey(batch.topic, batch.partition);
    const state = this.partitions.get(key);
    if (!state) return; // not (or no longer) ours
    state.highWatermark = Number(batch.highWatermark);
    const arrivedAt = Date.now();
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      if (state.nextOffset !== undefined && offset < state.nextOffset) continue; // in flight or done already
      const record = toPolledRecord(batch.topic, batch.partition, message);
      const filtered = !this.filter.matches(record.value);
      const oversized = !filtered && singleRecordEventBytes(this.bootstrapServers, record) > MAX_PAYLOAD_BYTES;
      state.queue.push({ record, arrivedAt, filtered, oversized });
      state.queuedBytes += record.bytes;
      state.nextOffset = offset + 1;
      this.counters.polled++;
    }
    if (
      !state.paused &&
      (state.queue.length >= 2 * this.spec.batchSize || state.queuedBytes >= 2 * MAX_PAYLOAD_BYTES)
    ) {
      payload.pause();
      state.paused = true;
    }
    this.kick();
  }

  // -------------------------------------------------------------------------------------------
  // Dispatching

  /** Starts the batches that are due; otherwise arms the batching-window timer. */
  private kick(): void {
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    while (this.dispatching && this.jobs.size < this.concurrency) {
      const candidates = [...this.partitions.values()]
        .filter((s) => s.queue.length > 0 && !this.inFlight.has(s.key))
        .sort((a, b) => (a.queue[0]?.arrivedAt ?? 0) - (b.queue[0]?.arrivedAt ?? 0));
      const oldest = candidates[0]?.queue[0]?.arrivedAt;
      if (oldest === undefined) return;
      let invocable = 0;
      let bytes = 0;
      let trivial = false;
      for (const s of candidates) {
        for (const q of s.queue) {
          if (q.filtered || q.oversized) trivial = true;
          else {
            invocable++;
            bytes += q.record.bytes;
          }
        }
      }
      const waited = Date.now() - oldest;
      const due =
        invocable >= this.spec.batchSize ||
        bytes >= MAX_PAYLOAD_BYTES ||
        waited >= this.spec.maxBatchingWindowMs ||
        (trivial && invocable === 0);
      if (!due) {
        this.windowTimer = setTimeout(() => this.kick(), Math.max(1, this.spec.maxBatchingWindowMs - waited));
        return;
      }
      this.startJob(this.takeBatch(candidates));
    }
  }

  private takeBatch(candidates: PartitionState[]): Job {
    const sizer = new EventSizer(this.bootstrapServers);
    const job: Job = { id: this.nextJobId++, parts: new Map(), invocable: [], oversized: [] };
    let full = false;
    for (const s of candidates) {
      if (full) break;
      const taken: PolledRecord[] = [];
      const done: boolean[] = [];
      while (s.queue.length > 0) {
        const q = s.queue[0] as QueuedRecord;
        if (q.filtered) {
          this.counters.filtered++;
          done.push(true);
        } else if (q.oversized) {
          job.oversized.push(q.record);
          done.push(false);
        } else {
          if (job.invocable.length >= this.spec.batchSize || sizer.sizeWith(q.record) > MAX_PAYLOAD_BYTES) {
            full = true;
            break;
          }
          sizer.add(q.record);
          job.invocable.push(q.record);
          done.push(false);
        }
        taken.push(q.record);
        s.queue.shift();
        s.queuedBytes -= q.record.bytes;
      }
      if (taken.length === 0) continue;
      const last = taken[taken.length - 1] as PolledRecord;
      this.inFlight.set(s.key, last.offset + 1);
      job.parts.set(s.key, {
        state: s,
        epoch: s.epoch,
        records: taken,
        done,
        index: new Map(taken.map((r, i) => [r.offset, i])),
        prefix: 0,
      });
      if (s.paused && s.queue.length < this.spec.batchSize && s.queuedBytes < MAX_PAYLOAD_BYTES) {
        s.paused = false;
        this.consumer?.resume([{ topic: s.topic, partitions: [s.partition] }]);
      }
    }
    return job;
  }

  private startJob(job: Job): void {
    const run = this.runJob(job)
      .catch((error: unknown) => {
        if (!(error instanceof Aborted)) {
          this.log("error", "batch processing failed; its records will be read again", {
            uuid: this.spec.uuid,
            job: job.id,
            ...errorFields(error),
          });
        }
      })
      .finally(() => {
        for (const key of job.parts.keys()) this.inFlight.delete(key);
        this.jobs.delete(job.id);
        // Records of a partition that stopped in the middle are read again from the committed offset.
        for (const [key, part] of job.parts) {
          if (part.prefix < part.records.length) this.rewind(key, part);
        }
        this.kick();
      });
    this.jobs.set(job.id, run);
  }

  /** A job ended with records not done (stopped or failed): the partition must re-read them. */
  private rewind(key: string, part: JobPartition): void {
    const s = this.partitions.get(key);
    if (!s || s.epoch !== part.epoch || !this.consumer || !this.dispatching) return;
    const from = part.records[part.prefix]?.offset;
    if (from === undefined) return;
    s.queue = [];
    s.queuedBytes = 0;
    s.nextOffset = from;
    try {
      this.consumer.seek({ topic: s.topic, partition: s.partition, offset: String(from) });
      if (s.paused) {
        s.paused = false;
        this.consumer.resume([{ topic: s.topic, partitions: [s.partition] }]);
      }
    } catch (error) {
      this.log("error", "cannot rewind the partition; it is read again after the next rebalance", {
        uuid: this.spec.uuid,
        partition: key,
        ...errorFields(error),
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Processing

  private async runJob(job: Job): Promise<void> {
    if (job.oversized.length > 0) {
      await this.discard(job, "MaximumPayloadSizeExceeded", job.oversized, { retries: 0, invokeCount: 0 });
    }
    await this.markDone(job, []); // commits leading filtered-out records
    const stack: SubBatch[] = job.invocable.length > 0 ? [{ records: job.invocable, retries: 0, invokeCount: 0 }] : [];
    let failures = 0;
    while (stack.length > 0) {
      const sub = stack[stack.length - 1] as SubBatch;
      const expired = this.expired(sub.records);
      if (expired.length > 0) {
        const gone = new Set(expired);
        sub.records = sub.records.filter((r) => !gone.has(r));
        await this.discard(job, "RecordAgeExceeded", expired, sub);
      }
      if (sub.records.length === 0) {
        stack.pop();
        continue;
      }
      if (!this.dispatching) throw new Aborted(); // disabled/stopped: no further attempts
      if (failures > 0) await this.sleep(Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (failures - 1)));

      const outcome = await this.invoke(sub.records);
      if (outcome.kind === "invokeFailed") {
        // Lambda could not run the function (not a function error): retried without counting, as AWS does.
        failures++;
        this.log("error", "invoke failed; retrying", {
          uuid: this.spec.uuid,
          function: this.spec.functionName,
          ...errorFields(outcome.error),
        });
        continue;
      }
      sub.invokeCount++;
      sub.requestId = outcome.requestId;
      if (outcome.kind === "success") {
        failures = 0;
        stack.pop();
        this.lastResult = "OK";
        await this.markDone(job, sub.records);
        continue;
      }
      failures++;
      sub.response = outcome.response;
      if (outcome.kind === "partial") {
        const remaining = sub.records.filter((r) => {
          const from = outcome.failedFrom.get(partitionKey(r.topic, r.partition));
          return from !== undefined && r.offset >= from;
        });
        const remainingSet = new Set(remaining);
        await this.markDone(
          job,
          sub.records.filter((r) => !remainingSet.has(r)),
        );
        sub.records = remaining;
        this.lastResult = "PROBLEM: Function call failed";
        this.log("warn", "batch partly failed; retrying from the reported offsets", {
          uuid: this.spec.uuid,
          failedFrom: Object.fromEntries(outcome.failedFrom),
          retry: sub.retries + 1,
        });
      } else {
        this.lastResult = "PROBLEM: Function call failed";
        this.log("warn", "batch failed", {
          uuid: this.spec.uuid,
          reason: outcome.reason,
          records: sub.records.length,
          retry: sub.retries + 1,
        });
        if (this.spec.bisectBatchOnFunctionError && sub.records.length > 1) {
          // Split in two and retry each half; a split does not count towards the retry quota.
          stack.pop();
          const middle = Math.ceil(sub.records.length / 2);
          stack.push({ records: sub.records.slice(middle), retries: 0, invokeCount: 0 });
          stack.push({ records: sub.records.slice(0, middle), retries: 0, invokeCount: 0 });
          failures = 0;
          continue;
        }
      }
      sub.retries++;
      if (this.maxRetries >= 0 && sub.retries > this.maxRetries) {
        stack.pop();
        failures = 0;
        await this.discard(job, "RetryAttemptsExhausted", sub.records, sub);
      }
    }
  }

  private expired(records: readonly PolledRecord[]): PolledRecord[] {
    const maxAge = this.spec.maximumRecordAgeSeconds;
    if (maxAge < 0) return [];
    const now = this.now();
    return records.filter((r) => now - r.timestamp > maxAge * 1000);
  }

  private async invoke(records: readonly PolledRecord[]): Promise<InvokeOutcome> {
    const payload = Buffer.from(renderEvent(this.bootstrapServers, records));
    let result: InvokeResult;
    try {
      result = await this.deps.invoker.invoke(this.spec.functionName, payload);
    } catch (error) {
      this.counters.errors++;
      return { kind: "invokeFailed", error };
    }
    this.counters.invocations++;
    this.counters.invokedEvents += records.length;
    const response = { statusCode: 200, executedVersion: "$LATEST" };
    if (result.functionError !== undefined) {
      this.counters.errors++;
      this.counters.failedInvokeEvents += records.length;
      return {
        kind: "error",
        requestId: result.requestId,
        reason: `function error (${result.functionError}): ${result.payload.toString("utf8").slice(0, 500)}`,
        response: { ...response, functionError: result.functionError },
      };
    }
    if (!this.spec.reportBatchItemFailures) return { kind: "success", requestId: result.requestId };
    const parsed = parseBatchResponse(result.payload, records);
    if (parsed.kind === "success") return { kind: "success", requestId: result.requestId };
    this.counters.errors++;
    this.counters.failedInvokeEvents += records.length;
    if (parsed.kind === "invalid") {
      return {
        kind: "error",
        requestId: result.requestId,
        reason: `invalid batchItemFailures response: ${parsed.reason}`,
        response,
      };
    }
    return { kind: "partial", requestId: result.requestId, failedFrom: parsed.failedFrom, response };
  }

  /** Hands records to the destination (or logs and drops them without one), then marks them done. */
  private async discard(
    job: Job,
    condition: FailureCondition,
    records: readonly PolledRecord[],
    sub: Pick<SubBatch, "invokeCount" | "requestId" | "response" | "retries">,
  ): Promise<void> {
    const batch: DiscardedBatch = {
      condition,
      records,
      requestId: sub.requestId ?? randomUUID(),
      approximateInvokeCount: sub.invokeCount,
      ...(sub.response ? { response: sub.response } : {}),
      timestamp: this.now(),
    };
    const where = records.map((r) => `${partitionKey(r.topic, r.partition)}@${r.offset}`);
    const sink = this.deps.failureSink;
    if (!sink) {
      this.counters.dropped += records.length;
      this.log("error", `records discarded (${condition}); the mapping has no on-failure destination`, {
        uuid: this.spec.uuid,
        function: this.spec.functionName,
        condition,
        approximateInvokeCount: sub.invokeCount,
        records: where,
      });
    } else {
      let delivered = false;
      for (let attempt = 1; attempt <= this.destinationAttempts && !delivered; attempt++) {
        try {
          await sink.deliver(batch, this.failureContext);
          delivered = true;
        } catch (error) {
          this.log("error", "on-failure destination did not take the failure record", {
            uuid: this.spec.uuid,
            destination: sink.destination,
            attempt,
            ...errorFields(error),
          });
          if (attempt < this.destinationAttempts)
            await this.sleepUnabortable(Math.min(8_000, 500 * 2 ** (attempt - 1)));
        }
      }
      if (delivered) {
        this.counters.delivered += records.length;
        this.log("warn", `records sent to the on-failure destination (${condition})`, {
          uuid: this.spec.uuid,
          destination: sink.destination,
          records: where,
        });
      } else {
        this.counters.dropped += records.length;
        this.log(
          "error",
          `records DROPPED: the on-failure destination refused them ${this.destinationAttempts} times`,
          {
            uuid: this.spec.uuid,
            destination: sink.destination,
            condition,
            records: where,
          },
        );
      }
    }
    await this.markDone(job, records);
  }

  /** Marks records done and commits each partition past its done prefix. */
  private async markDone(job: Job, records: readonly PolledRecord[]): Promise<void> {
    for (const r of records) {
      const part = job.parts.get(partitionKey(r.topic, r.partition));
      const i = part?.index.get(r.offset);
      if (part && i !== undefined) part.done[i] = true;
    }
    let advanced = false;
    for (const part of job.parts.values()) {
      const before = part.prefix;
      while (part.prefix < part.records.length && part.done[part.prefix]) part.prefix++;
      if (part.prefix === before) continue;
      const s = part.state;
      const next = (part.records[part.prefix - 1] as PolledRecord).offset + 1;
      if (this.partitions.get(s.key) !== s || s.epoch !== part.epoch) continue; // revoked meanwhile
      s.processedUpTo = Math.max(s.processedUpTo ?? 0, next);
      s.pendingCommit = Math.max(s.pendingCommit ?? 0, next);
      advanced = true;
    }
    if (advanced) await this.flushCommits();
  }

  /** Commits the pending offsets, one commit at a time; a failed commit stays pending for the next flush. */
  private flushCommits(): Promise<void> {
    const run = this.commitChain.then(async () => {
      const consumer = this.consumer;
      if (!consumer || !this.consumerRunning) return;
      const due = [...this.partitions.values()].filter(
        (s) => s.pendingCommit !== undefined && (s.committed === undefined || s.pendingCommit > s.committed),
      );
      if (due.length === 0) return;
      const offsets = due.map((s) => ({ topic: s.topic, partition: s.partition, offset: String(s.pendingCommit) }));
      try {
        await consumer.commitOffsets(offsets);
        for (const s of due) s.committed = s.pendingCommit;
      } catch (error) {
        this.log("warn", "offset commit failed; it is retried with the next one", {
          uuid: this.spec.uuid,
          offsets,
          ...errorFields(error),
        });
      }
    });
    this.commitChain = run.catch(() => undefined);
    return run;
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.stopController.signal;
    if (signal.aborted) return Promise.reject(new Aborted());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Aborted());
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private sleepUnabortable(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
