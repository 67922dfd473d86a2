import { kafkaStageHandler } from "#shared/stage-handler";

/** clean: for now, decodes each record and logs it; the pipeline issue gives it its work. */
export const handler = kafkaStageHandler(async (record, log) => {
  log.info("record received", {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    bytes: record.value.length,
  });
});
