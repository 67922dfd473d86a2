/**
 * One run of one hour: fetch its CSV, judge every row by the declared rules, produce the kept rows to
 * `observations` in one batch, and record the attempt. What can get better by waiting (a timeout, a 5xx, a body
 * cut short, Kafka unreachable) is thrown, so Lambda's asynchronous retries try the hour again; what cannot (a
 * wrong header, a 404, a file over the cap) is recorded as `rejected-file` and returned.
 */

import { checkHeader, HourCleaner, noRejections } from "#hourly/cleaning";
import type { FileRejection } from "#hourly/csv-schema";
import { hourToIngest, type IngestEvent, sourceUrlFor } from "#hourly/hour";
import type { RunOutcome, RunRecords, RunStatus } from "#hourly/run-records";
import type { Logger } from "#shared/logger";
import { FetchFailure } from "#shared/net/fetch-failure";
import type { OutputMessage } from "#shared/outcome";
import { MalformedCsv, readCsv, TruncatedBody } from "./read-csv";

/** The part of the shared logger ingest uses; `appendKeys` puts hour, attempt and runId on every later line. */
export type IngestLog = Pick<Logger, "appendKeys" | "info" | "warn" | "error">;

export interface IngestDeps {
  readonly sourceUrlTemplate: string;
  /** The body of a URL as text; throws a FetchFailure. */
  fetchText(url: string): Promise<string>;
  /** Produces the messages in one batch; resolves once they are acknowledged. */
  publish(messages: readonly OutputMessage[]): Promise<void>;
  readonly runs: RunRecords;
  readonly log: IngestLog;
  /** Epoch milliseconds. */
  now(): number;
}

export interface IngestResult {
  readonly hour: string;
  readonly attempt: number;
  readonly status: Exclude<RunStatus, "running" | "failed">;
  readonly fetched: number;
  readonly kept: number;
  readonly published: number;
  readonly reason?: string;
}

/** A failure worth another attempt; the run record says `failed` and the error keeps its cause. */
export class TransientIngestFailure extends Error {
  override readonly name = "TransientIngestFailure";
}

type Cleaned =
  | { kind: "rows"; cleaner: HourCleaner }
  | { kind: "rejected-file"; reason: FileRejection | FetchFailure["reason"]; detail: string };

export async function ingestHour(event: IngestEvent, requestId: string, deps: IngestDeps): Promise<IngestResult> {
  const hour = hourToIngest(event);
  const runId = event.runId ?? requestId;
  const sourceUrl = sourceUrlFor(deps.sourceUrlTemplate, hour);
  const started = deps.now();
  const attempt = await deps.runs.begin({ hour, runId, sourceUrl, startedAt: new Date(started).toISOString() });
  deps.log.appendKeys({ hour, attempt, runId });
  deps.log.info("ingest started", { sourceUrl });
  const key = { hour, runId, attempt };
  const finish = async (outcome: Omit<RunOutcome, "finishedAt" | "durationMs">) => {
    const finishedAt = deps.now();
    const record = { ...outcome, finishedAt: new Date(finishedAt).toISOString(), durationMs: finishedAt - started };
    await deps.runs.finish(key, record);
    return record;
  };

  try {
    if (await deps.runs.published(hour)) {
      await finish({ status: "already-published", fetched: 0, kept: 0, published: 0, rejected: noRejections() });
      deps.log.info("ingest skipped: an earlier run published this hour", { status: "already-published" });
      return { hour, attempt, status: "already-published", fetched: 0, kept: 0, published: 0 };
    }
    const cleaned = await clean(await fetchBody(deps, sourceUrl), hour, attempt);
    if (cleaned.kind === "rejected-file") {
      const empty = { fetched: 0, kept: 0, published: 0, rejected: noRejections() };
      await finish({ status: "rejected-file", ...empty, reason: cleaned.reason, error: cleaned.detail });
      deps.log.warn("ingest refused the file", {
        status: "rejected-file",
        reason: cleaned.reason,
        detail: cleaned.detail,
      });
      return { hour, attempt, status: "rejected-file", fetched: 0, kept: 0, published: 0, reason: cleaned.reason };
    }
    const summary = cleaned.cleaner.summary();
    const messages = cleaned.cleaner.kept.map((o) => ({ key: o.station, value: o }));
    try {
      await deps.publish(messages);
    } catch (error) {
      throw new TransientIngestFailure(`cannot produce ${messages.length} rows of ${hour}`, { cause: error });
    }
    const outcome = await finish({ status: "published", ...summary, published: messages.length });
    deps.log.info("ingest published", {
      status: "published",
      ...summary,
      published: messages.length,
      durationMs: outcome.durationMs,
    });
    return {
      hour,
      attempt,
      status: "published",
      fetched: summary.fetched,
      kept: summary.kept,
      published: messages.length,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finish({
      status: "failed",
      fetched: 0,
      kept: 0,
      published: 0,
      rejected: noRejections(),
      error: message,
    }).catch((recordError: unknown) => deps.log.error("cannot record the failed attempt", { error: recordError }));
    deps.log.error("ingest failed; Lambda retries the event", { status: "failed", error });
    throw error;
  }
}

/** The body, or a permanent refusal; a transient fetch failure is thrown as a TransientIngestFailure. */
async function fetchBody(deps: IngestDeps, url: string): Promise<string | Cleaned> {
  try {
    return await deps.fetchText(url);
  } catch (error) {
    if (!(error instanceof FetchFailure)) throw error;
    if (error.transient) throw new TransientIngestFailure(`fetching ${url} failed: ${error.message}`, { cause: error });
    return { kind: "rejected-file", reason: error.reason, detail: error.message };
  }
}

async function clean(body: string | Cleaned, hour: string, attempt: number): Promise<Cleaned> {
  if (typeof body !== "string") return body;
  try {
    const csv = await readCsv(body);
    const headerProblem = checkHeaderOf(csv.header);
    if (headerProblem) return headerProblem;
    const cleaner = new HourCleaner(hour, attempt);
    for await (const row of csv.rows) cleaner.add(row);
    return { kind: "rows", cleaner };
  } catch (error) {
    if (error instanceof TruncatedBody) throw new TransientIngestFailure(error.message, { cause: error });
    if (error instanceof MalformedCsv) return { kind: "rejected-file", reason: "malformed-csv", detail: error.message };
    throw error;
  }
}

function checkHeaderOf(header: string[] | undefined): Cleaned | undefined {
  const problem = checkHeader(header);
  return problem
    ? { kind: "rejected-file", reason: problem, detail: `header: ${JSON.stringify(header ?? [])}` }
    : undefined;
}
