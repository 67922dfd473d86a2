/**
 * The retry schedule of asynchronous invocation, as the Lambda developer guide documents it: a function
 * error is retried twice by default, one minute then two minutes later; throttles and system errors are
 * retried with waits from 1 second doubling up to 5 minutes, until the event is older than its maximum age.
 */
import { AWS_RETRY_DELAYS, nextStep, retryDelaysFromEnv, tooOld } from "#local/lambda-service/async/policy";

const defaults = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 };
const T0 = 1_700_000_000_000;

describe("nextStep", () => {
  it("records a success", () => {
    expect(
      nextStep("success", { enqueuedAtMs: T0, functionErrors: 0, throttles: 0 }, defaults, AWS_RETRY_DELAYS, T0),
    ).toEqual({
      action: "success",
    });
  });

  it("retries a function error after 1 minute, then 2 minutes, then gives up (3 attempts)", () => {
    const at = T0 + 5_000;
    expect(
      nextStep("function-error", { enqueuedAtMs: T0, functionErrors: 1, throttles: 0 }, defaults, AWS_RETRY_DELAYS, at),
    ).toEqual({
      action: "retry",
      atMs: at + 60_000,
    });
    expect(
      nextStep("function-error", { enqueuedAtMs: T0, functionErrors: 2, throttles: 0 }, defaults, AWS_RETRY_DELAYS, at),
    ).toEqual({
      action: "retry",
      atMs: at + 120_000,
    });
    expect(
      nextStep("function-error", { enqueuedAtMs: T0, functionErrors: 3, throttles: 0 }, defaults, AWS_RETRY_DELAYS, at),
    ).toEqual({
      action: "discard",
      condition: "RetriesExhausted",
    });
  });

  it("gives up after the first error with MaximumRetryAttempts 0", () => {
    const config = { ...defaults, maximumRetryAttempts: 0 };
    expect(
      nextStep("function-error", { enqueuedAtMs: T0, functionErrors: 1, throttles: 0 }, config, AWS_RETRY_DELAYS, T0),
    ).toEqual({
      action: "discard",
      condition: "RetriesExhausted",
    });
  });

  it("retries throttles from 1 s doubling to at most 5 min", () => {
    const step = (throttles: number) =>
      nextStep("throttled", { enqueuedAtMs: T0, functionErrors: 0, throttles }, defaults, AWS_RETRY_DELAYS, T0);
    expect(step(1)).toEqual({ action: "retry", atMs: T0 + 1_000 });
    expect(step(2)).toEqual({ action: "retry", atMs: T0 + 2_000 });
    expect(step(3)).toEqual({ action: "retry", atMs: T0 + 4_000 });
    expect(step(10)).toEqual({ action: "retry", atMs: T0 + 300_000 });
    expect(step(100)).toEqual({ action: "retry", atMs: T0 + 300_000 });
  });

  it("discards with EventAgeExceeded when the next try would be past the maximum age", () => {
    const config = { ...defaults, maximumEventAgeSeconds: 60 };
    expect(
      nextStep(
        "service-error",
        { enqueuedAtMs: T0, functionErrors: 0, throttles: 1 },
        config,
        AWS_RETRY_DELAYS,
        T0 + 59_500,
      ),
    ).toEqual({
      action: "discard",
      condition: "EventAgeExceeded",
    });
    expect(
      nextStep(
        "function-error",
        { enqueuedAtMs: T0, functionErrors: 1, throttles: 0 },
        config,
        AWS_RETRY_DELAYS,
        T0 + 1_000,
      ),
    ).toEqual({
      action: "discard",
      condition: "EventAgeExceeded",
    });
  });
});

describe("tooOld", () => {
  it("is true past MaximumEventAgeInSeconds only", () => {
    expect(tooOld({ enqueuedAtMs: T0 }, defaults, T0 + 21_600_000)).toBe(false);
    expect(tooOld({ enqueuedAtMs: T0 }, defaults, T0 + 21_600_001)).toBe(true);
  });
});

describe("retryDelaysFromEnv", () => {
  it("is AWS's schedule when unset", () => {
    expect(retryDelaysFromEnv(undefined)).toEqual({
      functionErrorMs: [60_000, 120_000],
      throttleMinMs: 1_000,
      throttleMaxMs: 300_000,
    });
  });

  it("reads shortened delays", () => {
    expect(retryDelaysFromEnv("10,20")).toEqual({
      functionErrorMs: [10, 20],
      throttleMinMs: 1_000,
      throttleMaxMs: 300_000,
    });
    expect(retryDelaysFromEnv("10,20,5,50")).toEqual({
      functionErrorMs: [10, 20],
      throttleMinMs: 5,
      throttleMaxMs: 50,
    });
  });

  it("names the variable when malformed", () => {
    expect(() => retryDelaysFromEnv("10")).toThrow(/SLUICE_ASYNC_RETRY_DELAYS_MS/);
    expect(() => retryDelaysFromEnv("a,b")).toThrow(/SLUICE_ASYNC_RETRY_DELAYS_MS/);
  });
});
