/**
 * The pipeline's own stage functions (validate, store, clean), run in this process over a running
 * sample web with in-memory metadata and objects: what the product makes of each candidate the
 * manifest lists, in the manifest's order, person by person. Every decision is the product's; only
 * the wiring the stage handlers do (which deps each stage gets) is repeated here, so the sample's
 * declared outcomes can be checked against the product without the local stack. (The clean
 * handler's restrictDecoders is left out: it is process-wide, and jest shares a process between
 * test files; assessImage never hands markup to sharp anyway.)
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Limits, StoredImage, VerifiedImage } from "#faces/contracts";
import { assessImage, findNearDuplicate } from "#faces/media/index";
import { inspectDownload } from "#faces/media/sniff";
import { assessUrl, type SafetyVerdict } from "#faces/net/assess-url";
import { fetchEnvironment, LIMIT_SETTINGS, limitsOf, URL_POLICY_SETTINGS } from "#faces/settings";
import { sourceSetup } from "#lib/sources";
import type { ExpectedCandidate, Manifest } from "#local/sample-web/manifest";
import { createSafeFetcher, type SafeFetcher } from "#shared/net/safe-fetch";
import type { LookupAll, UrlPolicy } from "#shared/net/url-safety";
import { parseSettings } from "#shared/settings";
import { cleanRecord } from "../../../lambdas/faces/clean/clean";
import { downloadImage } from "../../../lambdas/faces/store/download";
import { storeRecord } from "../../../lambdas/faces/store/store";
import { validateRecord } from "../../../lambdas/faces/validate/validate";
import { MemoryMetadata } from "../../lambdas/faces/fakes";
import { mapLimit } from "./support";

const sha = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");
const now = () => new Date();

/** The names the sample uses: `localhost` is loopback, `.invalid` never resolves (RFC 2606); any other is a mistake. */
const sampleLookup: LookupAll = async (hostname) => {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return [{ address: "127.0.0.1", family: 4 }];
  if (hostname === "invalid" || hostname.endsWith(".invalid"))
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  throw new Error(`the sample web should not name host ${hostname}`);
};

/** Where a candidate stopped: `validate/private-address`, `store/timeout`, `clean/polyglot`. */
const reached = (stage: string, result: { outcome: string; reason?: string }) =>
  `${stage}/${result.reason ?? result.outcome}`;

interface Wiring {
  limits: Limits;
  policy: UrlPolicy;
  http: SafeFetcher;
}

/**
 * The local deploy's settings for the sample web (lib/sources.ts), parsed the way the fetching stages
 * parse their environment, and a fetcher built from them.
 */
function wiring(origin: string): Wiring {
  const env = fetchEnvironment(sourceSetup({ sources: "sample", sampleWebUrl: origin }));
  const settings = parseSettings(z.object({ ...URL_POLICY_SETTINGS, ...LIMIT_SETTINGS }), env);
  const limits = limitsOf(settings);
  const policy = { allowList: settings.URL_ALLOW_LIST };
  const http = createSafeFetcher({
    allowList: policy.allowList,
    timeoutMs: limits.downloadTimeoutMs,
    maxBytes: limits.maxImageBytes,
    maxRedirects: limits.maxRedirects,
    lookup: sampleLookup,
    // Every sample request goes to one host: the default politeness (10 requests/s) would only make this slow.
    perHostRequestsPerSecond: 1_000,
    perHostConcurrency: 16,
  });
  return { limits, policy, http };
}

/** One person's candidates through validate, store and clean, in order. */
async function runPerson(
  person: { wikidataId: string; name: string },
  candidates: readonly ExpectedCandidate[],
  { limits, policy, http }: Wiring,
): Promise<string[]> {
  const db = new MemoryMetadata();
  const objects = new Map<string, Buffer>();
  const checkSafety = (raw: string): Promise<SafetyVerdict> => assessUrl(raw, policy, sampleLookup);
  const putObject = async (key: string, body: Buffer) => {
    objects.set(key, body);
  };
  const out: string[] = [];
  for (const [i, c] of candidates.entries()) {
    const by = `${person.wikidataId}-${i}`;
    const candidate = {
      candidateId: sha(`${person.wikidataId} ${c.source} ${i} ${c.url}`),
      wikidataId: person.wikidataId,
      name: person.name,
      source: c.source,
      url: c.url,
      foundOn: "",
      foundAt: now().toISOString(),
    };
    const validated = await validateRecord(JSON.stringify(candidate), `v-${by}`, {
      checkSafety,
      recordSighting: db.recordSighting,
      now,
    });
    if (validated.outcome !== "verified") {
      out.push(reached("validate", validated));
      continue;
    }
    const stored = await storeRecord(JSON.stringify(validated.value as VerifiedImage), `s-${by}`, {
      download: (url) => downloadImage(http, url),
      inspect: inspectDownload,
      putObject,
      putImage: db.putImage,
      recordDownload: db.recordDownload,
      limits,
      now,
    });
    if (stored.outcome !== "stored") {
      out.push(reached("store", stored));
      continue;
    }
    const cleaned = await cleanRecord(
      { topic: "images-stored", partition: 0, offset: i, value: JSON.stringify(stored.value as StoredImage) },
      `c-${by}`,
      {
        getImage: db.getImage,
        getObject: async (key) => objects.get(key) ?? Buffer.alloc(0),
        putObject,
        assess: assessImage,
        cleanHashes: db.cleanHashes,
        findNearDuplicate,
        markCleaned: db.markCleaned,
        limits,
        now,
      },
    );
    out.push(cleaned.outcome === "clean" ? "clean" : reached("clean", cleaned));
  }
  return out;
}

/**
 * What the product's stages make of every candidate of the manifest, served at `origin`, as
 * `clean` or `stage/reason`; per person, in order.
 */
export async function runProductStages(manifest: Manifest, origin: string): Promise<string[][]> {
  const names = new Map(manifest.people.map((p) => [p.wikidataId, p.name]));
  const wired = wiring(origin);
  try {
    return await mapLimit(manifest.perPerson, 8, ({ wikidataId, candidates }) =>
      runPerson({ wikidataId, name: names.get(wikidataId) ?? wikidataId }, candidates, wired),
    );
  } finally {
    await wired.http.close();
  }
}
