/**
 * Everything the ingest function reads from its environment: the handler parses it once at init, and the
 * stack builds it with `ingestEnvironment`, so both sides share one spelling.
 */
import { z } from "zod";
import { type EnvironmentOf, envList, envPositiveInt, envString } from "#shared/settings";
import { STAGE_SETTINGS } from "#shared/stage-settings";

const { INPUT_TOPIC: _notAStage, ...KAFKA_SETTINGS } = STAGE_SETTINGS;

export const INGEST_SETTINGS = {
  ...KAFKA_SETTINGS,
  /** Where the kept rows go (`observations`). */
  OUTPUT_TOPIC: envString,
  /** The CSV of an hour, `{hour}` replaced by `YYYY-MM-DDTHH`. */
  SOURCE_URL_TEMPLATE: envString.refine((v) => /^https?:\/\/\S+$/.test(v), "expected an http(s) URL"),
  /** `host:port` entries the fetch may reach on private addresses (the sample web). */
  URL_ALLOW_LIST: envList,
  /** The table of run records (`run-records.ts`). */
  RUNS_TABLE: envString,
  /** One deadline for the whole download. */
  FETCH_TIMEOUT_MS: envPositiveInt.default(10_000),
  /** A longer file is not read (`too-large`, a permanently bad file). */
  MAX_CSV_BYTES: envPositiveInt.default(20 * 1024 * 1024),
};
export const IngestSettingsSchema = z.object(INGEST_SETTINGS);
export type IngestSettings = z.infer<typeof IngestSettingsSchema>;

export interface IngestEnvironmentProps {
  readonly bootstrapServers: readonly string[];
  readonly kafkaSecretArn: string;
  readonly topic: string;
  readonly sourceUrlTemplate: string;
  readonly urlAllowList: readonly string[];
  readonly runsTable: string;
  readonly fetchTimeoutMs?: number;
}

export function ingestEnvironment(props: IngestEnvironmentProps): EnvironmentOf<typeof INGEST_SETTINGS> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: props.bootstrapServers.join(","),
    KAFKA_SECRET_ARN: props.kafkaSecretArn,
    OUTPUT_TOPIC: props.topic,
    SOURCE_URL_TEMPLATE: props.sourceUrlTemplate,
    URL_ALLOW_LIST: props.urlAllowList.join(","),
    RUNS_TABLE: props.runsTable,
    ...(props.fetchTimeoutMs === undefined ? {} : { FETCH_TIMEOUT_MS: String(props.fetchTimeoutMs) }),
  };
}
