/**
 * Wires a stage's per-record domain function into a Lambda handler: context in the logs, the event
 * validated and decoded with Powertools' self-managed Kafka schema, records of different keys processed
 * side by side (STAGE_CONCURRENCY per partition; one key's records in order), one structured log line per
 * record, the batch's output messages sent in one produce before any record counts as done, and a
 * partial-batch response. Handler files call this and nothing else.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import { KafkaSelfManagedEventSchema } from "@aws-lambda-powertools/parser/schemas/kafka";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { type BatchItemFailure, correlationId, type KafkaBatchResponse, processKafkaBatch } from "./kafka-batch";
import { logger } from "./logger";
import type { DecodedKafkaRecord, KafkaEvent, OutputMessage, RecordOutcome } from "./outcome";
import type { StageSettings } from "./stage-settings";

export interface RecordContext {
  /** `topic-partition-offset` of the record: the idempotency key of everything it writes. */
  readonly correlationId: string;
  readonly log: typeof logger;
}

/** Processes one decoded record (value as UTF-8 text); throw to fail it (it is retried, then sent to the on-failure destination). */
export type StageRecordHandler<T> = (record: DecodedKafkaRecord, ctx: RecordContext) => Promise<RecordOutcome<T>>;

export interface ProcessedRecord<T> {
  readonly record: DecodedKafkaRecord;
  readonly outcome: RecordOutcome<T>;
}

export interface StageOptions<T> {
  /**
   * The stage's parsed settings: the input topic is named in every log line; STAGE_CONCURRENCY records of a
   * partition run at once (default 1).
   */
  readonly settings: Pick<StageSettings, "INPUT_TOPIC"> & Partial<Pick<StageSettings, "STAGE_CONCURRENCY">>;
  /**
   * Sends output messages (the stage's Kafka producer), called once per batch with the messages of every record
   * that succeeded, in offset order per partition; the records count as done once they are sent.
   */
  readonly emit: (messages: readonly OutputMessage[]) => Promise<void>;
  /**
   * Runs once the batch's records are processed, with the ones that succeeded (in offset order per
   * partition). Throwing fails the whole batch, which Lambda then retries as a whole.
   */
  readonly afterBatch?: (processed: ProcessedRecord<T>[], event: KafkaEvent) => Promise<void>;
}

export function kafkaStageHandler<T = undefined>(processRecord: StageRecordHandler<T>, options: StageOptions<T>) {
  const { emit } = options;
  logger.appendPersistentKeys({ inputTopic: options.settings.INPUT_TOPIC });
  return middy<KafkaEvent, KafkaBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema: KafkaSelfManagedEventSchema }))
    .handler(async (event) => {
      const processed: ProcessedRecord<T>[] = [];
      const response = await processKafkaBatch(
        event.records,
        async (record) => {
          const id = correlationId(record);
          const log = logger.createChild({ persistentKeys: { correlationId: id } });
          const started = performance.now();
          const outcome = await processRecord(record, { correlationId: id, log });
          log.info("record processed", {
            outcome: outcome.outcome,
            ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
            emitted: outcome.emit?.length ?? 0,
            durationMs: Math.round((performance.now() - started) * 10) / 10,
            ...outcome.fields,
          });
          processed.push({ record, outcome });
        },
        logger,
        { concurrency: options.settings.STAGE_CONCURRENCY ?? 1 },
      );
      const done = succeeded(processed, response);
      const messages = done.flatMap((p) => p.outcome.emit ?? []);
      try {
        if (messages.length > 0) await emit(messages);
      } catch (error) {
        // Nothing of the batch is done: every partition is redelivered from its first record.
        logger.error("the batch's output messages could not be sent; its records are retried", {
          error: error as Error,
        });
        return { batchItemFailures: firstOffsets(event.records) };
      }
      if (options.afterBatch) await options.afterBatch(done, event);
      return response;
    });
}

/** The records that succeeded and come before their partition's reported failure, in offset order per partition. */
function succeeded<T>(processed: readonly ProcessedRecord<T>[], response: KafkaBatchResponse): ProcessedRecord<T>[] {
  const failedAt = new Map(
    response.batchItemFailures.map((f) => [f.itemIdentifier.partition, f.itemIdentifier.offset]),
  );
  const key = (p: ProcessedRecord<T>): string => `${p.record.topic}-${p.record.partition}`;
  return processed
    .filter((p) => p.record.offset < (failedAt.get(key(p)) ?? Number.POSITIVE_INFINITY))
    .sort((a, b) => key(a).localeCompare(key(b)) || a.record.offset - b.record.offset);
}

function firstOffsets(records: KafkaEvent["records"]): BatchItemFailure[] {
  return Object.entries(records).flatMap(([partition, list]) =>
    list.length === 0 ? [] : [{ itemIdentifier: { partition, offset: Math.min(...list.map((r) => r.offset)) } }],
  );
}
