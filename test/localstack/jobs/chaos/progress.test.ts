import { countDeliveries } from "#local/jobs/chaos/deliveries";
import { progressed, recoveryMs, type Sample, stalls } from "#local/jobs/chaos/progress";

const up = (t: number, committed: Record<string, number>, pending = true): Sample => ({
  t,
  up: true,
  committed,
  pending,
});
const down = (t: number): Sample => ({ t, up: false, committed: {}, pending: true });

describe("progress", () => {
  // transactions commits, the service is SIGKILLed at 1.2 s, restarted, and counts from 0 again.
  const samples: Sample[] = [
    up(0, { tx: 0, tags: 0 }),
    up(500, { tx: 100, tags: 0 }),
    up(1000, { tx: 200, tags: 50 }),
    down(1500),
    down(2000),
    up(2500, { tx: 0, tags: 0 }),
    up(3000, { tx: 0, tags: 0 }),
    up(3500, { tx: 40, tags: 0 }),
    up(4000, { tx: 40, tags: 30 }),
    up(4500, { tx: 40, tags: 30 }, false),
    up(9000, { tx: 40, tags: 30 }, false),
  ];

  test("a restarted service counting from 0 again is progress once its count grows", () => {
    expect(progressed(samples).map((s) => [...s].sort())).toEqual([
      [],
      ["tx"],
      ["tags", "tx"],
      [],
      [],
      [],
      [],
      ["tx"],
      ["tags"],
      [],
      [],
    ]);
  });

  test("a stall is a gap between commits (from the start, too); the time after the last commit is the end", () => {
    expect(stalls(samples)).toEqual([
      { fromMs: 0, toMs: 500 },
      { fromMs: 500, toMs: 1000 },
      { fromMs: 1000, toMs: 3500 },
      { fromMs: 3500, toMs: 4000 },
    ]);
    expect(stalls(samples, 1000)).toEqual([{ fromMs: 1000, toMs: 3500 }]);
    expect(stalls(samples, 3000)).toEqual([]);
  });

  test("recovery: from the injection until something is committed after the repair", () => {
    expect(recoveryMs(samples, { injectedMs: 1200, repairedMs: 2400 })).toBe(2300);
    // a killed worker of tags: its own function's progress counts
    expect(recoveryMs(samples, { injectedMs: 1200, repairedMs: 1200, functionName: "tags" })).toBe(2800);
    // nothing committed after it: no recovery to measure
    expect(recoveryMs(samples, { injectedMs: 4200, repairedMs: 4200 })).toBeUndefined();
  });
});

describe("countDeliveries", () => {
  test("records handed to a function more than once, per function", () => {
    const counts = countDeliveries([
      { f: "tx", o: { "transactions-0": [0, 1, 2], "transactions-1": [0] } },
      // the batch in flight when the service died, polled again after the restart
      { f: "tx", o: { "transactions-0": [1, 2, 3] } },
      { f: "tx", o: { "transactions-0": [2] } },
      { f: "tags", o: { "tweets-0": [0, 1] } },
    ]);
    expect(counts).toEqual([
      { functionName: "tags", records: 2, deliveries: 2, duplicated: 0, most: 1 },
      { functionName: "tx", records: 5, deliveries: 8, duplicated: 2, most: 3 },
    ]);
  });
});
