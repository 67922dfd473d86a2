/**
 * The stage's Kafka producer: writes to the stage's output topic on the cluster it reads from, as the
 * SCRAM user of its Kafka secret. One connection per producer (one producer per sandbox); a send waits
 * for all in-sync replicas. Messages are keyed by person, so one person's images stay in one
 * partition, in order.
 */
import { CompressionTypes, Kafka, logLevel, type Producer } from "kafkajs";
import { z } from "zod";
import { readSecretJson } from "./aws";
import { type Lazy, lazy } from "./lazy";
import { logger } from "./logger";
import type { OutputMessage } from "./outcome";
import { ACKS_ALL, producerOptions } from "./producer-options";
import type { StageSettings } from "./stage-settings";

export type Emit = (messages: readonly OutputMessage[]) => Promise<void>;

export type OutputSettings = Pick<
  StageSettings,
  "KAFKA_BOOTSTRAP_SERVERS" | "KAFKA_SECRET_ARN" | "KAFKA_SSL" | "OUTPUT_TOPIC" | "AWS_LAMBDA_FUNCTION_NAME"
>;

/** What a producer needs to connect: the brokers, the secret of its SCRAM user, TLS, and its client id. */
export type KafkaClientSettings = Pick<
  StageSettings,
  "KAFKA_BOOTSTRAP_SERVERS" | "KAFKA_SECRET_ARN" | "KAFKA_SSL" | "AWS_LAMBDA_FUNCTION_NAME"
>;

const KafkaUserSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

async function connect(settings: KafkaClientSettings): Promise<Producer> {
  const user = await readSecretJson(settings.KAFKA_SECRET_ARN, KafkaUserSchema);
  const kafka = new Kafka({
    clientId: settings.AWS_LAMBDA_FUNCTION_NAME,
    brokers: settings.KAFKA_BOOTSTRAP_SERVERS,
    ssl: settings.KAFKA_SSL,
    sasl: { mechanism: "scram-sha-512", username: user.username, password: user.password },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        if (level <= logLevel.ERROR) logger.error(`kafka: ${message}`, { kafka: extra });
        else logger.warn(`kafka: ${message}`, { kafka: extra });
      },
  });
  const p = kafka.producer(producerOptions());
  await p.connect();
  return p;
}

/**
 * A producer connected on first use as the SCRAM user of the Kafka secret (a failed connection is retried at the
 * next use), for a function that sends with its own helper (the dashboard's form, through `#bank/producer`).
 */
export function kafkaProducer(settings: KafkaClientSettings): Lazy<Producer> {
  return lazy(() => connect(settings));
}

/**
 * The stage's `emit`: sends all messages to the output topic in one request per partition and
 * resolves once they are acknowledged. Connects on the first non-empty send.
 */
export function kafkaOutput(settings: OutputSettings): Emit {
  const producer = kafkaProducer(settings);
  return async (messages) => {
    if (messages.length === 0) return;
    const topic = settings.OUTPUT_TOPIC;
    if (topic === undefined) throw new Error("this stage has no OUTPUT_TOPIC, so it cannot emit messages");
    let p: Producer;
    try {
      p = await producer.get();
    } catch (error) {
      throw new Error("cannot connect the output producer to Kafka", { cause: error });
    }
    await p.send({
      topic,
      acks: ACKS_ALL,
      compression: CompressionTypes.None,
      messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })),
    });
  };
}
