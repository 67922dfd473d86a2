import { dynamo, requireEnv } from "#shared/aws";
import type { VerifiedImage } from "#shared/contracts";
import { urlPolicyFrom } from "#shared/fetch-policy";
import { recordSighting, type Table } from "#shared/metadata";
import { checkHost, checkUrl } from "#shared/net/url-safety";
import { kafkaStageHandler } from "#shared/stage-handler";
import { type SafetyVerdict, validateRecord } from "./validate";

const table: Table = { db: dynamo(), name: requireEnv("METADATA_TABLE") };
const policy = urlPolicyFrom();

async function checkSafety(raw: string): Promise<SafetyVerdict> {
  const url = checkUrl(raw, policy);
  if (!url.ok) return url;
  const host = await checkHost(url.url, policy);
  return host.ok ? { ok: true, normalized: url.normalized } : { ...host, normalized: url.normalized };
}

export const handler = kafkaStageHandler<VerifiedImage>((record, { correlationId }) =>
  validateRecord(record.value, correlationId, {
    checkSafety,
    recordSighting: (item, by) => recordSighting(table, item, by),
    now: () => new Date(),
  }),
);
