/**
 * The service's scheduler settings: the test clock exists only when asked for, moves as told and refuses
 * nonsense; retry delays are shortened only by the test setting.
 */
import { SettableClock, schedulerSettings, serviceScheduler } from "#local/lambda-service/schedules/wiring";

it("moves the test clock to an instant or by seconds, and refuses what is neither", () => {
  const clock = new SettableClock();
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
  const set = clock.set({ now: "2030-01-01T00:00:00Z" });
  expect(Math.abs(set - Date.parse("2030-01-01T00:00:00Z"))).toBeLessThan(1000);
  const moved = clock.set({ advanceSeconds: 3600 });
  expect(Math.abs(moved - Date.parse("2030-01-01T01:00:00Z"))).toBeLessThan(1000);
  expect(() => clock.set({ now: "tomorrow" })).toThrow(/not an ISO instant/);
  expect(() => clock.set({ advanceSeconds: "10" as unknown as number })).toThrow(/must be a number/);
});

it("has a test clock and short retries only when the environment asks", () => {
  expect(schedulerSettings({}).testClock).toBeUndefined();
  expect(schedulerSettings({}).retryDelayMs).toBeUndefined();
  const test = schedulerSettings({ SLUICE_TEST_CLOCK: "1", SLUICE_SCHEDULER_RETRY_DELAY_MS: "50" });
  expect(test.testClock).toBeInstanceOf(SettableClock);
  expect(test.retryDelayMs?.(7)).toBe(50);
  expect(() => schedulerSettings({ SLUICE_SCHEDULER_RETRY_DELAY_MS: "soon" })).toThrow(/must be a number/);
});

it("offers setClock only with the test clock", () => {
  const deps = {
    invokeAsync: async () => {},
    sqs: () => Promise.reject(new Error("unused")),
    env: { region: "us-east-1", accountId: "000000000000" },
    log: () => {},
  };
  expect(serviceScheduler({}, deps).setClock).toBeUndefined();
  const withClock = serviceScheduler({ SLUICE_TEST_CLOCK: "1" }, deps);
  expect(withClock.setClock?.({ now: "2030-01-01T00:00:00Z" }).now.slice(0, 16)).toBe("2030-01-01T00:00");
});
