/**
 * Runs one job to its end: discards its oversized records, then invokes the function with its records
 * until each one is settled — retried, bisected, partly committed, aged out or exhausted as retry.ts
 * decides — committing as records are settled. Failed sub-batches wait with a doubling back-off; an invoke
 * that never reached the function (not a function error) is retried without counting, as AWS does, and so is a
 * failure while the local emulation did not answer, once it answers again.
 */
import type { Invoker, KafkaMappingSpec } from "../types";
import type { FailureCondition } from "./destinations";
import { type PolledRecord, renderEvent } from "./event";
import { discardedBatch, type HandoffDeps, handOff } from "./failure-handoff";
import { countInvocation, type FailedOutcome, type InvokeOutcome, judgeInvocation } from "./invoke-outcome";
import type { Job } from "./job";
import type { PollerCounters } from "./metrics";
import { errorFields } from "./poller-log";
import type { EmulationOutages, PollerLog, RetryBackoff } from "./poller-types";
import {
  afterFailure,
  afterOutage,
  backoffMs,
  expiredRecords,
  freshSubBatch,
  type RetryPolicy,
  type SubBatch,
} from "./retry";
import { Aborted, untilAnswering } from "./sleep";

export interface JobRunnerDeps {
  readonly spec: KafkaMappingSpec;
  readonly invoker: Invoker;
  readonly policy: RetryPolicy;
  readonly backoff: RetryBackoff;
  readonly counters: PollerCounters;
  readonly log: PollerLog;
  readonly now: () => number;
  readonly handoff: HandoffDeps;
  /** Sets LastProcessingResult. */
  readonly reportResult: (result: string) => void;
  /** False once the poller is disabled or stopped: no further attempts. */
  readonly active: () => boolean;
  /** The back-off wait; rejects with Aborted when the poller stops. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Marks records of the job done and commits past them. */
  readonly settle: (job: Job, records: readonly PolledRecord[]) => Promise<void>;
  /** Told of each invocation's records before the invoke (PollerDeps.onDelivery). */
  readonly onDelivery?: (functionName: string, records: readonly PolledRecord[]) => void;
  /** PollerDeps.outages. */
  readonly outages?: EmulationOutages;
}

const FAILED = "PROBLEM: Function call failed";

export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  async run(job: Job): Promise<void> {
    if (job.oversized.length > 0) {
      await this.discard(job, "MaximumPayloadSizeExceeded", job.oversized, freshSubBatch(job.oversized));
    }
    await this.deps.settle(job, []); // commits leading filtered-out records
    const stack: SubBatch[] = job.invocable.length > 0 ? [freshSubBatch(job.invocable)] : [];
    let failures = 0;
    while (stack.length > 0) {
      const sub = await this.dropExpired(job, stack.pop() as SubBatch);
      if (sub.records.length === 0) continue;
      stack.push(sub);
      if (!this.deps.active()) throw new Aborted(); // disabled/stopped: no further attempts
      if (failures > 0) await this.deps.sleep(backoffMs(failures, this.deps.backoff));

      const mark = this.deps.outages?.mark();
      const outcome = await this.invoke(sub.records);
      if (outcome.kind === "invokeFailed") {
        failures++;
        this.deps.log("error", "invoke failed; retrying", {
          uuid: this.deps.spec.uuid,
          function: this.deps.spec.functionName,
          ...errorFields(outcome.error),
        });
        continue;
      }
      stack.pop();
      const attempt: SubBatch = { ...sub, invokeCount: sub.invokeCount + 1, requestId: outcome.requestId };
      if (outcome.kind === "success") {
        failures = 0;
        this.deps.reportResult("OK");
        await this.deps.settle(job, attempt.records);
        continue;
      }
      if (mark !== undefined && this.deps.outages?.since(mark)) {
        stack.push(await this.afterOutage(job, attempt, outcome));
        continue;
      }
      const { next, retried } = await this.afterFailure(job, { ...attempt, response: outcome.response }, outcome);
      // The back-off grows with retries of the same records; halves and the next batch start afresh.
      failures = retried ? failures + 1 : 0;
      stack.push(...next);
    }
  }

  /** Discards the sub-batch's records that are too old; returns the sub-batch without them. */
  private async dropExpired(job: Job, sub: SubBatch): Promise<SubBatch> {
    const expired = expiredRecords(sub.records, this.deps.now(), this.deps.spec.maximumRecordAgeSeconds);
    if (expired.length === 0) return sub;
    const gone = new Set(expired);
    await this.discard(job, "RecordAgeExceeded", expired, sub);
    return { ...sub, records: sub.records.filter((r) => !gone.has(r)) };
  }

  /**
   * Carries out retry.ts's decision; returns what goes back on the stack (the next to run last) and
   * whether that is a retry of the same records.
   */
  private async afterFailure(
    job: Job,
    attempt: SubBatch,
    outcome: FailedOutcome,
  ): Promise<{ next: SubBatch[]; retried: boolean }> {
    const { uuid } = this.deps.spec;
    this.deps.reportResult(FAILED);
    const retry = attempt.retries + 1;
    if (outcome.kind === "partial") {
      this.deps.log("warn", "batch partly failed; retrying from the reported offsets", {
        uuid,
        failedFrom: Object.fromEntries(outcome.failedFrom),
        retry,
      });
    } else {
      this.deps.log("warn", "batch failed", { uuid, reason: outcome.reason, records: attempt.records.length, retry });
    }
    const step = afterFailure(attempt, outcome, this.deps.policy);
    if (step.kind === "bisect") return { next: [step.halves[1], step.halves[0]], retried: false };
    await this.deps.settle(job, step.succeeded);
    if (step.kind === "retry") return { next: [step.next], retried: true };
    await this.discard(job, "RetryAttemptsExhausted", step.exhausted.records, step.exhausted);
    return { next: [], retried: false };
  }

  /** Settles what succeeded, waits until the emulation answers; returns the rest, to try again as it was. */
  private async afterOutage(job: Job, attempt: SubBatch, outcome: FailedOutcome): Promise<SubBatch> {
    this.deps.reportResult(FAILED);
    const { succeeded, next } = afterOutage(attempt, outcome);
    this.deps.log("warn", "batch failed while LocalStack did not answer; retried once it answers, not counted", {
      uuid: this.deps.spec.uuid,
      reason: outcome.kind === "partial" ? "partial batch response" : outcome.reason,
      records: next.records.length,
    });
    await this.deps.settle(job, succeeded);
    await untilAnswering(this.deps.outages, this.deps.sleep);
    return next;
  }

  private async invoke(records: readonly PolledRecord[]): Promise<InvokeOutcome> {
    const { spec, invoker, counters, handoff } = this.deps;
    // Handed over as text: the executor sends it to the worker as it is, without parsing it again.
    const payload = renderEvent(handoff.context.bootstrapServers, records);
    let outcome: InvokeOutcome;
    this.deps.onDelivery?.(spec.functionName, records);
    try {
      outcome = judgeInvocation(
        await invoker.invoke(spec.functionName, payload),
        records,
        spec.reportBatchItemFailures,
      );
    } catch (error) {
      outcome = { kind: "invokeFailed", error };
    }
    countInvocation(counters, outcome, records.length);
    return outcome;
  }

  /** Hands records to the destination (or logs and drops them without one), then marks them done. */
  private async discard(
    job: Job,
    condition: FailureCondition,
    records: readonly PolledRecord[],
    history: SubBatch,
  ): Promise<void> {
    const batch = discardedBatch(condition, records, history, this.deps.now());
    const result = await handOff(batch, this.deps.handoff);
    if (result === "delivered") this.deps.counters.delivered += records.length;
    else this.deps.counters.dropped += records.length;
    if (result === "dropped" && this.deps.handoff.sink) this.deps.counters.destinationErrors++;
    await this.deps.settle(job, records);
  }
}
