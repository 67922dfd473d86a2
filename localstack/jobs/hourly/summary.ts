/**
 * The hourly pipeline's run table as `npm start` prints it: one line per hour of a run (all its attempts),
 * with what the lake holds for that hour, then the lake's partitions. Pure: the job reads, this formats.
 */
import type { RunRecord } from "#hourly/run-records";
import type { LakePartition } from "./lake";

export interface HourSummary {
  readonly hour: string;
  readonly attempts: number;
  /** The last attempt's status (`running` while it is not finished). */
  readonly status: string;
  readonly fetched: number;
  readonly kept: number;
  readonly published: number;
  /** Rows rejected by reason (reasons with 0 left out), or the file's rejection (`file: bad-header`). */
  readonly rejected: string;
  /** Rows in the lake's partition of the hour, whichever run wrote them. */
  readonly lakeRows: number;
  /** From the first attempt's start to the last one's end: Lambda's retry delays included. */
  readonly seconds: number | undefined;
}

/** One hour's attempts of one run (any order) and the lake's partitions. */
export function summarizeHour(
  hour: string,
  attempts: readonly RunRecord[],
  partitions: readonly LakePartition[],
): HourSummary {
  const runs = [...attempts].sort((a, b) => a.attempt - b.attempt);
  const last = runs[runs.length - 1];
  const first = runs[0];
  const rejectedRows = Object.entries(last?.rejected ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const rejected =
    last?.status === "rejected-file"
      ? `file: ${last.reason ?? "?"}`
      : last?.status === "failed"
        ? `last error: ${shortError(last.reason ?? last.error ?? "?")}`
        : rejectedRows;
  const finished = last?.finishedAt ? Date.parse(last.finishedAt) : undefined;
  return {
    hour,
    attempts: runs.length,
    status: last?.status ?? "not started",
    fetched: last?.fetched ?? 0,
    kept: last?.kept ?? 0,
    published: last?.published ?? 0,
    rejected,
    lakeRows: lakeRowsOf(hour, partitions),
    seconds: first && finished !== undefined ? (finished - Date.parse(first.startedAt)) / 1000 : undefined,
  };
}

/** An error message without its URLs (the source's URL is the same on every line), at most 60 characters. */
function shortError(message: string): string {
  return message
    .replace(/ from https?:\/\/\S+/g, "")
    .replace(/https?:\/\/\S+/g, "the source")
    .slice(0, 60);
}

/** Rows in the lake's partition of an hour (`YYYY-MM-DDTHH`). */
export function lakeRowsOf(hour: string, partitions: readonly LakePartition[]): number {
  return partitions.find((p) => `${p.dt}T${p.hour}` === hour)?.rows ?? 0;
}

export function formatHourSummaries(rows: readonly HourSummary[]): string {
  const head = "hour           attempts  status             fetched  kept  published  in lake  seconds  rejected";
  const lines = rows.map((r) =>
    [
      r.hour.padEnd(14),
      String(r.attempts).padStart(8),
      ` ${r.status.padEnd(18)}`,
      String(r.fetched).padStart(7),
      String(r.kept).padStart(5),
      String(r.published).padStart(10),
      String(r.lakeRows).padStart(8),
      (r.seconds === undefined ? "" : r.seconds.toFixed(1)).padStart(8),
      ` ${r.rejected}`,
    ].join(" "),
  );
  return [head, ...lines].join("\n");
}

export function formatPartitions(partitions: readonly LakePartition[]): string {
  if (partitions.length === 0) return "(no partitions)";
  const head = "partition                    objects   rows";
  const lines = partitions.map(
    (p) => `${`dt=${p.dt}/hour=${p.hour}`.padEnd(28)} ${String(p.objects).padStart(7)} ${String(p.rows).padStart(6)}`,
  );
  return [head, ...lines].join("\n");
}
