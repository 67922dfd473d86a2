/**
 * AWS clients of a stage, created once per process (per warm Lambda sandbox) and only when first
 * used. Clients find the endpoint, region and credentials the usual way (AWS_ENDPOINT_URL locally,
 * the execution role on AWS); the one setting of ours is S3's addressing style.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { z } from "zod";
import { type Lazy, lazy } from "./lazy";
import { envFlag } from "./settings";

function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

/** Declared by every stage that uses S3; set locally (the emulator serves buckets by path), never by the stack. */
export const S3_SETTINGS = { AWS_S3_FORCE_PATH_STYLE: envFlag };

/** The stage's S3 client; a handler makes it once, at init. */
export function s3Client(settings: { readonly AWS_S3_FORCE_PATH_STYLE: boolean }): S3Client {
  return new S3Client({ forcePathStyle: settings.AWS_S3_FORCE_PATH_STYLE, maxAttempts: 5 });
}
export const dynamo = once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
const secretsManager = once(() => new SecretsManagerClient({}));
/** CloudWatch (metrics and alarms), for the dashboard. */
export const cloudWatch = once(() => new CloudWatchClient({ maxAttempts: 5 }));

const secrets = new Map<string, Lazy<unknown>>();

/** A JSON secret, parsed with `schema`; read once per process (a failed read is forgotten: the next call tries again). */
export function readSecretJson<S extends z.ZodType>(arn: string, schema: S): Promise<z.infer<S>> {
  let secret = secrets.get(arn);
  if (secret === undefined) {
    secret = lazy(() => fetchSecretJson(arn, schema));
    secrets.set(arn, secret);
  }
  return secret.get() as Promise<z.infer<S>>;
}

async function fetchSecretJson<S extends z.ZodType>(arn: string, schema: S): Promise<z.infer<S>> {
  let text: string | undefined;
  try {
    ({ SecretString: text } = await secretsManager().send(new GetSecretValueCommand({ SecretId: arn })));
  } catch (error) {
    throw new Error(`cannot read secret ${arn}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? "");
  } catch (error) {
    throw new Error(`secret ${arn} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`secret ${arn} has the wrong shape: ${parsed.error.message}`);
  return parsed.data;
}
