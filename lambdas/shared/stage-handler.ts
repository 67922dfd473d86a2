/**
 * Wires a stage's per-record domain function into a Lambda handler: context in the logs,
 * the event validated and decoded with Powertools' self-managed Kafka schema, and a partial-batch
 * response. Handler files call this and nothing else.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import { KafkaSelfManagedEventSchema } from "@aws-lambda-powertools/parser/schemas/kafka";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { correlationId, type KafkaBatchResponse, processKafkaBatch } from "./kafka-batch";
import { logger } from "./logger";

export type KafkaEvent = z.infer<typeof KafkaSelfManagedEventSchema>;
export type DecodedKafkaRecord = KafkaEvent["records"][string][number];

/** Processes one decoded record (value as UTF-8 text); throw to fail it. */
export type StageRecordHandler = (record: DecodedKafkaRecord, log: typeof logger) => Promise<void>;

export function kafkaStageHandler(processRecord: StageRecordHandler) {
  return middy<KafkaEvent, KafkaBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema: KafkaSelfManagedEventSchema }))
    .handler(async (event) =>
      processKafkaBatch(
        event.records,
        async (record) => {
          const child = logger.createChild({ persistentKeys: { correlationId: correlationId(record) } });
          await processRecord(record, child);
        },
        logger,
      ),
    );
}
