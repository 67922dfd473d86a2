import type { VerifiedImage } from "#faces/contracts";
import { urlPolicyFrom } from "#faces/fetch-policy";
import { recordSighting, type Table } from "#faces/metadata";
import { checkHost, checkUrl } from "#faces/net/url-safety";
import { dynamo, requireEnv } from "#shared/aws";
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
