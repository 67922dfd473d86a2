/**
 * The dashboard's lake page: the hourly runs of a window of hours (one row per attempt, from the runs table), rows
 * per lake partition over the window, and the deployment's alarms with their state changes.
 *
 * Rows per partition come from the Parquet footers (`num_rows`, one ranged GET per object), not from the run
 * records: `published` is what ingest produced to Kafka, the footers are what the lake writer actually wrote, and the
 * page shows both so a gap between them (a lake writer behind or failing) is visible. The run records' own `lake`
 * field is not filled by the lake side yet (see `run-records.ts`). Measured locally: see the README's dashboard
 * section.
 */
import type { CloudWatchClient, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import PQueue from "p-queue";
import { z } from "zod";
import { queryRuns } from "#hourly/dynamo-run-records";
import { hourOf, hourStartMs } from "#hourly/hour";
import { partitionOfKey, partitionPrefix } from "#hourly/lake-layout";
import { HOUR } from "#hourly/observation";
import type { RunRecord } from "#hourly/run-records";
import { newestFirst, readAlarmHistory, readAlarms, type StateChange } from "#shared/alarm-history";
import { parquetRowCount } from "#shared/parquet-footer";
import { listObjects, type S3ObjectSummary } from "#shared/s3-objects";
import type { LakeAlarm, LakeAlert, LakePartition, LakeRun, LakeView } from "./lake-types";

const HOUR_MS = 3_600_000;
/** Concurrent reads (run queries, footers): enough to hide latency, few enough for a small function. */
const CONCURRENCY = 8;

export const lakeQuerySchema = z.strictObject({
  /** Hours in the window. */
  hours: z.coerce.number().int().min(1).max(168).default(24),
  /** The window's last hour (`YYYY-MM-DDTHH`, UTC); the current hour when absent. */
  end: z.string().regex(HOUR, "expected YYYY-MM-DDTHH").optional(),
});
export type LakeQuery = z.infer<typeof lakeQuerySchema>;

export interface LakeDeps {
  readonly db: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly cloudWatch: CloudWatchClient;
  readonly runsTable: string;
  readonly lakeBucket: string;
  /** The deployment's alarms are those whose names start with this (`<stack prefix>-`: CloudFormation names them). */
  readonly alarmNamePrefix: string;
  readonly now: () => Date;
}

/** The window's hours, oldest first, ending at `end` (or the hour of `now`). */
export function windowHours(query: LakeQuery, now: Date): string[] {
  const last = hourStartMs(query.end ?? hourOf(now.getTime()));
  return Array.from({ length: query.hours }, (_, i) => hourOf(last - (query.hours - 1 - i) * HOUR_MS));
}

export function toLakeRun(r: RunRecord): LakeRun {
  return {
    hour: r.hour,
    runId: r.runId,
    attempt: r.attempt,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt ?? null,
    durationMs: r.durationMs ?? null,
    fetched: r.fetched ?? null,
    kept: r.kept ?? null,
    published: r.published ?? null,
    rejected: Object.fromEntries(Object.entries(r.rejected ?? {}).filter(([, n]) => n > 0)),
    note: r.reason ?? r.error ?? null,
  };
}

/** Objects and footer rows per hour of the window, with what published runs produced. */
export function partitionsOf(
  hours: readonly string[],
  objects: ReadonlyArray<{ key: string; rows: number }>,
  runs: readonly RunRecord[],
): LakePartition[] {
  const byHour = new Map(hours.map((h) => [h, { objects: 0, rows: 0 }]));
  for (const o of objects) {
    const part = partitionOfKey(o.key);
    const at = part && byHour.get(`${part.dt}T${part.hour}`);
    if (at) {
      at.objects++;
      at.rows += o.rows;
    }
  }
  const published = new Map<string, number>();
  for (const r of runs) {
    if (r.status === "published") published.set(r.hour, (published.get(r.hour) ?? 0) + (r.published ?? 0));
  }
  return hours.map((hour) => ({
    hour,
    ...(byHour.get(hour) ?? { objects: 0, rows: 0 }),
    published: published.get(hour) ?? null,
  }));
}

export function toLakeAlarm(a: MetricAlarm): LakeAlarm {
  const dims = (a.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(", ");
  return {
    name: a.AlarmName ?? "?",
    state: a.StateValue ?? "?",
    reason: a.StateReason ?? "",
    updatedAt: a.StateUpdatedTimestamp?.toISOString() ?? null,
    description: a.AlarmDescription ?? "",
    metric: `${a.Namespace ?? "?"} ${a.MetricName ?? "?"}${dims ? ` (${dims})` : ""}`,
  };
}

const toLakeAlert = (c: StateChange): LakeAlert => ({
  time: c.time.toISOString(),
  alarm: c.alarm,
  from: c.from,
  to: c.to,
  reason: c.reason,
});

/** The lake objects of the window's days whose partition is in the window. */
async function lakeObjects(deps: LakeDeps, hours: readonly string[]): Promise<S3ObjectSummary[]> {
  const inWindow = new Set(hours);
  const days = [...new Set(hours.map((h) => h.slice(0, 10)))];
  const listed = await Promise.all(days.map((dt) => listObjects(deps.s3, deps.lakeBucket, partitionPrefix(dt))));
  return listed.flat().filter((o) => {
    const part = partitionOfKey(o.key);
    return part !== undefined && inWindow.has(`${part.dt}T${part.hour}`);
  });
}

export async function readLake(deps: LakeDeps, query: LakeQuery): Promise<LakeView> {
  const hours = windowHours(query, deps.now());
  const first = hours[0] as string;
  const last = hours[hours.length - 1] as string;
  const queue = new PQueue({ concurrency: CONCURRENCY });
  const runsPromise = Promise.all(hours.map((h) => queue.add(() => queryRuns(deps.db, deps.runsTable, h))));
  const objectsPromise = lakeObjects(deps, hours).then((objects) =>
    Promise.all(
      objects.map((o) =>
        queue.add(async () => ({
          key: o.key,
          rows: await parquetRowCount(deps.s3, { bucket: deps.lakeBucket, key: o.key, size: o.size }),
        })),
      ),
    ),
  );
  const alarms = await readAlarms(deps.cloudWatch, deps.alarmNamePrefix);
  const [runs, objects, history] = await Promise.all([
    runsPromise,
    objectsPromise,
    // Per alarm: a grant limited to the deployment's alarms covers a request that names one.
    Promise.all(alarms.map((a) => queue.add(() => readAlarmHistory(deps.cloudWatch, a.AlarmName)))),
  ]);
  const since = new Date(hourStartMs(first));
  const allRuns = runs.flat();
  return {
    window: { first, last, hours: hours.length },
    runs: allRuns
      .map(toLakeRun)
      .sort((a, b) => b.hour.localeCompare(a.hour) || a.startedAt.localeCompare(b.startedAt) || a.attempt - b.attempt),
    partitions: partitionsOf(hours, objects, allRuns),
    alarms: alarms.map(toLakeAlarm).sort((a, b) => a.name.localeCompare(b.name)),
    alerts: newestFirst(history.flat(), { since, limit: 100 }).map(toLakeAlert),
  };
}
