/**
 * The scheduler fires on its injected clock, hands each firing to Lambda through the one asynchronous invoke,
 * and applies the target's RetryPolicy and dead-letter queue when that hand-off fails.
 */
import { parseScheduleExpression } from "#local/lambda-service/schedules/expressions";
import type { ScheduleSpec, ScheduleTarget } from "#local/lambda-service/schedules/schedule-spec";
import {
  LocalScheduler,
  type RememberedSchedule,
  type ScheduleMemory,
} from "#local/lambda-service/schedules/scheduler";

const env = { region: "us-east-1", accountId: "000000000000" };

function target(overrides: Partial<ScheduleTarget> = {}): ScheduleTarget {
  return {
    id: "Target",
    functionName: "worker",
    input: { kind: "scheduler", input: '{"at":"<aws.scheduler.scheduled-time>","try":<aws.scheduler.attempt-number>}' },
    retry: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 },
    ...overrides,
  };
}

function spec(overrides: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    kind: "schedule",
    name: "nightly",
    stackName: "s",
    logicalId: "Nightly",
    arn: "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly",
    expression: parseScheduleExpression("cron(30 2 * * ? *)", { allowAt: true }),
    zone: "Europe/Berlin",
    enabled: true,
    targets: [target()],
    ...overrides,
  };
}

function harness(options: { failures?: number; memory?: ScheduleMemory; now?: string } = {}) {
  let now = Date.parse(options.now ?? "2026-03-28T00:00:00Z");
  let failures = options.failures ?? 0;
  const invoked: Array<{ name: string; payload: unknown }> = [];
  const deadLetters: Array<{ queue: string; body: string; attributes: Record<string, string> }> = [];
  const logs: string[] = [];
  const scheduler = new LocalScheduler({
    clock: { now: () => now },
    invokeAsync: async (name, payload) => {
      if (failures > 0) {
        failures -= 1;
        const error = new Error(`Function not found: ${name}`);
        error.name = "ResourceNotFoundException";
        throw error;
      }
      invoked.push({ name, payload: JSON.parse(payload.toString()) });
    },
    deadLetter: async (queue, body, attributes) => {
      deadLetters.push({ queue, body, attributes });
    },
    env,
    log: (_level, message) => logs.push(message),
    retryDelayMs: () => 0,
    ...(options.memory ? { memory: options.memory } : {}),
  });
  return {
    scheduler,
    invoked,
    deadLetters,
    logs,
    setNow: (iso: string) => {
      now = Date.parse(iso);
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

it("fires when the clock reaches the next firing, skipping the wall time daylight saving removes", async () => {
  const h = harness();
  h.scheduler.setSchedules([spec()]);
  expect(h.scheduler.status()[0]?.nextFire).toBe("2026-03-28T01:30:00.000Z");
  h.setNow("2026-03-28T01:29:59Z");
  h.scheduler.tick();
  await settle();
  expect(h.invoked).toEqual([]);
  h.setNow("2026-03-28T01:30:20Z");
  h.scheduler.tick();
  await settle();
  expect(h.invoked).toEqual([{ name: "worker", payload: { at: "2026-03-28T01:30:00Z", try: 1 } }]);
  // 29 March has no 02:30 in Berlin: the next is 30 March 02:30 CEST.
  expect(h.scheduler.status()[0]).toMatchObject({ nextFire: "2026-03-30T00:30:00.000Z", fired: 1 });
});

it("sends a rule's targets the scheduled event", async () => {
  const h = harness();
  const ruleArn = "arn:aws:events:us-east-1:000000000000:rule/tick";
  h.scheduler.setSchedules([
    spec({
      kind: "rule",
      name: "tick",
      arn: ruleArn,
      zone: "UTC",
      expression: parseScheduleExpression("rate(5 minutes)", { allowAt: false }),
      targets: [target({ input: { kind: "event" } })],
    }),
  ]);
  h.setNow("2026-03-28T00:05:00Z");
  h.scheduler.tick();
  await settle();
  expect(h.invoked[0]?.payload).toMatchObject({
    "detail-type": "Scheduled Event",
    source: "aws.events",
    time: "2026-03-28T00:05:00Z",
    resources: [ruleArn],
    account: "000000000000",
    region: "us-east-1",
    detail: {},
  });
});

it("fires a schedule now on request, even a disabled one, which has no next firing", async () => {
  const h = harness();
  h.scheduler.setSchedules([spec({ enabled: false })]);
  expect(h.scheduler.status()[0]?.nextFire).toBeUndefined();
  h.scheduler.runNow("nightly");
  await settle();
  expect(h.invoked).toEqual([{ name: "worker", payload: { at: "2026-03-28T00:00:00Z", try: 1 } }]);
  expect(() => h.scheduler.runNow("nope")).toThrow(/no schedule or scheduled rule named nope/);
});

it("fires a schedule by hand as if due at a given time, through its input template and retries", async () => {
  const h = harness({ failures: 1 });
  h.scheduler.setSchedules([
    spec({
      targets: [
        target({
          input: {
            kind: "scheduler",
            input:
              '{"at":"<aws.scheduler.scheduled-time>","id":"<aws.scheduler.execution-id>","try":<aws.scheduler.attempt-number>}',
          },
        }),
      ],
    }),
  ]);
  const next = h.scheduler.status()[0]?.nextFire;
  const run = h.scheduler.runNow("nightly", Date.parse("2026-11-29T12:00:00Z"));
  await settle();
  expect(run).toMatchObject({ name: "nightly", scheduledTime: "2026-11-29T12:00:00Z", nextFire: next });
  expect(h.invoked).toEqual([{ name: "worker", payload: { at: "2026-11-29T12:00:00Z", id: run.executionId, try: 2 } }]);
  expect(() => h.scheduler.runNow("nightly", Number.NaN)).toThrow(/must be an instant/);
  expect(() => h.scheduler.runNow("nope")).toThrow(/\(known: nightly\)/);
});

it("retries a failed hand-off, the attempt number counting up", async () => {
  const h = harness({ failures: 2 });
  h.scheduler.setSchedules([spec()]);
  h.scheduler.runNow("nightly");
  await settle();
  expect(h.invoked).toEqual([{ name: "worker", payload: { at: "2026-03-28T00:00:00Z", try: 3 } }]);
  expect(h.scheduler.status()[0]?.failedHandOffs).toBe(2);
});

it("after MaximumRetryAttempts, sends the input to the dead-letter queue with AWS's attributes", async () => {
  const h = harness({ failures: 5 });
  const queue = "arn:aws:sqs:us-east-1:000000000000:dlq";
  h.scheduler.setSchedules([
    spec({
      targets: [target({ retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 }, deadLetterArn: queue })],
    }),
  ]);
  h.scheduler.runNow("nightly");
  await settle();
  expect(h.invoked).toEqual([]);
  expect(h.deadLetters).toEqual([
    {
      queue,
      body: '{"at":"2026-03-28T00:00:00Z","try":2}',
      attributes: expect.objectContaining({
        ERROR_CODE: "ResourceNotFoundException",
        ERROR_MESSAGE: "Function not found: worker",
        RETRY_ATTEMPTS: "1",
        SCHEDULE_ARN: spec().arn,
        TARGET_ARN: "arn:aws:lambda:us-east-1:000000000000:function:worker",
      }),
    },
  ]);
});

it("gives up loudly without a dead-letter queue", async () => {
  const h = harness({ failures: 1 });
  h.scheduler.setSchedules([
    spec({ targets: [target({ retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 } })] }),
  ]);
  h.scheduler.runNow("nightly");
  await settle();
  expect(h.logs).toContain("schedule gave up handing its event to Lambda (no dead-letter queue)");
});

it("keeps an unchanged schedule's next firing across reloads, and drops removed ones", () => {
  const h = harness();
  const rate = spec({ zone: "UTC", expression: parseScheduleExpression("rate(1 hour)", { allowAt: true }) });
  h.scheduler.setSchedules([rate]);
  expect(h.scheduler.status()[0]?.nextFire).toBe("2026-03-28T00:00:00.000Z");
  h.setNow("2026-03-28T00:30:00Z");
  h.scheduler.setSchedules([rate]);
  expect(h.scheduler.status()[0]?.nextFire).toBe("2026-03-28T00:00:00.000Z");
  h.scheduler.setSchedules([]);
  expect(h.scheduler.status()).toEqual([]);
});

/** A memory that outlives the schedulers given it, as the service's file outlives a restart. */
function sharedMemory(): ScheduleMemory & { held: ReadonlyMap<string, RememberedSchedule> } {
  let held: ReadonlyMap<string, RememberedSchedule> = new Map();
  return {
    get held() {
      return held;
    },
    load: () => held,
    save: (schedules) => {
      held = new Map(schedules);
    },
  };
}

describe("across a restart of the service", () => {
  const hourly = spec({ zone: "UTC", expression: parseScheduleExpression("rate(1 hour)", { allowAt: true }) });
  const times = (h: ReturnType<typeof harness>) => h.invoked.map((i) => (i.payload as { at: string }).at);

  it("does not fire a rate schedule again when it restarts between firings", async () => {
    const memory = sharedMemory();
    const first = harness({ memory });
    first.scheduler.setSchedules([hourly]);
    first.scheduler.tick(); // its first firing, at creation (00:00), as on AWS
    await settle();
    expect(times(first)).toEqual(["2026-03-28T00:00:00Z"]);

    const restarted = harness({ memory, now: "2026-03-28T00:30:00Z" });
    restarted.scheduler.setSchedules([hourly]);
    restarted.scheduler.tick();
    await settle();
    expect(restarted.invoked).toEqual([]);
    expect(restarted.scheduler.status()[0]?.nextFire).toBe("2026-03-28T01:00:00.000Z");
  });

  it("fires a firing missed while it was down once, then keeps the creation's rhythm", async () => {
    const memory = sharedMemory();
    const first = harness({ memory });
    first.scheduler.setSchedules([hourly]);
    first.scheduler.tick();
    await settle();

    const restarted = harness({ memory, now: "2026-03-28T02:30:00Z" }); // 01:00 and 02:00 were missed
    restarted.scheduler.setSchedules([hourly]);
    restarted.scheduler.tick();
    await settle();
    expect(times(restarted)).toEqual(["2026-03-28T01:00:00Z"]);
    expect(restarted.scheduler.status()[0]?.nextFire).toBe("2026-03-28T03:00:00.000Z");
  });

  it("starts a changed schedule afresh, as a redeploy does on AWS", async () => {
    const memory = sharedMemory();
    const first = harness({ memory });
    first.scheduler.setSchedules([hourly]);
    first.scheduler.tick();
    await settle();

    const changed = spec({ zone: "UTC", expression: parseScheduleExpression("rate(2 hours)", { allowAt: true }) });
    const restarted = harness({ memory, now: "2026-03-28T00:30:00Z" });
    restarted.scheduler.setSchedules([changed]);
    restarted.scheduler.tick();
    await settle();
    expect(times(restarted)).toEqual(["2026-03-28T00:30:00Z"]);
  });

  it("remembers firings by the clock, not firings by hand at another time", async () => {
    const memory = sharedMemory();
    const first = harness({ memory });
    first.scheduler.setSchedules([hourly]);
    first.scheduler.tick();
    first.scheduler.runNow("nightly", Date.parse("2026-03-20T10:00:00Z"));
    await settle();
    expect(memory.held.get(hourly.arn)?.lastFireMs).toBe(Date.parse("2026-03-28T00:00:00Z"));
  });

  it("keeps what it remembers when the service starts with nothing deployed yet", () => {
    const memory = sharedMemory();
    harness({ memory }).scheduler.setSchedules([hourly]);
    harness({ memory }).scheduler.setSchedules([]);
    expect([...memory.held.keys()]).toEqual([hourly.arn]);
  });
});
