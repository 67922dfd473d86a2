/**
 * The poller of one self-managed Apache Kafka event-source mapping, with AWS Lambda's semantics. This file
 * wires the parts together and owns the mapping's state (Enabling … Disabled); the rules live beside it:
 *
 * Reading (consumer.ts, partition-state.ts): a kafkajs consumer in the mapping's consumer group
 * (spec.consumerGroupId), autoCommit off. eachBatch only buffers a fetched batch into its partition's queue
 * and returns at once, so one slow or failing partition never holds the fetch loop of the others; a
 * partition whose queue is full is paused in kafkajs until it drains.
 *
 * Dispatching (batcher.ts): a batch takes records from the queues of partitions with no batch in flight,
 * oldest first, until BatchSize records or 6 MB of event JSON, or when the batching window (default 500 ms)
 * of its oldest record has passed. One batch may mix partitions; a partition's records are in offset order
 * and a partition has one batch in flight; up to `concurrency` batches run at once.
 *
 * Outcome of a batch, a "job" (job-runner.ts, retry.ts, failure-handoff.ts): filtered-out records never
 * reach the function; oversized, too old or exhausted records go to the on-failure destination; function
 * errors are retried, bisected or partly committed as AWS documents.
 *
 * Offsets (commits.ts): a partition's offset is committed only past records that are done, in order:
 * at-least-once. A rebalance resets kafkajs to the committed offsets; the queues are then dropped and
 * refilled, and records still in flight are not read twice.
 */
import { type Consumer, type EachBatchPayload, Kafka } from "kafkajs";
import type { KafkaMappingSpec } from "../types";
import { dispatchCandidates, planBatch, readiness } from "./batcher";
import { OffsetCommitter, settle } from "./commits";
import { createConsumer, disconnectConsumer, joinGroup, resolveKafkaConfig, startOffsets } from "./consumer";
import { partitionKey, toPolledRecord } from "./event";
import { compileKafkaFilters, type KafkaRecordFilter } from "./filter";
import type { Job } from "./job";
import { JobRunner } from "./job-runner";
import { newCounters, pollerMetrics } from "./metrics";
import { enqueue, isUnread, type PartitionState, queuedRecord, shouldPause } from "./partition-state";
import { PartitionTable } from "./partitions";
import { defaultLog, errorFields } from "./poller-log";
import type { MappingState, PollerDeps, PollerLog, PollerMetrics } from "./poller-types";
import { effectiveMaxRetries } from "./retry";
import { Aborted, abortableSleep, sleep } from "./sleep";

export type {
  MappingState,
  PartitionMetrics,
  PollerDeps,
  PollerLog,
  PollerLogLevel,
  PollerMetrics,
} from "./poller-types";

export class KafkaEventSourcePoller {
  private readonly log: PollerLog;
  private readonly filter: KafkaRecordFilter;
  private readonly bootstrapServers: string;
  private readonly concurrency: number;
  private readonly runner: JobRunner;
  private readonly committer: OffsetCommitter;

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

  private readonly partitions: PartitionTable;
  private readonly jobs = new Map<number, Promise<void>>();
  private nextJobId = 1;
  private readonly counters = newCounters();

  constructor(
    readonly spec: KafkaMappingSpec,
    private readonly deps: PollerDeps,
  ) {
    this.log = deps.log ?? defaultLog;
    this.filter = compileKafkaFilters(spec.filterPatterns);
    this.bootstrapServers = spec.bootstrapServers.join(",");
    this.concurrency = Math.max(1, deps.concurrency ?? Number.POSITIVE_INFINITY);
    this.enabled = spec.enabled;
    validate(spec, deps);
    this.partitions = new PartitionTable(spec, this.log);
    this.committer = new OffsetCommitter({
      consumer: () => (this.consumerRunning ? this.consumer : undefined),
      partitions: () => this.partitions.byKey.values(),
      onCommitted: (records) => {
        this.counters.committed += records;
      },
      onError: (offsets, error) => {
        this.counters.commitErrors++;
        this.log("warn", "offset commit failed; it is retried with the next one", {
          uuid: spec.uuid,
          offsets,
          ...errorFields(error),
        });
      },
    });
    this.runner = this.createRunner();
  }

  private createRunner(): JobRunner {
    const { spec, deps } = this;
    return new JobRunner({
      spec,
      invoker: deps.invoker,
      policy: {
        maxRetries: effectiveMaxRetries(spec.maximumRetryAttempts, spec.onFailure !== undefined),
        bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError,
      },
      backoff: deps.retryBackoff ?? { initialMs: 100, maxMs: 5_000 },
      counters: this.counters,
      log: this.log,
      now: deps.now ?? Date.now,
      ...(deps.onDelivery ? { onDelivery: deps.onDelivery } : {}),
      ...(deps.outages ? { outages: deps.outages } : {}),
      handoff: {
        ...(deps.failureSink ? { sink: deps.failureSink } : {}),
        context: {
          mappingUuid: spec.uuid,
          functionArn: deps.functionArn ?? `arn:aws:lambda:us-east-1:000000000000:function:${spec.functionName}`,
          bootstrapServers: this.bootstrapServers,
        },
        attempts: Math.max(1, deps.destinationAttempts ?? 5),
        log: this.log,
        functionName: spec.functionName,
        sleep,
        ...(deps.outages ? { outages: deps.outages } : {}),
      },
      reportResult: (result) => {
        this.lastResult = result;
      },
      active: () => this.dispatching,
      sleep: (ms) => abortableSleep(ms, this.stopController.signal),
      settle: async (job, records) => {
        // Not awaited: the partition's next batch need not wait for a Kafka round trip (the commits stay in order,
        // and stop() flushes them after the last batch).
        if (settle(job, records, this.partitions.byKey)) void this.flushCommits();
      },
    });
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
    return pollerMetrics({
      uuid: this.spec.uuid,
      state: this.state,
      stateTransitionReason: this.stateReason,
      lastProcessingResult: this.lastResult,
      partitions: this.partitions.byKey.values(),
      inFlight: this.partitions.inFlight,
      counters: this.counters,
      batchesInFlight: this.jobs.size,
    });
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
      this.counters.pollingErrors++;
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

  private flushCommits(): Promise<void> {
    return this.committer.flush();
  }

  // -------------------------------------------------------------------------------------------
  // Kafka

  private async connect(): Promise<void> {
    const kafka = new Kafka(await resolveKafkaConfig(this.deps.kafka, this.log, this.spec.uuid));
    this.partitions.pin(await startOffsets(kafka, this.spec));
    const consumer = createConsumer(kafka, this.spec.consumerGroupId, this.deps.sessionTimeoutMs);
    this.consumer = consumer;
    try {
      await joinGroup(consumer, this.spec, {
        subscribed: () => {
          this.dispatching = true;
        },
        joined: (assignment) => this.onGroupJoin(consumer, assignment),
        batch: (payload) => this.onBatch(consumer, payload),
        crashed: (error, restart) => this.onCrash(consumer, error, restart),
      });
      this.consumerRunning = true;
      void this.flushCommits();
    } catch (error) {
      this.dispatching = false;
      this.consumerRunning = false;
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private onCrash(consumer: Consumer, error: Error, restart: boolean): void {
    this.counters.pollingErrors++;
    this.log("error", "Kafka consumer crashed", { uuid: this.spec.uuid, restart, ...errorFields(error) });
    this.lastResult = `PROBLEM: Connection error. ${error.message}`;
    if (consumer !== this.consumer) return;
    // kafkajs drops commits silently while its runner is down: hold them until the group is joined again.
    this.consumerRunning = false;
    if (!restart && this.state === "Enabled") this.scheduleReconnect();
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
          this.counters.pollingErrors++;
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
    if (consumer) await disconnectConsumer(consumer, this.log, this.spec.uuid);
    this.partitions.clear();
  }

  /** After every (re)join: kafkajs restarts from the committed offsets, so queued records are dropped and re-read. */
  private onGroupJoin(consumer: Consumer, assignment: Record<string, number[]>): void {
    if (consumer !== this.consumer) return;
    const assigned = this.partitions.assign(consumer, assignment);
    this.log("info", "partitions assigned", { uuid: this.spec.uuid, partitions: assigned });
    if (this.state === "Enabled") this.consumerRunning = true; // a rejoin after a restart of the consumer
    void this.flushCommits();
  }

  private onBatch(consumer: Consumer, payload: EachBatchPayload): void {
    const { batch } = payload;
    if (consumer !== this.consumer || !this.dispatching || !payload.isRunning() || payload.isStale()) return;
    const state = this.partitions.byKey.get(partitionKey(batch.topic, batch.partition));
    if (!state) return; // not (or no longer) ours
    state.highWatermark = Number(batch.highWatermark);
    const arrivedAt = Date.now();
    for (const message of batch.messages) {
      if (!isUnread(state, Number(message.offset))) continue; // in flight or done already
      const record = toPolledRecord(batch.topic, batch.partition, message);
      enqueue(state, queuedRecord(record, arrivedAt, this.filter, this.bootstrapServers));
      this.counters.polled++;
    }
    if (shouldPause(state, this.spec.batchSize)) {
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
      const candidates = dispatchCandidates(this.partitions.byKey.values(), this.partitions.inFlight);
      const ready = readiness(candidates, this.spec, Date.now());
      if (ready.kind === "empty") return;
      if (ready.kind === "wait") {
        this.windowTimer = setTimeout(() => this.kick(), ready.ms);
        return;
      }
      this.startJob(this.takeBatch(candidates));
    }
  }

  private takeBatch(candidates: PartitionState[]): Job {
    const plan = planBatch(candidates, this.spec.batchSize, this.bootstrapServers);
    this.counters.filtered += plan.filtered;
    return this.partitions.take(this.nextJobId++, plan, this.consumer);
  }

  private startJob(job: Job): void {
    const run = this.runner
      .run(job)
      .catch((error: unknown) => {
        if (error instanceof Aborted) return;
        this.log("error", "batch processing failed; its records will be read again", {
          uuid: this.spec.uuid,
          job: job.id,
          ...errorFields(error),
        });
      })
      .finally(() => {
        this.jobs.delete(job.id);
        // Records of a partition that stopped in the middle are read again from the first one not done.
        this.partitions.release(job, this.dispatching ? this.consumer : undefined);
        this.kick();
      });
    this.jobs.set(job.id, run);
  }
}

/** Refuses mapping settings the poller cannot honour. */
function validate(spec: KafkaMappingSpec, deps: PollerDeps): void {
  if (spec.onFailure && !deps.failureSink) {
    throw new Error(
      `mapping ${spec.uuid} has an on-failure destination (${spec.onFailure.destination}) but no failure sink was given`,
    );
  }
  if (spec.batchSize < 1) throw new Error(`mapping ${spec.uuid}: BatchSize must be at least 1, got ${spec.batchSize}`);
  if (spec.startingPosition === "AT_TIMESTAMP" && spec.startingPositionTimestamp === undefined) {
    throw new Error(`mapping ${spec.uuid}: StartingPosition AT_TIMESTAMP needs StartingPositionTimestamp`);
  }
}
