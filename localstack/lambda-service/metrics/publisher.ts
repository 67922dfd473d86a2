/**
 * Sends the service's metrics to the endpoint's CloudWatch: datums are gathered into one-minute statistic sets
 * (aggregator.ts) and every `intervalMs` the samplers (the Kafka mappings) add theirs, then everything gathered is
 * sent with PutMetricData (requests.ts keeps each request within CloudWatch's limits). Recording never waits and
 * never throws: a failed send is logged through the service's log and its datums are dropped, as a metric that
 * cannot be delivered must not hold up or fail an invocation. `stop()` sends what is left.
 */
import { type Datum, MinuteAggregator } from "./aggregator";
import { FUNCTION_METRICS, type FunctionMetricName, functionDimensions, LAMBDA_NAMESPACE } from "./definitions";
import type { FunctionMetrics } from "./recorder";
import { type PutMetricDataInput, putMetricDataRequests } from "./requests";

export interface MetricsSink {
  putMetricData(input: PutMetricDataInput): Promise<void>;
}

export type PublisherLog = (
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface MetricsPublisherOptions {
  /** Between two sends; 0 publishes nothing. */
  readonly intervalMs: number;
  /** CloudWatch, loaded on the first send that has something to send. */
  readonly sink: () => Promise<MetricsSink>;
  /** Datums sampled at each send (e.g. the mappings' counters and offset lag). */
  readonly samplers?: ReadonlyArray<(atMs: number) => readonly Datum[]>;
  readonly log: PublisherLog;
  readonly now?: () => number;
  /** How long stop() waits for the last send before it gives up on it (a CloudWatch that hangs). Default 5 s. */
  readonly stopTimeoutMs?: number;
}

export class MetricsPublisher implements FunctionMetrics {
  private readonly aggregator = new MinuteAggregator();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: MetricsPublisherOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.intervalMs > 0 && !this.stopped;
  }

  record(functionName: string, metric: FunctionMetricName, value: number, atMs = this.now()): void {
    this.add({
      namespace: LAMBDA_NAMESPACE,
      name: metric,
      unit: FUNCTION_METRICS[metric],
      dimensions: functionDimensions(functionName),
      value,
      atMs,
    });
  }

  add(datum: Datum): void {
    if (this.enabled) this.aggregator.add(datum);
  }

  start(): void {
    if (!this.enabled || this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Samples, then sends everything gathered; resolves when sent (or logged as lost). One send at a time. */
  flush(): Promise<void> {
    if (this.options.intervalMs <= 0) return Promise.resolve();
    const run = this.sending.then(() => this.send());
    this.sending = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer and sends what is left (waiting at most stopTimeoutMs); records after this are ignored. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const timeoutMs = this.options.stopTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([this.flush(), gaveUp]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.options.log("warn", "the last metrics were not sent to CloudWatch in time; the service stops without them", {
        timeoutMs,
      });
    }
    this.stopped = true;
  }

  private async send(): Promise<void> {
    const atMs = this.now();
    for (const sampler of this.options.samplers ?? []) {
      try {
        for (const datum of sampler(atMs)) this.aggregator.add(datum);
      } catch (error) {
        this.options.log("warn", "a metrics sampler failed; its metrics are missing for now", {
          error: (error as Error).message,
        });
      }
    }
    const datums = this.aggregator.drain();
    if (datums.length === 0) return;
    const requests = putMetricDataRequests(datums);
    let sink: MetricsSink;
    try {
      sink = await this.options.sink();
    } catch (error) {
      this.lost(datums.length, error);
      return;
    }
    for (const request of requests) {
      try {
        await sink.putMetricData(request);
      } catch (error) {
        this.lost(request.MetricData.length, error);
      }
    }
  }

  private lost(datums: number, error: unknown): void {
    const cause = (error as Error & { cause?: Error }).cause;
    this.options.log("warn", "metrics not sent to CloudWatch (PutMetricData failed); they are dropped", {
      datums,
      error: (error as Error).message,
      ...(cause ? { cause: cause.message } : {}),
    });
  }
}
