/**
 * AWS clients and configuration of a stage, created once per process (per warm Lambda sandbox)
 * and only when first used. Clients find the endpoint, region and credentials the usual way
 * (AWS_ENDPOINT_URL locally, the execution role on AWS).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { z } from "zod";

function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

export const s3 = once(
  () => new S3Client({ forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === "true", maxAttempts: 5 }),
);
export const dynamo = once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
const secretsManager = once(() => new SecretsManagerClient({}));

/** A required environment variable; its absence is a deployment error that names it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === "") throw new Error(`environment variable ${name} is not set`);
  return value;
}

const secretCache = new Map<string, Promise<unknown>>();

/** A JSON secret, parsed with `schema`; read once per process. */
export function readSecretJson<S extends z.ZodType>(arn: string, schema: S): Promise<z.infer<S>> {
  let pending = secretCache.get(arn);
  if (pending === undefined) {
    pending = (async () => {
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
    })();
    // A failed read is not cached: the next record tries again.
    pending.catch(() => secretCache.delete(arn));
    secretCache.set(arn, pending);
  }
  return pending as Promise<z.infer<S>>;
}
