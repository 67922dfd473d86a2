/**
 * What a stage's domain function receives and returns, without the Lambda wiring around it: domain
 * files and their tests import these types from here, and only the stage adapter knows about middy.
 */
import type { KafkaSelfManagedEventSchema } from "@aws-lambda-powertools/parser/schemas/kafka";
import type { z } from "zod";

export type KafkaEvent = z.infer<typeof KafkaSelfManagedEventSchema>;
/** One record of the event, its key and value decoded to UTF-8 text. */
export type DecodedKafkaRecord = KafkaEvent["records"][string][number];

/** A message for the stage's output topic. */
export interface OutputMessage {
  readonly key: string;
  readonly value: unknown;
}

/** What became of one record: logged as one line, its messages sent to the output topic. */
export interface RecordOutcome<T = undefined> {
  /** e.g. `verified`, `rejected`, `already-seen`, `stored`, `clean`. */
  readonly outcome: string;
  readonly reason?: string;
  /** Further fields of the record's log line. */
  readonly fields?: Record<string, unknown>;
  readonly emit?: readonly OutputMessage[];
  /** Passed on to `afterBatch`. */
  readonly value?: T;
}
