/**
 * How the poller writes its log: the default JSON-lines sink, the fields an error becomes (its cause
 * included), and the bridge that sends kafkajs's own log lines through the poller's sink.
 */
import { logLevel as KafkaLogLevel, type LogEntry, type logCreator } from "kafkajs";
import type { PollerLog, PollerLogLevel } from "./poller-types";

/** One JSON object per line on stderr, as the service's other components log. */
export const defaultLog: PollerLog = (level, message, fields) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, component: "esm", message, ...fields })}\n`,
  );
};

/** An error as log fields: "Name: message", and its cause's when it has one. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined;
    return { error: `${error.name}: ${error.message}`, ...(cause ? { cause } : {}) };
  }
  return { error: String(error) };
}

/** kafkajs's level as the poller's (NOTHING never reaches a log creator; anything below INFO is debug). */
export function pollerLevel(level: KafkaLogLevel): PollerLogLevel {
  if (level === KafkaLogLevel.ERROR) return "error";
  if (level === KafkaLogLevel.WARN) return "warn";
  if (level === KafkaLogLevel.INFO) return "info";
  return "debug";
}

/** A kafkajs logCreator writing to log, each line tagged with the mapping's uuid. */
export function kafkajsLogCreator(log: PollerLog, uuid: string): logCreator {
  return () => (entry: LogEntry) => {
    // kafkajs's own timestamp is dropped: the service logger stamps every line, and "timestamp" is reserved there.
    const { message, timestamp: _timestamp, ...fields } = entry.log;
    log(pollerLevel(entry.level), `kafkajs: ${message}`, { uuid, namespace: entry.namespace, ...fields });
  };
}
