/**
 * Seeding: well-known people onto the `celebrities` topic, keyed by Wikidata id, in chunks so a
 * progress bar can follow. Producing the same people again is allowed: the pipeline recognises
 * every URL and image it has already seen.
 */
import { Kafka } from "kafkajs";
import type { Celebrity } from "#faces/contracts";
import { ACKS_ALL, producerOptions } from "#shared/producer-options";
import type { LocalConfig } from "../../config";
import { adminCredentials, kafkaClientConfig } from "../../launchers/kafka";

export async function produceCelebrities(
  cfg: LocalConfig,
  topic: string,
  people: readonly Celebrity[],
  onProgress: (sent: number) => void = () => {},
  chunk = 25,
): Promise<void> {
  const kafka = new Kafka({ ...kafkaClientConfig(cfg, adminCredentials(cfg)), clientId: "sluice-seed" });
  const producer = kafka.producer(producerOptions());
  await producer.connect();
  try {
    for (let i = 0; i < people.length; i += chunk) {
      const slice = people.slice(i, i + chunk);
      await producer.send({
        topic,
        acks: ACKS_ALL,
        messages: slice.map((p) => ({ key: p.wikidataId, value: JSON.stringify(p) })),
      });
      onProgress(Math.min(i + chunk, people.length));
    }
  } finally {
    await producer.disconnect();
  }
}
