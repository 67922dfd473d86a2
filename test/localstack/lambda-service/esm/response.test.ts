/** The partial batch response (ReportBatchItemFailures) as AWS documents it for Kafka. */
import { parseBatchResponse } from "#local/lambda-service/esm/response";
import { fetched } from "./records";

describe("batch responses (no Kafka)", () => {
  test("batchItemFailures parsing", () => {
    const batch = [fetched(0, 3, "a"), fetched(0, 4, "b"), fetched(1, 7, "c")];
    const failure = (partition: unknown, offset: unknown) => ({ itemIdentifier: { partition, offset } });
    expect(parseBatchResponse("", batch).kind).toBe("success");
    expect(parseBatchResponse("null", batch).kind).toBe("success");
    expect(parseBatchResponse("{}", batch).kind).toBe("success");
    expect(parseBatchResponse(JSON.stringify({ batchItemFailures: [] }), batch).kind).toBe("success");
    const partial = parseBatchResponse(
      JSON.stringify({ batchItemFailures: [failure("t-0", 4), failure("t-0", 3)] }),
      batch,
    );
    expect(partial).toEqual({ kind: "partial", failedFrom: new Map([["t-0", 3]]) });
    for (const bad of [
      "not json",
      '"ok"',
      "[]",
      JSON.stringify({ batchItemFailures: {} }),
      JSON.stringify({ batchItemFailures: [failure("t-9", 3)] }),
      JSON.stringify({ batchItemFailures: [failure("t-1", 3)] }),
      JSON.stringify({ batchItemFailures: [failure("", 3)] }),
      JSON.stringify({ batchItemFailures: [{ partition: "t-0", offset: 3 }] }),
    ]) {
      expect([bad, parseBatchResponse(bad, batch).kind]).toEqual([bad, "invalid"]);
    }
  });
});
