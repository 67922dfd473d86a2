/**
 * What a route may use: the settings, the SDK clients (made once per sandbox, on first use), the named sources
 * (a table or bucket variable; an unset one is a 503 that names it), the transaction producer of a full dashboard,
 * and the clock. Handlers build it once; unit tests build it from fakes.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Producer } from "kafkajs";
import type { DashboardSettings, DashboardSourceVariable } from "../settings";
import { HttpError } from "./http";

export interface DashboardDeps {
  readonly settings: DashboardSettings;
  readonly dynamo: () => DynamoDBDocumentClient;
  readonly s3: () => S3Client;
  readonly cloudWatch: () => CloudWatchClient;
  /** The Kafka producer the form sends with (the SCRAM user of the Kafka secret); undefined when read-only. */
  readonly producer?: () => Promise<Pick<Producer, "send">>;
  readonly now: () => Date;
}

/** The value of a source variable, or a 503 saying which variable this deployment does not set. */
export function source(deps: Pick<DashboardDeps, "settings">, name: DashboardSourceVariable): string {
  const value = deps.settings[name];
  if (value === undefined) {
    throw new HttpError(503, "source-not-configured", `this dashboard has no ${name}: its stack does not pass it`);
  }
  return value;
}
