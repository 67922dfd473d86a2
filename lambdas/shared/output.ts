/**
 * The stage's Kafka producer: writes to OUTPUT_TOPIC on the cluster the stage reads from, as the
 * SCRAM user of KAFKA_SECRET_ARN. One connection per process; a send waits for all in-sync replicas.
 * Messages are keyed by person, so one person's images stay in one partition, in order.
 */
import { CompressionTypes, Kafka, logLevel, type Producer } from "kafkajs";
import { z } from "zod";
import { readSecretJson, requireEnv } from "./aws";
import { logger } from "./logger";

export interface OutputMessage {
  readonly key: string;
  readonly value: unknown;
}

const KafkaUserSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

let producer: Promise<Producer> | undefined;

async function connect(): Promise<Producer> {
  const user = await readSecretJson(requireEnv("KAFKA_SECRET_ARN"), KafkaUserSchema);
  const kafka = new Kafka({
    clientId: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "sluice-stage",
    brokers: requireEnv("KAFKA_BOOTSTRAP_SERVERS").split(","),
    ssl: process.env.KAFKA_SSL === "true",
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
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  return p;
}

/** Sends all messages to the output topic in one request per partition; resolves once they are acknowledged. */
export async function emit(messages: readonly OutputMessage[]): Promise<void> {
  if (messages.length === 0) return;
  producer ??= connect();
  let p: Producer;
  try {
    p = await producer;
  } catch (error) {
    producer = undefined;
    throw new Error("cannot connect the output producer to Kafka", { cause: error });
  }
  await p.send({
    topic: requireEnv("OUTPUT_TOPIC"),
    acks: -1,
    compression: CompressionTypes.None,
    messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })),
  });
}
