/** The hourly pipeline from outside: invoke ingest for a past hour (a backfill), read and print the run records. */
import { randomUUID } from "node:crypto";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { queryRuns } from "#hourly/dynamo-run-records";
import { HOUR } from "#hourly/observation";
import type { RunRecord } from "#hourly/run-records";
import type { LocalConfig } from "../../config";
import { awsClients } from "../../support/aws";

/** Outputs of the hourly stack this module needs. */
export interface HourlyOutputs {
  readonly HourlyIngestFunctionName?: string;
  readonly HourlyRunsTableName?: string;
  readonly HourlyScheduleName?: string;
}

function need(outputs: HourlyOutputs, key: keyof HourlyOutputs): string {
  const value = outputs[key];
  if (!value) throw new Error(`the hourly stack is not deployed (no ${key} output): run npm run deploy:local first`);
  return value;
}

/**
 * Invokes ingest asynchronously for a past hour (InvocationType Event, so Lambda's retries and on-failure
 * destination apply exactly as to a scheduled firing); returns the run id its attempts are recorded under.
 */
export async function backfillHour(cfg: LocalConfig, outputs: HourlyOutputs, hour: string): Promise<string> {
  if (!HOUR.test(hour)) throw new Error(`--hour must be YYYY-MM-DDTHH (UTC), got "${hour}"`);
  const runId = `backfill-${randomUUID()}`;
  const out = await awsClients(cfg).lambda.send(
    new InvokeCommand({
      FunctionName: need(outputs, "HourlyIngestFunctionName"),
      InvocationType: "Event",
      Payload: Buffer.from(JSON.stringify({ hour, runId })),
    }),
  );
  if (out.StatusCode !== 202) throw new Error(`the asynchronous invoke answered ${out.StatusCode}, not 202`);
  return runId;
}

/** Every run record of an hour, oldest attempt first. */
export async function runsOf(cfg: LocalConfig, outputs: HourlyOutputs, hour: string): Promise<RunRecord[]> {
  return queryRuns(awsClients(cfg).documents, need(outputs, "HourlyRunsTableName"), hour);
}

/** The run table: one line per attempt. */
export function formatRuns(runs: readonly RunRecord[]): string {
  const head =
    "hour           attempt  status             fetched  kept  published  rejected                                   ms";
  const lines = runs.map((r) => {
    const rejected = Object.entries(r.rejected ?? {})
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(", ");
    return [
      r.hour.padEnd(14),
      String(r.attempt).padStart(7),
      ` ${r.status.padEnd(18)}`,
      String(r.fetched ?? "").padStart(7),
      String(r.kept ?? "").padStart(5),
      String(r.published ?? "").padStart(10),
      ` ${(rejected || r.reason || r.error || "").slice(0, 42).padEnd(42)}`,
      String(r.durationMs ?? "").padStart(5),
    ].join(" ");
  });
  return [head, ...lines].join("\n");
}
