/**
 * The ingest function, invoked asynchronously by the hourly schedule (or a backfill) with the hour to ingest.
 * Wires only: settings, the safe fetcher, the producer and the run table, once per sandbox; `ingest.ts` decides.
 */
import type { Context } from "aws-lambda";
import { dynamoRunRecords } from "#hourly/dynamo-run-records";
import { ingestEventSchema } from "#hourly/hour";
import { dynamo } from "#shared/aws";
import { logger } from "#shared/logger";
import { createSafeFetcher } from "#shared/net/safe-fetch";
import { kafkaOutput } from "#shared/output";
import { parseSettings } from "#shared/settings";
import { type IngestResult, ingestHour } from "./ingest";
import { IngestSettingsSchema } from "./settings";

const settings = parseSettings(IngestSettingsSchema, process.env);
const fetcher = createSafeFetcher({
  allowList: settings.URL_ALLOW_LIST,
  timeoutMs: settings.FETCH_TIMEOUT_MS,
  maxBytes: settings.MAX_CSV_BYTES,
  maxRedirects: 3,
  // No retries inside one attempt: a failing hour is retried by Lambda's asynchronous retries, and recorded.
  retries: 0,
});
const publish = kafkaOutput(settings);
const runs = dynamoRunRecords(dynamo(), settings.RUNS_TABLE);

export async function handler(event: unknown, context: Context): Promise<IngestResult> {
  logger.resetKeys();
  logger.addContext(context);
  const parsed = ingestEventSchema.safeParse(event);
  if (!parsed.success) {
    // A malformed event never gets better: recorded in the log and returned, not retried.
    logger.error("ingest event is not { hour } or { scheduledTime }", { event, issues: parsed.error.issues });
    throw new Error(`invalid ingest event: ${parsed.error.message}`);
  }
  return ingestHour(parsed.data, context.awsRequestId, {
    sourceUrlTemplate: settings.SOURCE_URL_TEMPLATE,
    fetchText: async (url) => (await fetcher.fetchText(url)).body,
    publish,
    runs,
    log: logger,
    now: Date.now,
  });
}
