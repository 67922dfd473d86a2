/**
 * Kafka credentials kept in Secrets Manager, as {"username","password"} (what the CDK
 * SelfManagedKafkaEventSource expects): read after a deploy to create the broker's SCRAM user, created by
 * tests and the benchmark for mappings of their own.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";

/** A SCRAM user of the local broker. */
export interface ScramUser {
  username: string;
  password: string;
}

/** Reads {"username","password"} from a Secrets Manager secret. The error never carries the secret. */
export async function readKafkaSecret(secretsManager: SecretsManagerClient, secretArn: string): Promise<ScramUser> {
  let text: string | undefined;
  try {
    ({ SecretString: text } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn })));
  } catch (error) {
    throw new Error(`cannot read the Kafka credentials secret ${secretArn}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? "");
  } catch {
    throw new Error(`secret ${secretArn} is not JSON {"username","password"}`);
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== "string" || typeof password !== "string" || username === "" || password === "") {
    throw new Error(`secret ${secretArn} does not hold {"username","password"}`);
  }
  return { username, password };
}

export interface KafkaSecret {
  readonly arn: string;
  readonly name: string;
  /** Deletes the secret at once (no recovery window). */
  remove(): Promise<void>;
}

/** Creates a secret holding user's {"username","password"}. */
export async function createKafkaSecret(
  secretsManager: SecretsManagerClient,
  name: string,
  user: ScramUser,
): Promise<KafkaSecret> {
  const created = await secretsManager.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: user.username, password: user.password }),
    }),
  );
  const arn = created.ARN;
  if (!arn) throw new Error(`CreateSecret ${name} returned no ARN`);
  return {
    arn,
    name,
    async remove() {
      await secretsManager.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
    },
  };
}
