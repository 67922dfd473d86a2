/**
 * The function's partial batch response for Kafka (FunctionResponseTypes: ReportBatchItemFailures):
 *
 *   {"batchItemFailures":[{"itemIdentifier":{"partition":"<topic>-<n>","offset":N}}]}
 *
 * AWS developer guide, "Configuring error handling controls for Kafka event sources" → PartialBatchResponse:
 * "If you return an empty valid JSON or null, the event source mapping will consider a batch as
 * successfully processed. Any invalid topic-partition_number or offset returned that was not present in
 * the invoked event will be treated as failure and entire batch will be retried."
 * As for streams, an empty or null `batchItemFailures` list is a success; anything of another shape fails
 * the whole batch. Per partition, the lowest reported offset is where processing resumes: the records
 * before it succeeded.
 */
import { type PolledRecord, partitionKey } from "./event";

export type BatchResponse =
  | { readonly kind: "success" }
  /** partition key → the lowest failed offset reported for it. Partitions not listed succeeded. */
  | { readonly kind: "partial"; readonly failedFrom: ReadonlyMap<string, number> }
  | { readonly kind: "invalid"; readonly reason: string };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Interprets a successful invocation's response payload against the batch it answered. */
export function parseBatchResponse(payload: Buffer | string, batch: readonly PolledRecord[]): BatchResponse {
  const text = (typeof payload === "string" ? payload : payload.toString("utf8")).trim();
  if (text === "") return { kind: "success" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "the response is not JSON" };
  }
  if (parsed === null) return { kind: "success" };
  if (!isPlainObject(parsed)) return { kind: "invalid", reason: "the response is not a JSON object" };
  const failures = parsed.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: "success" };
  if (!Array.isArray(failures)) return { kind: "invalid", reason: "batchItemFailures is not a list" };
  if (failures.length === 0) return { kind: "success" };

  const offsetsByPartition = new Map<string, Set<number>>();
  for (const record of batch) {
    const key = partitionKey(record.topic, record.partition);
    const offsets = offsetsByPartition.get(key) ?? new Set<number>();
    offsets.add(record.offset);
    offsetsByPartition.set(key, offsets);
  }

  const failedFrom = new Map<string, number>();
  for (const [index, failure] of failures.entries()) {
    const id = isPlainObject(failure) ? failure.itemIdentifier : undefined;
    if (!isPlainObject(id))
      return { kind: "invalid", reason: `batchItemFailures[${index}] has no itemIdentifier object` };
    const { partition, offset } = id;
    if (typeof partition !== "string" || partition === "") {
      return {
        kind: "invalid",
        reason: `batchItemFailures[${index}].itemIdentifier.partition is not a "<topic>-<n>" string`,
      };
    }
    if (typeof offset !== "number" || !Number.isSafeInteger(offset)) {
      return { kind: "invalid", reason: `batchItemFailures[${index}].itemIdentifier.offset is not an integer` };
    }
    const offsets = offsetsByPartition.get(partition);
    if (!offsets) return { kind: "invalid", reason: `partition ${partition} is not in the batch` };
    if (!offsets.has(offset))
      return { kind: "invalid", reason: `offset ${offset} of ${partition} is not in the batch` };
    const lowest = failedFrom.get(partition);
    if (lowest === undefined || offset < lowest) failedFrom.set(partition, offset);
  }
  return { kind: "partial", failedFrom };
}
