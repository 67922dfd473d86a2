import type { Context } from "aws-lambda";
import type { OutputMessage, RecordOutcome } from "#shared/outcome";

// The logger reads its level when it is created: loaded after this, the records' log lines stay quiet.
process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
let kafkaStageHandler: typeof import("#shared/stage-handler").kafkaStageHandler;
beforeAll(async () => {
  ({ kafkaStageHandler } = await import("#shared/stage-handler"));
});

const context = {
  functionName: "sluice-pipeline-test",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:sluice-pipeline-test",
  memoryLimitInMB: "512",
  awsRequestId: "request-1",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** A self-managed Kafka event as Lambda delivers it: values base64-encoded, grouped by `topic-partition`. */
function event(records: Array<{ topic: string; partition: number; offset: number; value: string }>) {
  const grouped: Record<string, unknown[]> = {};
  for (const r of records) {
    const list = grouped[`${r.topic}-${r.partition}`] ?? [];
    grouped[`${r.topic}-${r.partition}`] = list;
    list.push({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: 1_700_000_000_000,
      timestampType: "CREATE_TIME",
      key: Buffer.from("Q42").toString("base64"),
      value: Buffer.from(r.value).toString("base64"),
      headers: [],
    });
  }
  return { eventSource: "SelfManagedKafka", bootstrapServers: "127.0.0.1:9092", records: grouped };
}

const settings = { INPUT_TOPIC: "faces-in" };

describe("kafkaStageHandler", () => {
  test("hands the domain function each record's decoded value and its correlation id", async () => {
    const seen: Array<[string, string]> = [];
    const handler = kafkaStageHandler(
      async (record, { correlationId }) => {
        seen.push([record.value, correlationId]);
        return { outcome: "ok" };
      },
      { settings, emit: async () => {} },
    );
    await handler(event([{ topic: "faces-in", partition: 0, offset: 7, value: '{"name":"Zoë"}' }]) as never, context);
    expect(seen).toEqual([['{"name":"Zoë"}', "faces-in-0-7"]]);
  });

  test("the batch's outputs go in one send, in offset order, after every record and before afterBatch", async () => {
    const steps: string[] = [];
    const handler = kafkaStageHandler<string>(
      async (record) => {
        steps.push(`process ${record.offset}`);
        return { outcome: "ok", emit: [{ key: "Q42", value: record.offset }], value: `row ${record.offset}` };
      },
      {
        settings,
        emit: async (messages: readonly OutputMessage[]) => {
          steps.push(`emit ${messages.map((m) => m.value).join(",")}`);
        },
        afterBatch: async (processed) => {
          steps.push(`afterBatch ${processed.map((p) => p.outcome.value).join(",")}`);
        },
      },
    );
    const response = await handler(
      event([
        { topic: "faces-in", partition: 0, offset: 2, value: "b" },
        { topic: "faces-in", partition: 0, offset: 1, value: "a" },
      ]) as never,
      context,
    );
    expect(steps).toEqual(["process 1", "process 2", "emit 1,2", "afterBatch row 1,row 2"]);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  test("when the batch's outputs cannot be sent nothing is done: every partition is retried from its first record", async () => {
    const afterBatch = jest.fn(async () => {});
    const handler = kafkaStageHandler(
      async (record): Promise<RecordOutcome> => ({ outcome: "ok", emit: [{ key: "k", value: record.offset }] }),
      {
        settings,
        emit: async () => {
          throw new Error("broker unavailable");
        },
        afterBatch,
      },
    );
    const response = await handler(
      event([
        { topic: "faces-in", partition: 1, offset: 4, value: "x" },
        { topic: "faces-in", partition: 1, offset: 5, value: "y" },
        { topic: "faces-in", partition: 2, offset: 9, value: "z" },
      ]) as never,
      context,
    );
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: { partition: "faces-in-1", offset: 4 } },
        { itemIdentifier: { partition: "faces-in-2", offset: 9 } },
      ],
    });
    expect(afterBatch).not.toHaveBeenCalled();
  });

  test("records before a partition's failure are sent and handed to afterBatch; the failed one and later are not", async () => {
    const sent: unknown[] = [];
    const after: number[] = [];
    const handler = kafkaStageHandler(
      async (record): Promise<RecordOutcome> => {
        if (record.value === "bad") throw new Error("not a valid message");
        return { outcome: "ok", emit: [{ key: "k", value: record.offset }] };
      },
      {
        settings: { ...settings, STAGE_CONCURRENCY: 4 },
        emit: async (messages) => {
          sent.push(...messages.map((m) => m.value));
        },
        afterBatch: async (done) => {
          after.push(...done.map((p) => p.record.offset));
        },
      },
    );
    const response = await handler(
      event([
        { topic: "faces-in", partition: 0, offset: 1, value: "good" },
        { topic: "faces-in", partition: 0, offset: 2, value: "bad" },
        { topic: "faces-in", partition: 0, offset: 3, value: "good" },
      ]) as never,
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: "faces-in-0", offset: 2 } }] });
    expect(sent).toEqual([1]);
    expect(after).toEqual([1]);
  });

  test("failed records come back in the partial batch response, one per failing partition", async () => {
    const handler = kafkaStageHandler(
      async (record): Promise<RecordOutcome> => {
        if (record.value === "bad") throw new Error("not a valid message");
        return { outcome: "ok" };
      },
      { settings, emit: async () => {} },
    );
    const response = await handler(
      event([
        { topic: "faces-in", partition: 3, offset: 11, value: "good" },
        { topic: "faces-in", partition: 3, offset: 12, value: "bad" },
        { topic: "faces-in", partition: 3, offset: 13, value: "good" },
        { topic: "faces-in", partition: 4, offset: 2, value: "good" },
      ]) as never,
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: "faces-in-3", offset: 12 } }] });
  });

  test("an afterBatch failure fails the whole batch", async () => {
    const handler = kafkaStageHandler(async (): Promise<RecordOutcome> => ({ outcome: "ok" }), {
      settings,
      emit: async () => {},
      afterBatch: async () => {
        throw new Error("lake bucket unavailable");
      },
    });
    await expect(
      handler(event([{ topic: "faces-in", partition: 0, offset: 0, value: "v" }]) as never, context),
    ).rejects.toThrow("lake bucket unavailable");
  });

  test("an event that is not a self-managed Kafka event is refused before any record is processed", async () => {
    const process = jest.fn(async (): Promise<RecordOutcome> => ({ outcome: "ok" }));
    const handler = kafkaStageHandler(process, { settings, emit: async () => {} });
    await expect(handler({ eventSource: "aws:sqs", records: {} } as never, context)).rejects.toThrow();
    expect(process).not.toHaveBeenCalled();
  });
});
