/**
 * The Lambda service's test settings in the configuration: off or AWS's by default (metrics every 10 s), each
 * read from its environment variable, and a value that makes no sense refused with the variable's name.
 */
import { loadLocalConfig } from "#local/config";

const clean = { HOME: process.env.HOME, SLUICE_ROOT: process.cwd() };

it("leaves the Lambda service's test settings off by default", () => {
  expect(loadLocalConfig(clean).lambdaService).toEqual({ testClock: false, metricsPublishSeconds: 10 });
  expect(
    loadLocalConfig({
      ...clean,
      SLUICE_TEST_CLOCK: "",
      SLUICE_SCHEDULER_RETRY_DELAY_MS: "",
      SLUICE_ASYNC_RETRY_DELAYS_MS: " ",
      SLUICE_METRICS_PUBLISH_SECONDS: "",
    }).lambdaService,
  ).toEqual({ testClock: false, metricsPublishSeconds: 10 });
});

it("reads each from its environment variable", () => {
  const cfg = loadLocalConfig({
    ...clean,
    SLUICE_TEST_CLOCK: "1",
    SLUICE_SCHEDULER_RETRY_DELAY_MS: "50",
    SLUICE_ASYNC_RETRY_DELAYS_MS: "200,400,50,200",
    SLUICE_METRICS_PUBLISH_SECONDS: "1.5",
  });
  expect(cfg.lambdaService).toEqual({
    testClock: true,
    schedulerRetryDelayMs: 50,
    asyncRetryDelaysMs: "200,400,50,200",
    metricsPublishSeconds: 1.5,
  });
  expect(loadLocalConfig({ ...clean, SLUICE_METRICS_PUBLISH_SECONDS: "0" }).lambdaService.metricsPublishSeconds).toBe(
    0,
  );
  expect(loadLocalConfig({ ...clean, SLUICE_TEST_CLOCK: "0" }).lambdaService.testClock).toBe(false);
  expect(loadLocalConfig({ ...clean, SLUICE_SCHEDULER_RETRY_DELAY_MS: "0" }).lambdaService.schedulerRetryDelayMs).toBe(
    0,
  );
});

it("refuses nonsense, naming the variable", () => {
  expect(() => loadLocalConfig({ ...clean, SLUICE_TEST_CLOCK: "yes" })).toThrow(/SLUICE_TEST_CLOCK must be "1" or "0"/);
  expect(() => loadLocalConfig({ ...clean, SLUICE_SCHEDULER_RETRY_DELAY_MS: "soon" })).toThrow(
    /SLUICE_SCHEDULER_RETRY_DELAY_MS must be a number of milliseconds/,
  );
  expect(() => loadLocalConfig({ ...clean, SLUICE_SCHEDULER_RETRY_DELAY_MS: "-1" })).toThrow(
    /SLUICE_SCHEDULER_RETRY_DELAY_MS/,
  );
  expect(() => loadLocalConfig({ ...clean, SLUICE_METRICS_PUBLISH_SECONDS: "often" })).toThrow(
    /SLUICE_METRICS_PUBLISH_SECONDS must be a number of seconds/,
  );
});
