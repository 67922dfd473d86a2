/**
 * Streams tweet lines onto the tweets topic at a settable rate, marked and keyed (mark.ts), as the admin user of
 * the local cluster (as the face pipeline's seeding does). The rate is kept per second in chunks, so a progress
 * line can follow.
 */
import { Kafka } from "kafkajs";
import { ACKS_ALL, producerOptions } from "#shared/producer-options";
import type { KeywordMatcher } from "#tweets/keywords";
import type { LocalConfig } from "../../../config";
import { adminCredentials, kafkaClientConfig } from "../../../launchers/kafka";
import { markLine } from "./mark";

export interface ProduceOptions {
  readonly topic: string;
  readonly match: KeywordMatcher;
  /** Records per second; undefined sends as fast as the broker takes them. */
  readonly rate?: number;
  readonly onProgress?: (progress: ProduceProgress) => void;
}

export interface ProduceProgress {
  readonly sent: number;
  readonly marked: number;
}

export async function produceTweets(
  cfg: LocalConfig,
  lines: AsyncIterable<string> | Iterable<string>,
  options: ProduceOptions,
): Promise<ProduceProgress> {
  const kafka = new Kafka({ ...kafkaClientConfig(cfg, adminCredentials(cfg)), clientId: "sluice-tweets" });
  const producer = kafka.producer(producerOptions());
  await producer.connect();
  const chunkSize = Math.max(1, Math.min(500, Math.floor((options.rate ?? 5000) / 10) || 1));
  const started = Date.now();
  let sent = 0;
  let marked = 0;
  let chunk: ReturnType<typeof markLine>[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    await producer.send({
      topic: options.topic,
      acks: ACKS_ALL,
      messages: chunk.map((r) => ({ key: r.key ?? null, value: r.value })),
    });
    sent += chunk.length;
    marked += chunk.filter((r) => r.keywords.length > 0).length;
    chunk = [];
    options.onProgress?.({ sent, marked });
    if (options.rate !== undefined) {
      const due = started + (sent / options.rate) * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
  };
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      chunk.push(markLine(line, options.match));
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return { sent, marked };
}
