/** What `GET /api/lake` answers: the wire types the server builds (`lake.ts`) and the web app reads. No imports. */

export interface LakeRun {
  readonly hour: string;
  readonly runId: string;
  readonly attempt: number;
  readonly status: "running" | "published" | "already-published" | "rejected-file" | "failed";
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly fetched: number | null;
  readonly kept: number | null;
  readonly published: number | null;
  /** Rows rejected, by reason (reasons with 0 rows left out). */
  readonly rejected: Record<string, number>;
  /** Why a run refused its file, or the error of a failed attempt. */
  readonly note: string | null;
}

export interface LakePartition {
  /** `YYYY-MM-DDTHH`. */
  readonly hour: string;
  readonly objects: number;
  /** Rows in the partition's Parquet objects (their footers). */
  readonly rows: number;
  /** Rows a published run produced for the hour; null when no run published it. */
  readonly published: number | null;
}

export interface LakeAlarm {
  readonly name: string;
  readonly state: string;
  readonly reason: string;
  readonly updatedAt: string | null;
  readonly description: string;
  readonly metric: string;
}

export interface LakeAlert {
  readonly time: string;
  readonly alarm: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface LakeView {
  readonly window: { readonly first: string; readonly last: string; readonly hours: number };
  /** Newest hour first, then attempt. */
  readonly runs: readonly LakeRun[];
  /** One per hour of the window, oldest first (hours without objects have 0). */
  readonly partitions: readonly LakePartition[];
  readonly alarms: readonly LakeAlarm[];
  /** State changes of those alarms in the window, newest first. */
  readonly alerts: readonly LakeAlert[];
}
