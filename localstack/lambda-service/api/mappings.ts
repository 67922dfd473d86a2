/**
 * The event-source mapping routes: ListEventSourceMappings, GetEventSourceMapping and
 * UpdateEventSourceMapping, which may change only what a local mapping can change (Enabled, BatchSize,
 * MaximumBatchingWindowInSeconds, MetricsConfig) within AWS's limits. A mapping this service does not run is left to
 * LocalStack.
 */
import { parseMetricsConfig } from "../metrics/definitions";
import type { MappingUpdate } from "./backend";
import { ApiError, readBody, send } from "./http";
import type { LambdaCall, RouteContext } from "./route";
import { functionNameOf, mappingConfiguration } from "./shapes";

export async function mappingRoutes({ backend }: RouteContext, call: LambdaCall): Promise<boolean> {
  const { req, res, url, path, method } = call;
  if (/^\/2015-03-31\/event-source-mappings$/.test(path) && method === "GET") {
    const fnFilter = url.searchParams.get("FunctionName");
    const name = fnFilter ? functionNameOf(fnFilter) : undefined;
    const list = backend
      .mappings()
      .filter((v) => name === undefined || v.spec.functionName === name)
      .map((v) => mappingConfiguration(backend, v));
    send(res, 200, { EventSourceMappings: list });
    return true;
  }
  const m = /^\/2015-03-31\/event-source-mappings\/([^/]+)$/.exec(path);
  if (m) {
    const uuid = decodeURIComponent(m[1] ?? "");
    const view = backend.mappings().find((v) => v.spec.uuid === uuid);
    if (!view) return false;
    if (method === "GET") {
      send(res, 200, mappingConfiguration(backend, view));
      return true;
    }
    if (method === "PUT") {
      const body = JSON.parse((await readBody(req, 256 * 1024)).toString() || "{}") as Record<string, unknown>;
      const update = validateUpdate(body);
      const updated = await backend.updateMapping(uuid, update);
      send(res, 202, mappingConfiguration(backend, updated));
      return true;
    }
  }
  return false;
}

/** An UpdateEventSourceMapping body as the update it asks for; an ApiError if a local mapping cannot do it. */
export function validateUpdate(body: Record<string, unknown>): MappingUpdate {
  const allowed = new Set([
    "Enabled",
    "BatchSize",
    "MaximumBatchingWindowInSeconds",
    "MetricsConfig",
    "FunctionName",
    "UUID",
  ]);
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) {
      throw new ApiError(
        400,
        "InvalidParameterValueException",
        `${key} cannot be updated on a local event-source mapping (Enabled, BatchSize, MaximumBatchingWindowInSeconds, MetricsConfig can)`,
      );
    }
  }
  const update: {
    enabled?: boolean;
    batchSize?: number;
    maximumBatchingWindowInSeconds?: number;
    metricsConfig?: MappingUpdate["metricsConfig"];
  } = {};
  if (body.Enabled !== undefined) {
    if (typeof body.Enabled !== "boolean")
      throw new ApiError(400, "InvalidParameterValueException", "Enabled must be a boolean");
    update.enabled = body.Enabled;
  }
  if (body.BatchSize !== undefined) {
    const n = Number(body.BatchSize);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      throw new ApiError(400, "InvalidParameterValueException", "BatchSize must be between 1 and 10000");
    }
    update.batchSize = n;
  }
  if (body.MaximumBatchingWindowInSeconds !== undefined) {
    const n = Number(body.MaximumBatchingWindowInSeconds);
    if (!Number.isInteger(n) || n < 0 || n > 300) {
      throw new ApiError(
        400,
        "InvalidParameterValueException",
        "MaximumBatchingWindowInSeconds must be between 0 and 300",
      );
    }
    update.maximumBatchingWindowInSeconds = n;
  }
  if (body.MetricsConfig !== undefined) {
    try {
      update.metricsConfig = parseMetricsConfig(body.MetricsConfig) ?? [];
    } catch (error) {
      throw new ApiError(400, "InvalidParameterValueException", (error as Error).message);
    }
  }
  return update;
}
