/**
 * Asynchronous invocation as Lambda runs it: an accepted event is queued on disk before the caller gets
 * its 202, tried on the function, retried on the documented schedule (policy.ts), and finished by sending
 * its record to the OnSuccess / OnFailure destination or, failing that, the event to the function's
 * dead-letter queue. An event leaves the disk only once finished, so a killed service picks it up again.
 */
import { randomUUID } from "node:crypto";
import { type FunctionMetrics, NO_FUNCTION_METRICS } from "../metrics/recorder";
import { ExecutorClosedError, LambdaServiceError } from "../runtime/errors";
import type { Invoker } from "../types";
import type { DestinationDelivery } from "./destinations";
import type { EventInvokeConfig } from "./invoke-config";
import { type AttemptOutcome, nextStep, type RetryDelays, tooOld } from "./policy";
import type { DurableEventQueue, QueuedEvent } from "./queue";
import {
  deadLetterAttributes,
  errorMessageOf,
  invocationRecord,
  type LastResponse,
  type RecordCondition,
} from "./record";

export interface AsyncDispatcherOptions {
  readonly queue: DurableEventQueue;
  readonly invoker: Invoker;
  /** The function's effective configuration (its EventInvokeConfig, or the defaults). */
  readonly configFor: (functionName: string) => EventInvokeConfig;
  /** The function's DeadLetterConfig.TargetArn, if any. */
  readonly deadLetterTarget: (functionName: string) => string | undefined;
  readonly functionArn: (functionName: string) => string;
  /** The function's reserved concurrency (undefined: unreserved); 0 sends events to failure handling untried. */
  readonly reservedConcurrency?: (functionName: string) => number | undefined;
  readonly delivery: () => Promise<DestinationDelivery>;
  readonly delays: RetryDelays;
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => number;
  /** AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped, DestinationDeliveryFailures, DeadLetterErrors. */
  readonly metrics?: FunctionMetrics;
}

export class AsyncDispatcher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Events this process has scheduled and not finished: a start that reads the disk must not add them again. */
  private readonly live = new Set<string>();
  private started = false;
  private stopping = false;
  private readonly now: () => number;
  private readonly metrics: FunctionMetrics;

  constructor(private readonly options: AsyncDispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? NO_FUNCTION_METRICS;
  }

  /** Queues an event; resolves with its request id once it is on disk. */
  async enqueue(functionName: string, payload: string): Promise<string> {
    const now = this.now();
    const event: QueuedEvent = {
      requestId: randomUUID(),
      functionName,
      payload,
      enqueuedAtMs: now,
      dueAtMs: now,
      functionErrors: 0,
      throttles: 0,
    };
    await this.options.queue.put(event);
    this.metrics.record(functionName, "AsyncEventsReceived", 1, now);
    if (this.started && !this.stopping && !this.live.has(event.requestId)) this.schedule(event);
    return event.requestId;
  }

  /** Picks up every event on disk (those a previous run left included) and tries them when due. */
  async start(): Promise<number> {
    // Started first: an event accepted while the disk is read is scheduled by enqueue, and skipped below.
    this.started = true;
    const events = await this.options.queue.load((file, error) =>
      this.options.log("error", "an asynchronous event file cannot be read; left in place", {
        file,
        error: error.message,
      }),
    );
    const waiting = events.filter((event) => !this.live.has(event.requestId));
    for (const event of waiting) this.schedule(event);
    return waiting.length;
  }

  /** Stops trying events; whatever is queued stays on disk for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Events waiting or being tried. */
  pending(): number {
    return this.timers.size + this.inFlight.size;
  }

  private schedule(event: QueuedEvent): void {
    this.live.add(event.requestId);
    const delay = Math.max(0, event.dueAtMs - this.now());
    const timer = setTimeout(() => {
      this.timers.delete(event.requestId);
      const run = this.attempt(event).catch((error: unknown) => {
        // The file is still on disk (an event is removed last): try it again a little later.
        const retryInMs = Math.max(1_000, this.options.delays.throttleMinMs);
        this.options.log("error", "asynchronous event handling failed; it stays queued", {
          requestId: event.requestId,
          function: event.functionName,
          error: (error as Error).message,
          retryInMs,
        });
        if (!this.stopping) this.schedule({ ...event, dueAtMs: this.now() + retryInMs });
      });
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }, delay);
    this.timers.set(event.requestId, timer);
  }

  private async attempt(event: QueuedEvent): Promise<void> {
    const config = this.options.configFor(event.functionName);
    if (tooOld(event, config, this.now())) {
      await this.finish(event, "EventAgeExceeded", config);
      return;
    }
    if (this.options.reservedConcurrency?.(event.functionName) === 0) {
      // AWS: with reserved concurrency 0, new events go to the DLQ or on-failure destination without retries.
      const lastError = {
        statusCode: 429,
        message: "Rate Exceeded. (Reason: ReservedFunctionConcurrentInvocationLimitExceeded)",
      };
      this.metrics.record(event.functionName, "Throttles", 1);
      await this.finish({ ...event, lastError }, "RetriesExhausted", config);
      return;
    }
    let outcome: AttemptOutcome;
    let response: LastResponse | undefined;
    let lastError: QueuedEvent["lastError"];
    const invokedAt = this.now();
    this.metrics.record(event.functionName, "AsyncEventAge", invokedAt - event.enqueuedAtMs, invokedAt);
    try {
      const result = await this.options.invoker.invoke(event.functionName, Buffer.from(event.payload), {
        requestId: event.requestId,
      });
      const payload = result.payload.toString("utf8");
      response = { statusCode: 200, payload, ...(result.functionError ? { functionError: result.functionError } : {}) };
      outcome = result.functionError ? "function-error" : "success";
    } catch (error) {
      if (this.stopping || error instanceof ExecutorClosedError) return; // stays on disk for the next start
      const statusCode = error instanceof LambdaServiceError ? error.statusCode : 500;
      outcome = statusCode === 429 ? "throttled" : "service-error";
      lastError = { statusCode, message: (error as Error).message };
      this.options.log("warn", "asynchronous invocation could not run; will retry", {
        requestId: event.requestId,
        function: event.functionName,
        error: lastError.message,
      });
    }
    const progressed: QueuedEvent = {
      ...event,
      functionErrors: event.functionErrors + (outcome === "function-error" ? 1 : 0),
      throttles: event.throttles + (outcome === "throttled" || outcome === "service-error" ? 1 : 0),
      ...(response ? { lastResponse: response } : {}),
      ...(lastError ? { lastError } : {}),
    };
    const step = nextStep(outcome, progressed, config, this.options.delays, this.now());
    if (step.action === "retry") {
      const next = { ...progressed, dueAtMs: step.atMs };
      await this.options.queue.put(next);
      if (!this.stopping) this.schedule(next);
      return;
    }
    await this.finish(progressed, step.action === "success" ? "Success" : step.condition, config);
  }

  /** Sends the record (or the dead letter), then forgets the event. A delivery failure is logged, as AWS counts it. */
  private async finish(event: QueuedEvent, condition: RecordCondition, config: EventInvokeConfig): Promise<void> {
    const { functionName, requestId } = event;
    const reached = event.functionErrors + (condition === "Success" ? 1 : 0);
    const record = invocationRecord({
      requestId,
      functionArn: this.options.functionArn(functionName),
      condition,
      approximateInvokeCount: reached,
      payload: event.payload,
      ...(event.lastResponse ? { response: event.lastResponse } : {}),
      nowMs: this.now(),
    });
    const destination = condition === "Success" ? config.onSuccess : config.onFailure;
    const deadLetter = condition === "Success" ? undefined : this.options.deadLetterTarget(functionName);
    const fields = { requestId, function: functionName, condition, approximateInvokeCount: reached };
    // AWS: a discarded event counts as dropped whether or not it then reaches a destination or the DLQ.
    if (condition !== "Success") this.metrics.record(functionName, "AsyncEventsDropped", 1);
    try {
      if (destination) {
        await (await this.options.delivery()).deliver(destination, record, functionName);
        this.options.log("info", "asynchronous invocation record delivered", {
          ...fields,
          destination: destination.arn,
        });
      } else if (deadLetter) {
        const statusCode = event.lastResponse?.statusCode ?? event.lastError?.statusCode ?? 500;
        const message = errorMessageOf(event.lastResponse, event.lastError?.message ?? condition);
        await (await this.options.delivery()).deadLetter(
          deadLetter,
          event.payload,
          deadLetterAttributes(requestId, statusCode, message),
        );
        this.options.log("info", "discarded asynchronous event sent to the dead-letter queue", {
          ...fields,
          target: deadLetter,
        });
      } else if (condition !== "Success") {
        this.options.log("warn", "asynchronous event discarded (no destination, no dead-letter queue)", fields);
      }
    } catch (error) {
      this.metrics.record(functionName, destination ? "DestinationDeliveryFailures" : "DeadLetterErrors", 1);
      const cause = (error as Error & { cause?: Error }).cause;
      this.options.log("error", "asynchronous invocation record not delivered (DestinationDeliveryFailures)", {
        ...fields,
        error: (error as Error).message,
        ...(cause ? { cause: cause.message } : {}),
      });
    }
    await this.options.queue.remove(requestId);
    this.live.delete(requestId);
  }
}
