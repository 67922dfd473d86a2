/**
 * The Kafka client configuration of a self-managed Kafka event-source mapping: its bootstrap servers and
 * its SourceAccessConfiguration (SASL_SCRAM_512_AUTH / SASL_SCRAM_256_AUTH / BASIC_AUTH with a Secrets
 * Manager secret holding {"username","password"}, as the CDK SelfManagedKafkaEventSource expects).
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type KafkaConfig, logLevel, type SASLOptions } from "kafkajs";
import { readKafkaSecret, type ScramUser } from "../../support/kafka-secret";
import type { KafkaMappingSpec } from "../types";

/** The SCRAM user a mapping's secret holds: the same shape the local broker's users have. */
export type KafkaUser = ScramUser;

function sasl(spec: KafkaMappingSpec, user: KafkaUser | undefined): SASLOptions | undefined {
  if (spec.authentication === "NONE") return undefined;
  if (user === undefined)
    throw new Error(`mapping ${spec.uuid} uses ${spec.authentication} but no credentials were given`);
  switch (spec.authentication) {
    case "SASL_SCRAM_512_AUTH":
      return { mechanism: "scram-sha-512", username: user.username, password: user.password };
    case "SASL_SCRAM_256_AUTH":
      return { mechanism: "scram-sha-256", username: user.username, password: user.password };
    case "BASIC_AUTH":
      return { mechanism: "plain", username: user.username, password: user.password };
    default: {
      const never: never = spec.authentication;
      throw new Error(`unknown authentication ${String(never)}`);
    }
  }
}

export interface MappingKafkaOptions {
  /** TLS to the brokers. AWS uses SASL_SSL for self-managed clusters; the local broker is SASL_PLAINTEXT. Default false. */
  readonly ssl?: boolean;
  readonly clientId?: string;
}

/** The kafkajs configuration of a mapping's cluster, authenticated as user. */
export function mappingKafkaConfig(
  spec: KafkaMappingSpec,
  user?: KafkaUser,
  options: MappingKafkaOptions = {},
): KafkaConfig {
  const auth = sasl(spec, user);
  return {
    clientId: options.clientId ?? `sluice-esm-${spec.uuid}`,
    brokers: [...spec.bootstrapServers],
    ssl: options.ssl ?? false,
    ...(auth ? { sasl: auth } : {}),
    logLevel: logLevel.WARN,
  };
}

/**
 * A factory for the poller's `kafka` dependency: resolves the credentials from the mapping's secret on every
 * (re)connect, so a rotated secret is picked up; or uses the given user.
 */
export function mappingKafkaConfigFactory(
  spec: KafkaMappingSpec,
  source: { readonly secretsManager: SecretsManagerClient } | { readonly user: KafkaUser },
  options: MappingKafkaOptions = {},
): () => Promise<KafkaConfig> {
  return async () => {
    if ("user" in source) return mappingKafkaConfig(spec, source.user, options);
    if (spec.authentication === "NONE") return mappingKafkaConfig(spec, undefined, options);
    if (!spec.scramSecretArn) throw new Error(`mapping ${spec.uuid} uses ${spec.authentication} but names no secret`);
    return mappingKafkaConfig(spec, await readKafkaSecret(source.secretsManager, spec.scramSecretArn), options);
  };
}
