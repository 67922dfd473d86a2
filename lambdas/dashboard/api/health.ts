/**
 * The dashboard's pipeline-health page: per function, Invocations, Errors and Duration; per Kafka mapping, OffsetLag
 * and its function's Errors, over a window, from CloudWatch's `AWS/Lambda` metrics (names and dimensions as Lambda
 * publishes them; locally the Lambda service publishes the same every 10 s).
 *
 * Which functions and mappings: those with metrics (ListMetrics) whose FunctionName starts with the project's
 * prefix (`<stack prefix>-`, as every SluiceFunction is named), so the page shows the functions that ran and
 * nothing of other projects in the account. A mapping is a series of OffsetLag with FunctionName +
 * EventSourceMappingUUID. Values: one GetMetricData call per 500 series (its limit), on one period-aligned axis.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type Metric,
  type MetricDataQuery,
  type MetricDataResult,
  paginateListMetrics,
} from "@aws-sdk/client-cloudwatch";
import { z } from "zod";
import type { FunctionHealth, HealthView, MappingHealth } from "./health-types";

const NAMESPACE = "AWS/Lambda";
const MAX_QUERIES_PER_CALL = 500;

export const healthQuerySchema = z.strictObject({
  /** Minutes in the window, ending now. */
  minutes: z.coerce.number().int().min(5).max(1440).default(60),
});
export type HealthQuery = z.infer<typeof healthQuerySchema>;

export interface HealthDeps {
  readonly cloudWatch: CloudWatchClient;
  /** Only functions whose name starts with this (e.g. `sluice-`). */
  readonly functionPrefix: string;
  readonly now: () => Date;
}

/** A minute per point up to 3 hours, then 5 minutes (at most 288 points a series). */
export function periodFor(minutes: number): number {
  return minutes <= 180 ? 60 : 300;
}

/** Period starts from the first period that holds `end - minutes` to the one that holds `end`. */
export function periodStarts(end: Date, minutes: number, periodSeconds: number): Date[] {
  const step = periodSeconds * 1000;
  const last = Math.floor(end.getTime() / step) * step;
  const first = Math.floor((end.getTime() - minutes * 60_000) / step) * step;
  const starts: Date[] = [];
  for (let t = first; t <= last; t += step) starts.push(new Date(t));
  return starts;
}

const dimension = (m: Metric, name: string): string | undefined => m.Dimensions?.find((d) => d.Name === name)?.Value;

/** The project's functions and mappings among the listed metrics (Invocations and OffsetLag series). */
export function discover(
  metrics: readonly Metric[],
  prefix: string,
): { functions: string[]; mappings: Array<{ functionName: string; uuid: string }> } {
  const functions = new Set<string>();
  const mappings = new Map<string, { functionName: string; uuid: string }>();
  for (const m of metrics) {
    const fn = dimension(m, "FunctionName");
    if (fn === undefined || !fn.startsWith(prefix)) continue;
    const uuid = dimension(m, "EventSourceMappingUUID");
    if (uuid === undefined && m.Dimensions?.length === 1) functions.add(fn);
    if (uuid !== undefined && m.MetricName === "OffsetLag" && m.Dimensions?.length === 2) {
      functions.add(fn);
      mappings.set(`${fn}/${uuid}`, { functionName: fn, uuid });
    }
  }
  return {
    functions: [...functions].sort(),
    mappings: [...mappings.values()].sort(
      (a, b) => a.functionName.localeCompare(b.functionName) || a.uuid.localeCompare(b.uuid),
    ),
  };
}

type Stat = "Sum" | "Average" | "Maximum";

/** The queries of the view: `f<i>_<what>` per function, `m<j>_lag` per mapping. */
export function metricQueries(
  functions: readonly string[],
  mappings: ReadonlyArray<{ functionName: string; uuid: string }>,
  periodSeconds: number,
): MetricDataQuery[] {
  const query = (id: string, metricName: string, stat: Stat, dims: Record<string, string>): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: NAMESPACE,
        MetricName: metricName,
        Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: periodSeconds,
      Stat: stat,
    },
    ReturnData: true,
  });
  return [
    ...functions.flatMap((fn, i) => [
      query(`f${i}_invocations`, "Invocations", "Sum", { FunctionName: fn }),
      query(`f${i}_errors`, "Errors", "Sum", { FunctionName: fn }),
      query(`f${i}_durationAvg`, "Duration", "Average", { FunctionName: fn }),
      query(`f${i}_durationMax`, "Duration", "Maximum", { FunctionName: fn }),
    ]),
    ...mappings.map((m, j) =>
      query(`m${j}_lag`, "OffsetLag", "Maximum", { FunctionName: m.functionName, EventSourceMappingUUID: m.uuid }),
    ),
  ];
}

/** A result's values on the view's axis (null where the result has no point). */
export function onAxis(result: MetricDataResult | undefined, axis: readonly Date[]): Array<number | null> {
  const at = new Map<number, number>();
  (result?.Timestamps ?? []).forEach((t, i) => {
    const v = result?.Values?.[i];
    if (v !== undefined) at.set(t.getTime(), v);
  });
  return axis.map((t) => at.get(t.getTime()) ?? null);
}

const sum = (xs: ReadonlyArray<number | null>): number => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
const max = (xs: ReadonlyArray<number | null>): number | null =>
  xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.max(a, x)), null);

/** The view from the discovered series and GetMetricData's results (by query id). */
export function healthView(
  functions: readonly string[],
  mappings: ReadonlyArray<{ functionName: string; uuid: string }>,
  results: ReadonlyMap<string, MetricDataResult>,
  axis: readonly Date[],
  window: HealthView["window"],
): HealthView {
  const series = (id: string) => onAxis(results.get(id), axis);
  const fns = functions.map((name, i): FunctionHealth => {
    const invocations = series(`f${i}_invocations`);
    const durationAvgMs = series(`f${i}_durationAvg`);
    const calls = sum(invocations);
    const weighted = durationAvgMs.reduce<number>((a, d, k) => a + (d ?? 0) * (invocations[k] ?? 0), 0);
    return {
      name,
      invocations: calls,
      errors: sum(series(`f${i}_errors`)),
      durationAvgMs: calls > 0 ? weighted / calls : null,
      durationMaxMs: max(series(`f${i}_durationMax`)),
      series: { invocations, errors: series(`f${i}_errors`), durationAvgMs },
    };
  });
  const errorsOf = new Map(fns.map((f) => [f.name, f.errors]));
  return {
    window,
    timestamps: axis.map((t) => t.toISOString()),
    functions: fns,
    mappings: mappings.map((m, j): MappingHealth => {
      const offsetLag = series(`m${j}_lag`);
      return {
        functionName: m.functionName,
        uuid: m.uuid,
        offsetLagMax: max(offsetLag),
        offsetLagLatest: [...offsetLag].reverse().find((v) => v !== null) ?? null,
        errors: errorsOf.get(m.functionName) ?? 0,
        series: { offsetLag },
      };
    }),
  };
}

async function listLambdaMetrics(cloudWatch: CloudWatchClient, metricName: string): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for await (const page of paginateListMetrics(
    { client: cloudWatch },
    { Namespace: NAMESPACE, MetricName: metricName },
  )) {
    metrics.push(...(page.Metrics ?? []));
  }
  return metrics;
}

async function metricData(
  cloudWatch: CloudWatchClient,
  queries: readonly MetricDataQuery[],
  start: Date,
  end: Date,
): Promise<Map<string, MetricDataResult>> {
  const results = new Map<string, MetricDataResult>();
  for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_CALL) {
    let token: string | undefined;
    do {
      const out = await cloudWatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.slice(i, i + MAX_QUERIES_PER_CALL),
          StartTime: start,
          EndTime: end,
          NextToken: token,
        }),
      );
      for (const r of out.MetricDataResults ?? []) {
        if (r.Id === undefined) continue;
        const had = results.get(r.Id);
        results.set(
          r.Id,
          had === undefined
            ? r
            : {
                ...had,
                Timestamps: [...(had.Timestamps ?? []), ...(r.Timestamps ?? [])],
                Values: [...(had.Values ?? []), ...(r.Values ?? [])],
              },
        );
      }
      token = out.NextToken;
    } while (token !== undefined);
  }
  return results;
}

export async function readHealth(deps: HealthDeps, query: HealthQuery): Promise<HealthView> {
  const end = deps.now();
  const periodSeconds = periodFor(query.minutes);
  const axis = periodStarts(end, query.minutes, periodSeconds);
  const start = axis[0] ?? end;
  const listed = (
    await Promise.all(["Invocations", "OffsetLag"].map((name) => listLambdaMetrics(deps.cloudWatch, name)))
  ).flat();
  const { functions, mappings } = discover(listed, deps.functionPrefix);
  const queries = metricQueries(functions, mappings, periodSeconds);
  const rangeEnd = new Date((axis[axis.length - 1] ?? end).getTime() + periodSeconds * 1000);
  const results = queries.length > 0 ? await metricData(deps.cloudWatch, queries, start, rangeEnd) : new Map();
  return healthView(functions, mappings, results, axis, {
    start: start.toISOString(),
    end: end.toISOString(),
    periodSeconds,
  });
}
