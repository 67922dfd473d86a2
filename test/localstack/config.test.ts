/**
 * The Lambda service's test settings in the configuration: off or AWS's by default (metrics every 10 s), each
 * read from its environment variable, and a value that makes no sense refused with the variable's name.
 */
import { loadLocalConfig } from "#local/config";

const clean = { HOME: process.env.HOME, SLUICE_ROOT: process.cwd() };

it("leaves the Lambda service's test settings off by default", () => {
  expect(loadLocalConfig(clean).lambdaService).toEqual({
    testClock: false,
    metricsPublishSeconds: 10,
    kafkaSessionTimeoutMs: 6_000,
  });
  expect(
    loadLocalConfig({
      ...clean,
      SLUICE_TEST_CLOCK: "",
      SLUICE_SCHEDULER_RETRY_DELAY_MS: "",
      SLUICE_ASYNC_RETRY_DELAYS_MS: " ",
      SLUICE_METRICS_PUBLISH_SECONDS: "",
      SLUICE_KAFKA_SESSION_TIMEOUT_MS: "",
    }).lambdaService,
  ).toEqual({ testClock: false, metricsPublishSeconds: 10, kafkaSessionTimeoutMs: 6_000 });
});

it("reads each from its environment variable", () => {
  const cfg = loadLocalConfig({
    ...clean,
    SLUICE_TEST_CLOCK: "1",
    SLUICE_SCHEDULER_RETRY_DELAY_MS: "50",
    SLUICE_ASYNC_RETRY_DELAYS_MS: "200,400,50,200",
    SLUICE_METRICS_PUBLISH_SECONDS: "1.5",
    SLUICE_KAFKA_SESSION_TIMEOUT_MS: "45000",
  });
  expect(cfg.lambdaService).toEqual({
    testClock: true,
    schedulerRetryDelayMs: 50,
    asyncRetryDelaysMs: "200,400,50,200",
    metricsPublishSeconds: 1.5,
    kafkaSessionTimeoutMs: 45_000,
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
  // The broker refuses a join outside group.min/max.session.timeout.ms (6 s, 30 min): refused here, by name.
  for (const raw of ["5999", "1800001", "6000.5", "soon", "-1"]) {
    expect(() => loadLocalConfig({ ...clean, SLUICE_KAFKA_SESSION_TIMEOUT_MS: raw })).toThrow(
      new RegExp(
        `SLUICE_KAFKA_SESSION_TIMEOUT_MS must be a whole number of milliseconds from 6000 to 1800000.*"${raw}"`,
      ),
    );
  }
  expect(() => loadLocalConfig({ ...clean, SLUICE_DELIVERY_LOG: "logs/deliveries.jsonl" })).toThrow(
    /SLUICE_DELIVERY_LOG must be an absolute file path, got "logs\/deliveries.jsonl"/,
  );
  expect(loadLocalConfig({ ...clean, SLUICE_DELIVERY_LOG: "/tmp/d.jsonl" }).lambdaService.deliveryLog).toBe(
    "/tmp/d.jsonl",
  );
  for (const ms of [6_000, 1_800_000]) {
    expect(
      loadLocalConfig({ ...clean, SLUICE_KAFKA_SESSION_TIMEOUT_MS: String(ms) }).lambdaService.kafkaSessionTimeoutMs,
    ).toBe(ms);
  }
});

it("gives DynamoDB Local a 1g heap unless told otherwise, and refuses what -Xmx would not take", () => {
  expect(loadLocalConfig(clean).dynamodbHeap).toBe("1g");
  expect(loadLocalConfig({ ...clean, SLUICE_DYNAMODB_HEAP: "768m" }).dynamodbHeap).toBe("768m");
  for (const raw of ["1 g", "1.5g", "2gb", "0m"]) {
    expect(() => loadLocalConfig({ ...clean, SLUICE_DYNAMODB_HEAP: raw })).toThrow(
      /SLUICE_DYNAMODB_HEAP must be a Java heap size/,
    );
  }
});
