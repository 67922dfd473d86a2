/**
 * What the Lambda API answers from: the service behind it, seen as a backend of functions, mappings and
 * function URLs. Its own file so the routes and the server depend on this seam, not on the service.
 */
import type { EventInvokeConfigStore } from "../async/config-store";
import type { MappingMetricGroup } from "../metrics/definitions";
import type { FunctionSpec, InvokeOptions, InvokeResult, KafkaMappingSpec } from "../types";
import type { FunctionUrlSpec } from "../urls/url-spec";

export interface MappingView {
  readonly spec: KafkaMappingSpec;
  readonly state: "Creating" | "Enabling" | "Enabled" | "Disabling" | "Disabled" | "Updating" | "Deleting";
  readonly lastProcessingResult: string;
  readonly lastModified: Date;
}

export interface MappingUpdate {
  readonly enabled?: boolean;
  readonly batchSize?: number;
  readonly maximumBatchingWindowInSeconds?: number;
  /** MetricsConfig.Metrics; an empty list turns the mapping's metric groups off. */
  readonly metricsConfig?: readonly MappingMetricGroup[];
}

export interface LambdaBackend {
  readonly region: string;
  readonly accountId: string;
  functions(): readonly FunctionSpec[];
  /** `options.stream` receives a streamified handler's response as it comes (function URLs in RESPONSE_STREAM mode). */
  invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
  mappings(): readonly MappingView[];
  updateMapping(uuid: string, update: MappingUpdate): Promise<MappingView>;
  functionUrls(): readonly FunctionUrlSpec[];
  /** Asynchronous invocation (async/): Event invocations are queued durably; the event-invoke-config API. */
  readonly asyncInvocation?: {
    /** Resolves with the request id once the event is queued on disk. */
    enqueue(functionName: string, payload: Buffer): Promise<string>;
    readonly configs: EventInvokeConfigStore;
  };
}
