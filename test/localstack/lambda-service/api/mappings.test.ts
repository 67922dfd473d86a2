/**
 * UpdateEventSourceMapping's body as a local mapping takes it: only Enabled, BatchSize,
 * MaximumBatchingWindowInSeconds and MetricsConfig change (FunctionName and UUID may be repeated), within AWS's limits for a
 * Kafka mapping (BatchSize 1–10,000, MaximumBatchingWindowInSeconds 0–300), refused in the Lambda API's
 * InvalidParameterValueException with the messages declared here.
 */
import { ApiError } from "#local/lambda-service/api/http";
import { validateUpdate } from "#local/lambda-service/api/mappings";

function refusal(body: Record<string, unknown>): ApiError {
  try {
    validateUpdate(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

const invalid = (message: string) => ({ status: 400, type: "InvalidParameterValueException", kind: "User", message });

describe("validateUpdate", () => {
  it("takes the three fields a local mapping can change, at AWS's limits", () => {
    expect(validateUpdate({ Enabled: false, BatchSize: 1, MaximumBatchingWindowInSeconds: 0 })).toEqual({
      enabled: false,
      batchSize: 1,
      maximumBatchingWindowInSeconds: 0,
    });
    expect(validateUpdate({ BatchSize: 10_000, MaximumBatchingWindowInSeconds: 300 })).toEqual({
      batchSize: 10_000,
      maximumBatchingWindowInSeconds: 300,
    });
  });

  it("ignores FunctionName and UUID (the SDK repeats them) and changes nothing for an empty body", () => {
    expect(validateUpdate({ FunctionName: "f", UUID: "u" })).toEqual({});
    expect(validateUpdate({})).toEqual({});
  });

  it("reads numbers sent as numeric strings", () => {
    expect(validateUpdate({ BatchSize: "50", MaximumBatchingWindowInSeconds: "5" })).toEqual({
      batchSize: 50,
      maximumBatchingWindowInSeconds: 5,
    });
  });

  it.each([0, 10_001, 1.5, -1, "many"])("refuses BatchSize %p", (BatchSize) => {
    expect(refusal({ BatchSize })).toMatchObject(invalid("BatchSize must be between 1 and 10000"));
  });

  it.each([-1, 301, 0.5, "soon"])("refuses MaximumBatchingWindowInSeconds %p", (MaximumBatchingWindowInSeconds) => {
    expect(refusal({ MaximumBatchingWindowInSeconds })).toMatchObject(
      invalid("MaximumBatchingWindowInSeconds must be between 0 and 300"),
    );
  });

  it("takes MetricsConfig as `aws lambda update-event-source-mapping --metrics-config` sends it", () => {
    expect(validateUpdate({ MetricsConfig: { Metrics: ["EventCount", "KafkaMetrics"] } })).toEqual({
      metricsConfig: ["EventCount", "KafkaMetrics"],
    });
    expect(validateUpdate({ MetricsConfig: { Metrics: [] } })).toEqual({ metricsConfig: [] });
    expect(validateUpdate({ MetricsConfig: {} })).toEqual({ metricsConfig: [] });
  });

  it.each([
    [{ Metrics: ["Everything"] }, '["Everything"]'],
    [{ Metrics: "EventCount" }, '"EventCount"'],
    [
      { Metrics: ["EventCount", "ErrorCount", "KafkaMetrics", "EventCount"] },
      '["EventCount","ErrorCount","KafkaMetrics","EventCount"]',
    ],
  ])("refuses MetricsConfig %j", (MetricsConfig, shown) => {
    expect(refusal({ MetricsConfig })).toMatchObject(
      invalid(`MetricsConfig.Metrics must hold up to 3 of EventCount, ErrorCount, KafkaMetrics (got ${shown})`),
    );
  });

  it.each(["true", 1, null])("refuses a non-boolean Enabled %p", (Enabled) => {
    expect(refusal({ Enabled })).toMatchObject(invalid("Enabled must be a boolean"));
  });

  it("refuses by name a field a local mapping cannot change, before looking at the others", () => {
    expect(refusal({ BatchSize: 0, MaximumRetryAttempts: 3 })).toMatchObject(
      invalid(
        "MaximumRetryAttempts cannot be updated on a local event-source mapping (Enabled, BatchSize, MaximumBatchingWindowInSeconds, MetricsConfig can)",
      ),
    );
  });
});
