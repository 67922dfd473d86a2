import { correlationId, processKafkaBatch } from "#shared/kafka-batch";

const rec = (topic: string, partition: number, offset: number) => ({ topic, partition, offset });
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
});
