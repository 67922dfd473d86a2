/**
 * The variables every Kafka stage gets from its KafkaStage construct: where the cluster is, who the
 * stage is on it, which topic feeds it and which it writes to. Declared once here, read by the stage
 * adapter and the output producer, and built by the stack with `stageEnvironment`.
 */
import { z } from "zod";
import { type EnvironmentOf, envFlag, envPositiveInt, envString } from "./settings";

export const STAGE_SETTINGS = {
  /** Brokers as host:port,host:port. */
  KAFKA_BOOTSTRAP_SERVERS: envString.transform((v) => v.split(",")),
  /** Secret with the stage's SCRAM `username` and `password`. */
  KAFKA_SECRET_ARN: envString,
  /** TLS to the brokers; not set by the stack (its brokers take SCRAM over plain TCP). */
  KAFKA_SSL: envFlag,
  /** The topic whose records trigger the stage: named in every log line. */
  INPUT_TOPIC: envString,
  /** Where the stage's output messages go; a stage without one emits nothing. */
  OUTPUT_TOPIC: envString.optional(),
  /**
   * Records of one partition a stage processes at once, different keys only (one key's records stay in order).
   * Default 8; 1 processes a partition's records strictly one after another.
   */
  STAGE_CONCURRENCY: envPositiveInt.default(8),
  /** Set by the Lambda runtime; names the stage's Kafka client. */
  AWS_LAMBDA_FUNCTION_NAME: envString.default("sluice-stage"),
};
const StageSettingsSchema = z.object(STAGE_SETTINGS);
export type StageSettings = z.infer<typeof StageSettingsSchema>;

export interface StageEnvironmentProps {
  readonly bootstrapServers: readonly string[];
  readonly kafkaSecretArn: string;
  readonly inputTopic: string;
  readonly outputTopic?: string;
  /** STAGE_CONCURRENCY; unset: the setting's default. */
  readonly recordConcurrency?: number;
}

export function stageEnvironment(props: StageEnvironmentProps): EnvironmentOf<typeof STAGE_SETTINGS> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: props.bootstrapServers.join(","),
    INPUT_TOPIC: props.inputTopic,
    ...(props.outputTopic === undefined ? {} : { OUTPUT_TOPIC: props.outputTopic }),
    KAFKA_SECRET_ARN: props.kafkaSecretArn,
    ...(props.recordConcurrency === undefined ? {} : { STAGE_CONCURRENCY: String(props.recordConcurrency) }),
  };
}
