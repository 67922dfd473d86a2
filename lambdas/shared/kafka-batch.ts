/**
 * Per-record processing of a self-managed Kafka batch with AWS's partial-batch response.
 *
 * Records of one partition are processed in offset order; at the first failure the rest of that
 * partition is skipped (Lambda redelivers from the reported offset anyway) and the failure is
 * reported as `{ partition: "<topic>-<n>", offset: N }`. Partitions run concurrently.
 */
import type { Logger } from "@aws-lambda-powertools/logger";

export interface KafkaRecordLike {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
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

export async function processKafkaBatch<R extends KafkaRecordLike>(
  records: Record<string, R[]>,
  handle: RecordHandler<R>,
  logger: Pick<Logger, "error" | "appendKeys" | "removeKeys">,
): Promise<KafkaBatchResponse> {
  const failures = await Promise.all(
    Object.entries(records).map(async ([partitionKey, partitionRecords]): Promise<BatchItemFailure | undefined> => {
      const ordered = [...partitionRecords].sort((a, b) => a.offset - b.offset);
      for (const record of ordered) {
        try {
          await handle(record);
        } catch (error) {
          logger.error("record failed; the rest of its partition is retried from here", {
            correlationId: correlationId(record),
            error: error as Error,
          });
          return { itemIdentifier: { partition: partitionKey, offset: record.offset } };
        }
      }
      return undefined;
    }),
  );
  return { batchItemFailures: failures.filter((f): f is BatchItemFailure => f !== undefined) };
}
