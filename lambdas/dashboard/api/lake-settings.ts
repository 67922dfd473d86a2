/** What the lake page reads from the dashboard function's environment; the stack builds it with `lakeEnvironment`. */
import { type EnvironmentOf, envString } from "#shared/settings";

export const LAKE_PAGE_SETTINGS = {
  /** The hourly runs table (`#hourly/run-records`). */
  LAKE_RUNS_TABLE: envString,
  /** The lake bucket (Parquet under `lake/observations/`). */
  LAKE_BUCKET: envString,
  /** The alerts topic every project alarm notifies. */
  ALERTS_TOPIC_ARN: envString,
};

export interface LakeEnvironmentProps {
  readonly runsTable: string;
  readonly lakeBucket: string;
  readonly alertsTopicArn: string;
}

export function lakeEnvironment(props: LakeEnvironmentProps): EnvironmentOf<typeof LAKE_PAGE_SETTINGS> {
  return { LAKE_RUNS_TABLE: props.runsTable, LAKE_BUCKET: props.lakeBucket, ALERTS_TOPIC_ARN: props.alertsTopicArn };
}
