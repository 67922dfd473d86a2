/**
 * The service's scheduler settings: the test clock exists only when asked for, moves as told and refuses
 * nonsense; retry delays are shortened only by the test setting (both from the configuration).
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

it("has a test clock and short retries only when the configuration asks", () => {
  expect(schedulerSettings({ testClock: false }).testClock).toBeUndefined();
  expect(schedulerSettings({ testClock: false }).retryDelayMs).toBeUndefined();
  const test = schedulerSettings({ testClock: true, schedulerRetryDelayMs: 50 });
  expect(test.testClock).toBeInstanceOf(SettableClock);
  expect(test.retryDelayMs?.(7)).toBe(50);
  expect(schedulerSettings({ testClock: false, schedulerRetryDelayMs: 0 }).retryDelayMs?.(1)).toBe(0);
});

it("offers setClock only with the test clock", () => {
  const deps = {
    invokeAsync: async () => {},
    sqs: () => Promise.reject(new Error("unused")),
    env: { region: "us-east-1", accountId: "000000000000" },
    log: () => {},
  };
  expect(serviceScheduler({ testClock: false }, deps).setClock).toBeUndefined();
  const withClock = serviceScheduler({ testClock: true }, deps);
  expect(withClock.setClock?.({ now: "2030-01-01T00:00:00Z" }).now.slice(0, 16)).toBe("2030-01-01T00:00");
});
