import { parseFaultKinds, planFaults } from "#local/jobs/chaos/schedule";
import { seededRng } from "#local/support/random";

const counts = { service: 20, worker: 5, broker: 1, localstack: 1 };

describe("planFaults", () => {
  test("the same seed gives the same plan; another seed another", () => {
    const a = planFaults(seededRng(42), { kinds: ["service", "worker", "broker"], counts, windowMs: 300_000 });
    const b = planFaults(seededRng(42), { kinds: ["service", "worker", "broker"], counts, windowMs: 300_000 });
    const c = planFaults(seededRng(43), { kinds: ["service", "worker", "broker"], counts, windowMs: 300_000 });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test("as many faults of each chosen kind as asked, none of the others, sorted, inside the spread of the window", () => {
    const plan = planFaults(seededRng(7), { kinds: ["service", "broker"], counts, windowMs: 100_000, spread: 0.5 });
    expect(plan.filter((f) => f.kind === "service")).toHaveLength(20);
    expect(plan.filter((f) => f.kind === "broker")).toHaveLength(1);
    expect(plan.filter((f) => f.kind === "worker" || f.kind === "localstack")).toHaveLength(0);
    expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((x, y) => x - y));
    for (const f of plan) {
      expect(f.atMs).toBeGreaterThanOrEqual(0);
      expect(f.atMs).toBeLessThanOrEqual(50_000);
    }
  });

  test("down times: the service 0–3 s, the broker 5–15 s, the others none", () => {
    const plan = planFaults(seededRng(1), {
      kinds: ["service", "worker", "broker", "localstack"],
      counts,
      windowMs: 60_000,
    });
    for (const f of plan) {
      if (f.kind === "service") expect(f.downMs).toBeLessThanOrEqual(3_000);
      if (f.kind === "broker") {
        expect(f.downMs).toBeGreaterThanOrEqual(5_000);
        expect(f.downMs).toBeLessThanOrEqual(15_000);
      }
      if (f.kind === "worker" || f.kind === "localstack") expect(f.downMs).toBe(0);
    }
  });

  test("a plan with every count at 0 is empty", () => {
    expect(
      planFaults(seededRng(1), {
        kinds: ["service"],
        counts: { service: 0, worker: 0, broker: 0, localstack: 0 },
        windowMs: 1000,
      }),
    ).toEqual([]);
  });
});

describe("parseFaultKinds", () => {
  test.each([
    ["all", ["service", "worker", "broker", "localstack"]],
    ["service,worker,broker", ["service", "worker", "broker"]],
    [" broker , broker", ["broker"]],
  ])("%j", (text, kinds) => {
    expect(parseFaultKinds(text)).toEqual(kinds);
  });

  test("an unknown kind is refused by name", () => {
    expect(() => parseFaultKinds("service,network")).toThrow(/--faults .*"service,network"/);
  });
});
