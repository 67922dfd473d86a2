/**
 * Asynchronous invocation assembled from its parts (durable queue, retry policy, destinations,
 * configurations), so the service only hands it its executor, its clients and its functions.
 */
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { lazy } from "#shared/lazy";
import type { LocalConfig } from "../../config";
import type { FunctionMetrics } from "../metrics/recorder";
import type { FunctionSpec, Invoker } from "../types";
import { EventInvokeConfigStore } from "./config-store";
import { DestinationDelivery, eventBridgePutEvents } from "./destinations";
import { AsyncDispatcher } from "./dispatcher";
import { retryDelaysFromEnv } from "./policy";
import { DurableEventQueue } from "./queue";

export interface AsyncInvocationDeps {
  readonly cfg: LocalConfig;
  readonly invoker: Invoker;
  readonly functionSpec: (name: string) => FunctionSpec | undefined;
  readonly clients: () => Promise<{ readonly sqs: SQSClient; readonly sns: SNSClient; readonly s3: S3Client }>;
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
  /** Where the asynchronous invocation metrics go. Default: nowhere. */
  readonly metrics?: FunctionMetrics;
  /** Default: cfg.lambdaService.asyncRetryDelaysMs (SLUICE_ASYNC_RETRY_DELAYS_MS, see policy.ts); AWS's delays when unset. */
  readonly retryDelaysMs?: string;
}

export interface AsyncInvocation {
  readonly dispatcher: AsyncDispatcher;
  readonly configs: EventInvokeConfigStore;
  /** Queues an Event invocation; resolves with its request id once it is on disk. */
  enqueue(functionName: string, payload: Buffer): Promise<string>;
}

/** Events are queued under `<runDir>/async-events/`, one file each. */
export function createAsyncInvocation(deps: AsyncInvocationDeps): AsyncInvocation {
  const { cfg } = deps;
  const functionArn = (name: string) => `arn:aws:lambda:${cfg.region}:${cfg.accountId}:function:${name}`;
  const configs = new EventInvokeConfigStore(functionArn);
  const delivery = lazy(async () => {
    const { sqs, sns, s3 } = await deps.clients();
    return new DestinationDelivery({
      sqs,
      sns,
      s3,
      putEvents: eventBridgePutEvents(cfg.localstack.url, cfg.region),
      invokeAsync: async (name, payload) => {
        if (!deps.functionSpec(name)) throw new Error(`function ${name} is not run by this service`);
        await dispatcher.enqueue(name, payload);
      },
    });
  });
  const dispatcher: AsyncDispatcher = new AsyncDispatcher({
    queue: new DurableEventQueue(join(cfg.runDir, "async-events")),
    invoker: deps.invoker,
    configFor: (name) => configs.effective(name),
    deadLetterTarget: (name) => deps.functionSpec(name)?.deadLetterTargetArn,
    functionArn,
    reservedConcurrency: (name) => deps.functionSpec(name)?.reservedConcurrency,
    delivery: () => delivery.get(),
    delays: retryDelaysFromEnv(deps.retryDelaysMs ?? cfg.lambdaService.asyncRetryDelaysMs),
    log: deps.log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  return {
    dispatcher,
    configs,
    enqueue: (name, payload) => dispatcher.enqueue(name, payload.toString("utf8")),
  };
}
