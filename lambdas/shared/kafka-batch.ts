/**
 * Per-record processing of a self-managed Kafka batch with AWS's partial-batch response.
 *
 * Partitions run concurrently. Within a partition, records of one key run one after another in offset order;
 * with a concurrency above 1, records of different keys overlap, at most that many at a time (records without a
 * key share one lane). On AWS too a Kafka mapping hands a partition's records to one invocation at a time, so this
 * is a stage's only lever for throughput.
 *
 * After a failure no record of that partition after it starts (those in flight finish; those before it still run),
 * and the lowest failed offset is reported as `{ partition: "<topic>-<n>", offset: N }`: Lambda redelivers the
 * partition from there, so a record after it that had already run runs again — every stage is idempotent by its
 * record's correlation id.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import PQueue from "p-queue";

export interface KafkaRecordLike {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The record's key as text, when it has one. */
  readonly key?: string | null;
}

export interface BatchItemFailure {
  readonly itemIdentifier: { readonly partition: string; readonly offset: number };
}

export interface KafkaBatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

/** `topic-partition-offset`: unique per record, the correlation id of every log line about it. */
export function correlationId(record: KafkaRecordLike): string {
  return `${record.topic}-${record.partition}-${record.offset}`;
}

export type RecordHandler<R extends KafkaRecordLike> = (record: R) => Promise<void>;

export interface BatchOptions {
  /** Records of one partition in flight at once (different keys only); default 1: strictly one after another. */
  readonly concurrency?: number;
}

type BatchLogger = Pick<Logger, "error" | "appendKeys" | "removeKeys">;

export async function processKafkaBatch<R extends KafkaRecordLike>(
  records: Record<string, R[]>,
  handle: RecordHandler<R>,
  logger: BatchLogger,
  options: BatchOptions = {},
): Promise<KafkaBatchResponse> {
  const concurrency = options.concurrency ?? 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  }
  const failures = await Promise.all(
    Object.entries(records).map(async ([partitionKey, partitionRecords]): Promise<BatchItemFailure | undefined> => {
      const ordered = [...partitionRecords].sort((a, b) => a.offset - b.offset);
      const failedAt =
        concurrency === 1
          ? await oneAfterAnother(ordered, handle, logger)
          : await byKey(ordered, handle, logger, concurrency);
      return failedAt === undefined ? undefined : { itemIdentifier: { partition: partitionKey, offset: failedAt } };
    }),
  );
  return { batchItemFailures: failures.filter((f): f is BatchItemFailure => f !== undefined) };
}

/** Runs one record; on failure logs it and answers false. */
async function attempt<R extends KafkaRecordLike>(record: R, handle: RecordHandler<R>, logger: BatchLogger) {
  try {
    await handle(record);
    return true;
  } catch (error) {
    logger.error("record failed; the rest of its partition is retried from here", {
      correlationId: correlationId(record),
      error: error as Error,
    });
    return false;
  }
}

/** The offset of the first record that failed, the records after it not started. */
async function oneAfterAnother<R extends KafkaRecordLike>(
  ordered: readonly R[],
  handle: RecordHandler<R>,
  logger: BatchLogger,
): Promise<number | undefined> {
  for (const record of ordered) {
    if (!(await attempt(record, handle, logger))) return record.offset;
  }
  return undefined;
}

/** One lane per key, at most `concurrency` records running; the lowest failed offset. */
async function byKey<R extends KafkaRecordLike>(
  ordered: readonly R[],
  handle: RecordHandler<R>,
  logger: BatchLogger,
  concurrency: number,
): Promise<number | undefined> {
  const queue = new PQueue({ concurrency });
  const lanes = new Map<string, Promise<void>>();
  let failedAt: number | undefined;
  // Redelivered from the lowest failed offset anyway: a record past it need not run now.
  const redelivered = (offset: number): boolean => failedAt !== undefined && offset > failedAt;
  const runs = ordered.map((record) => {
    const lane = record.key ?? "";
    const run = (lanes.get(lane) ?? Promise.resolve()).then(async () => {
      if (redelivered(record.offset)) return;
      await queue.add(async () => {
        if (redelivered(record.offset)) return;
        if (!(await attempt(record, handle, logger))) {
          failedAt = Math.min(failedAt ?? record.offset, record.offset);
        }
      });
    });
    lanes.set(lane, run);
    return run;
  });
  await Promise.all(runs);
  return failedAt;
}
