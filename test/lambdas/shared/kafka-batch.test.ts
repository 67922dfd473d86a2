import { correlationId, processKafkaBatch } from "#shared/kafka-batch";

const rec = (topic: string, partition: number, offset: number, key?: string) => ({ topic, partition, offset, key });
const quietLogger = { error: jest.fn(), appendKeys: jest.fn(), removeKeys: jest.fn() };

describe("processKafkaBatch", () => {
  test("all records succeed: no failures, each handled once in offset order per partition", async () => {
    const seen: string[] = [];
    const result = await processKafkaBatch(
      { "t-0": [rec("t", 0, 5), rec("t", 0, 3), rec("t", 0, 4)], "t-1": [rec("t", 1, 9)] },
      async (r) => {
        seen.push(correlationId(r));
      },
      quietLogger,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen.filter((s) => s.startsWith("t-0"))).toEqual(["t-0-3", "t-0-4", "t-0-5"]);
    expect(seen).toContain("t-1-9");
  });

  test("the first failure of a partition is reported in AWS's shape and the rest of that partition is skipped", async () => {
    const seen: string[] = [];
    const result = await processKafkaBatch(
      { "t-0": [rec("t", 0, 1), rec("t", 0, 2), rec("t", 0, 3)], "t-1": [rec("t", 1, 7), rec("t", 1, 8)] },
      async (r) => {
        seen.push(correlationId(r));
        if (r.partition === 0 && r.offset === 2) throw new Error("boom");
      },
      quietLogger,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: "t-0", offset: 2 } }] });
    expect(seen).not.toContain("t-0-3");
    expect(seen).toEqual(expect.arrayContaining(["t-0-1", "t-0-2", "t-1-7", "t-1-8"]));
    expect(quietLogger.error).toHaveBeenCalledWith(
      expect.stringContaining("record failed"),
      expect.objectContaining({ correlationId: "t-0-2" }),
    );
  });

  test("an empty batch succeeds", async () => {
    await expect(processKafkaBatch({}, async () => undefined, quietLogger)).resolves.toEqual({ batchItemFailures: [] });
  });

  describe("with a concurrency above 1", () => {
    /** A handler whose records finish when the test says, noting what runs when. */
    function gated() {
      const running = new Set<number>();
      const log: string[] = [];
      let most = 0;
      const gates = new Map<number, () => void>();
      const handle = async (r: { offset: number }) => {
        running.add(r.offset);
        most = Math.max(most, running.size);
        log.push(`start ${r.offset}`);
        await new Promise<void>((resolve) => gates.set(r.offset, resolve));
        running.delete(r.offset);
        log.push(`end ${r.offset}`);
      };
      const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
      const release = async (offset: number) => {
        await settle();
        const open = gates.get(offset);
        if (!open) throw new Error(`record ${offset} is not running`);
        open();
        await settle();
      };
      return { handle, log, running, release, settle, most: () => most };
    }

    test("records of different keys overlap, at most `concurrency` at a time", async () => {
      const g = gated();
      const records = { "t-0": [1, 2, 3, 4, 5].map((o) => rec("t", 0, o, `person-${o}`)) };
      const done = processKafkaBatch(records, g.handle, quietLogger, { concurrency: 3 });
      await g.settle();
      expect([...g.running].sort()).toEqual([1, 2, 3]);
      for (const o of [2, 1, 3, 4, 5]) await g.release(o);
      await expect(done).resolves.toEqual({ batchItemFailures: [] });
      expect(g.most()).toBe(3);
    });

    test("records of one key never overlap and keep their offset order", async () => {
      const g = gated();
      const records = {
        "t-0": [rec("t", 0, 3, "A"), rec("t", 0, 1, "A"), rec("t", 0, 2, "B"), rec("t", 0, 4, "A")],
      };
      const done = processKafkaBatch(records, g.handle, quietLogger, { concurrency: 8 });
      await g.settle();
      expect([...g.running].sort()).toEqual([1, 2]);
      await g.release(1);
      expect([...g.running].sort()).toEqual([2, 3]);
      await g.release(3);
      await g.release(4);
      await g.release(2);
      await done;
      const aOrder = g.log.filter((l) => /^(start|end) [134]$/.test(l));
      expect(aOrder).toEqual(["start 1", "end 1", "start 3", "end 3", "start 4", "end 4"]);
    });

    test("after a failure, earlier records still run, later ones do not start, and the lowest failure is reported", async () => {
      const ran: number[] = [];
      // Lanes: 1 and 2 share key a (2 waits for the slow 1); 3 fails at once; 4 is queued behind them.
      const records = { "t-0": [rec("t", 0, 1, "a"), rec("t", 0, 2, "a"), rec("t", 0, 3, "b"), rec("t", 0, 4, "c")] };
      const result = await processKafkaBatch(
        records,
        async (r) => {
          ran.push(r.offset);
          if (r.offset === 1) await new Promise((resolve) => setTimeout(resolve, 30));
          if (r.offset === 2 || r.offset === 3) throw new Error(`record ${r.offset} is bad`);
        },
        quietLogger,
        { concurrency: 2 },
      );
      expect(ran).toEqual([1, 3, 2]); // 2 started after 3 had failed: it comes before it
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: "t-0", offset: 2 } }] });
    });

    test("a concurrency that is not a whole number of at least 1 is refused", async () => {
      await expect(processKafkaBatch({}, async () => undefined, quietLogger, { concurrency: 0 })).rejects.toThrow(
        /concurrency must be a whole number/,
      );
    });
  });
});
