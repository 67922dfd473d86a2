/**
 * The run records: one DynamoDB item per hour and attempt, so a person can tell what happened to any hour.
 *
 * | key                | value                                   | what                                   |
 * | ------------------ | --------------------------------------- | -------------------------------------- |
 * | `hour` (partition) | `2026-11-29T10`                         | the hour the run ingested              |
 * | `id` (sort)        | `<runId>#<attempt, 2 digits>`            | one attempt of one run                 |
 * | attributes         | runId, attempt, status, reason, error, sourceUrl, startedAt, finishedAt, durationMs, fetched, kept, published, rejected (a map: reason → rows), lake (rows written, filled by the lake side when it records them) |
 *
 * A run is one event (a schedule's firing or a backfill); Lambda resends the same event on each retry, so the
 * attempt number is claimed with a conditional put on `<runId>#01`, `#02`, …: the first free one is this attempt's,
 * whatever the request id (which AWS keeps across retries and the local service does not).
 */
import { z } from "zod";
import type { RejectionCounts } from "./cleaning";

/** `running` until it ends; `published`: rows produced; `already-published`: an earlier run had produced this
 * hour, so nothing was; `rejected-file`: the file is permanently bad (a recorded outcome, no retry);
 * `failed`: a transient failure, thrown so Lambda retries. */
export const RUN_STATUSES = ["running", "published", "already-published", "rejected-file", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Attempts a run may claim: AWS's 3 and room for at-least-once redeliveries. */
export const MAX_ATTEMPTS = 20;

export interface RunKey {
  readonly hour: string;
  readonly runId: string;
  readonly attempt: number;
}

export interface RunOutcome {
  readonly status: Exclude<RunStatus, "running">;
  readonly fetched: number;
  readonly kept: number;
  readonly published: number;
  readonly rejected: RejectionCounts;
  readonly reason?: string;
  readonly error?: string;
  readonly finishedAt: string;
  readonly durationMs: number;
}

export const runRecordSchema = z.object({
  hour: z.string(),
  id: z.string(),
  runId: z.string(),
  attempt: z.number().int(),
  status: z.enum(RUN_STATUSES),
  sourceUrl: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
  fetched: z.number().optional(),
  kept: z.number().optional(),
  published: z.number().optional(),
  rejected: z.record(z.string(), z.number()).optional(),
  reason: z.string().optional(),
  error: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export function recordId(runId: string, attempt: number): string {
  return `${runId}#${String(attempt).padStart(2, "0")}`;
}

/** What ingest needs of the table; `dynamoRunRecords` is the real one, tests pass their own. */
export interface RunRecords {
  /** Claims the next attempt of a run and writes it as `running`; returns its number. */
  begin(start: { hour: string; runId: string; sourceUrl: string; startedAt: string }): Promise<number>;
  /** Whether any run of the hour has published it. */
  published(hour: string): Promise<boolean>;
  finish(key: RunKey, outcome: RunOutcome): Promise<void>;
}
