/**
 * The service's scheduler settings: the test clock exists only when asked for, moves as told and refuses
 * nonsense; retry delays are shortened only by the test setting (both from the configuration).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  fileScheduleMemory,
  SettableClock,
  scheduleMemoryFile,
  schedulerSettings,
  serviceScheduler,
} from "#local/lambda-service/schedules/wiring";

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

describe("the schedules' memory file", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-schedules-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives back what it was given, and nothing when there is no file yet", () => {
    const file = join(dir, "nested", "schedules.json");
    const memory = fileScheduleMemory(file, () => {});
    expect(memory.load().size).toBe(0);
    memory.save(new Map([["arn:a", { key: "k", anchorMs: 1, lastFireMs: 3_600_001 }]]));
    expect([...fileScheduleMemory(file, () => {}).load()]).toEqual([
      ["arn:a", { key: "k", anchorMs: 1, lastFireMs: 3_600_001 }],
    ]);
  });

  it("starts afresh from a file it cannot read, and says so", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ not json");
    const warnings: string[] = [];
    expect(fileScheduleMemory(file, (_level, message) => warnings.push(message)).load().size).toBe(0);
    expect(warnings).toEqual(["the schedules' memory is unreadable; they start afresh"]);
  });

  it("lives in the state directory", () => {
    expect(scheduleMemoryFile({ stateDir: "/x/.local" })).toBe("/x/.local/lambda-service/schedules.json");
  });
});
