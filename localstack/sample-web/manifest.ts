/**
 * The outcome the pipeline must reach for every candidate the sample web hands it, and the totals.
 *
 * Nothing here is typed in by hand: the per-candidate outcomes come from replaying the pipeline's
 * rules (buildManifest below) over what the sample web actually serves, and the totals are counted
 * from the per-candidate list.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import {
  type Celebrity,
  type CleanRejection,
  LIMITS,
  REJECTIONS,
  type SourceKind,
  type StoreRejection,
  type ValidateRejection,
} from "#faces/contracts";
import { hammingDistance } from "#faces/media/phash";
import {
  type Blob,
  decodedPath,
  emittedCandidates,
  fillTemplate,
  lookupResource,
  type Resource,
  type SamplePlan,
  type UrlContext,
} from "./model";

/** The download deadline the local deploy gives the store stage (DOWNLOAD_TIMEOUT_MS). */
export const SAMPLE_DOWNLOAD_TIMEOUT_MS = 2000;

export interface ExpectedCandidate {
  source: SourceKind;
  url: string;
  /** What the validate stage decides. */
  expect: "verified" | ValidateRejection;
  /** What the store stage decides (verified candidates only). */
  download?: "stored" | StoreRejection;
  /** What the clean stage decides (stored images only). */
  clean?: "clean" | CleanRejection;
  /** Which case of the sample this candidate exercises (for humans reading a failure). */
  case: string;
}

export interface ExpectedCounts {
  people: number;
  /** Every candidate the scrape stage emits, repeats included, data: URIs excluded. */
  candidates: number;
  verified: number;
  validateRejected: Record<ValidateRejection, number>;
  stored: number;
  storeRejected: Record<StoreRejection, number>;
  clean: number;
  cleanRejected: Record<CleanRejection, number>;
  datasetRows: number;
}

export interface Manifest {
  /** The sample web's origin the URLs below were made for. */
  origin: string;
  seed: number;
  scale: number;
  people: Celebrity[];
  expected: ExpectedCounts;
  perPerson: Array<{ wikidataId: string; candidates: ExpectedCandidate[] }>;
}

/** What the sample web answers for a URL on its own origin. */
export type ResolveResource = (url: URL) => Resource | undefined;

type TargetCheck = "ok" | ValidateRejection;

/**
 * The validate stage's checks of one URL, except already-seen: syntax, scheme, credentials, then
 * where the host leads. Host names are resolved from what the sample uses (`localhost` is loopback,
 * `.invalid` never resolves); any other name is a mistake in the sample.
 */
export function checkTarget(raw: string, ctx: UrlContext): TargetCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "invalid-url";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "unsafe-scheme";
  if (url.username !== "" || url.password !== "") return "credentials-in-url";
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const allowed = new URL(ctx.origin);
  if (`${url.hostname}:${port}` === `${allowed.hostname}:${allowed.port}`) return "ok";
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0) return isPublic(host) ? "ok" : "private-address";
  if (host === "localhost" || host.endsWith(".localhost")) return "private-address";
  if (host === "invalid" || host.endsWith(".invalid")) return "unresolvable-host";
  throw new Error(`the sample web should not use host name ${host} (${raw})`);
}

function isPublic(ip: string): boolean {
  const address = ipaddr.process(ip);
  if (address.kind() === "ipv4") return address.range() === "unicast";
  return address.range() === "unicast" && (address as ipaddr.IPv6).match(ipaddr.IPv6.parse("2000::"), 3);
}

type DownloadOutcome = { outcome: "stored"; blob: Blob } | { outcome: StoreRejection };

/**
 * The store stage's view of one verified URL: redirects followed by hand (at most
 * LIMITS.maxRedirects, each target checked like a candidate), 4xx and lasting 5xx fail, transient
 * 503s pass within three attempts, a response that cannot complete within the deadline times out,
 * then size, declared pixels and (per person) identical bytes.
 */
function download(start: URL, resolve: ResolveResource, ctx: UrlContext, storedHashes: Set<string>): DownloadOutcome {
  let url = start;
  let redirects = 0;
  for (;;) {
    const resource = url.origin === new URL(ctx.origin).origin ? resolve(url) : undefined;
    if (resource === undefined) return { outcome: "http-error" };
    switch (resource.kind) {
      case "redirect": {
        if (redirects >= LIMITS.maxRedirects) return { outcome: "too-many-redirects" };
        redirects++;
        const target = new URL(fillTemplate(resource.location, ctx), url);
        if (checkTarget(target.href, ctx) !== "ok") return { outcome: "unsafe-redirect" };
        url = target;
        continue;
      }
      case "status":
        return { outcome: "http-error" };
      case "stall":
        return { outcome: "timeout" };
      case "huge":
        return { outcome: resource.length > LIMITS.maxImageBytes ? "too-large" : "http-error" };
      case "flaky":
        if (resource.failures > 2) return { outcome: "http-error" };
        return finish(resource.blob, storedHashes);
      case "file":
        if ((resource.delayMs ?? 0) >= SAMPLE_DOWNLOAD_TIMEOUT_MS) return { outcome: "timeout" };
        return finish(resource.blob, storedHashes);
    }
  }
}

function finish(blob: Blob, storedHashes: Set<string>): DownloadOutcome {
  if (blob.bytes.length > LIMITS.maxImageBytes) return { outcome: "too-large" };
  if (blob.width !== undefined && blob.height !== undefined && blob.width * blob.height > LIMITS.maxImagePixels) {
    return { outcome: "decompression-bomb" };
  }
  if (storedHashes.has(blob.sha256)) return { outcome: "duplicate-image" };
  storedHashes.add(blob.sha256);
  return { outcome: "stored", blob };
}

/** Replays scrape → validate → store → clean over the plan, for a server at `ctx.origin`. */
export function buildManifest(plan: SamplePlan, ctx: UrlContext, resolve: ResolveResource): Manifest {
  const perPerson: Manifest["perPerson"] = [];
  for (const personPlan of plan.people) {
    const seen = new Set<string>();
    const storedHashes = new Set<string>();
    const cleanHashes: string[] = [];
    const candidates: ExpectedCandidate[] = [];
    for (const emitted of emittedCandidates(personPlan, ctx)) {
      const candidate: ExpectedCandidate = {
        source: emitted.source,
        url: emitted.url,
        expect: "verified",
        case: emitted.case,
      };
      candidates.push(candidate);
      let parsed: URL;
      try {
        parsed = new URL(emitted.url);
      } catch {
        candidate.expect = "invalid-url";
        continue;
      }
      const normalized = new URL(parsed.href);
      normalized.hash = "";
      if (seen.has(normalized.href)) {
        candidate.expect = "already-seen";
        continue;
      }
      seen.add(normalized.href);
      const check = checkTarget(parsed.href, ctx);
      if (check !== "ok") {
        candidate.expect = check;
        continue;
      }
      const fetched = download(normalized, resolve, ctx, storedHashes);
      candidate.download = fetched.outcome;
      if (fetched.outcome !== "stored") continue;
      const { blob } = fetched;
      if (blob.verdict !== "clean") {
        candidate.clean = blob.verdict;
        continue;
      }
      if (blob.dhash === undefined) throw new Error(`${blob.label}: a clean image without a difference hash`);
      const hash = blob.dhash;
      if (cleanHashes.some((earlier) => hammingDistance(earlier, hash) <= LIMITS.nearDuplicateDistance)) {
        candidate.clean = "near-duplicate";
        continue;
      }
      cleanHashes.push(hash);
      candidate.clean = "clean";
    }
    perPerson.push({ wikidataId: personPlan.person.wikidataId, candidates });
  }
  const people = plan.people.map(({ person }) => ({
    wikidataId: person.wikidataId,
    name: person.name,
    occupations: [...person.occupations],
  }));
  return {
    origin: new URL(ctx.origin).origin,
    seed: plan.seed,
    scale: plan.scale,
    people,
    expected: countOutcomes(people.length, perPerson),
    perPerson,
  };
}

/** The manifest of a plan served at `ctx.origin` (what startSampleWeb returns, without a server). */
export function sampleManifest(plan: SamplePlan, ctx: UrlContext): Manifest {
  return buildManifest(plan, ctx, (url) => {
    const path = decodedPath(url);
    return path === undefined ? undefined : lookupResource(plan, path);
  });
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** The totals, counted from the per-candidate outcomes. */
export function countOutcomes(people: number, perPerson: Manifest["perPerson"]): ExpectedCounts {
  const counts: ExpectedCounts = {
    people,
    candidates: 0,
    verified: 0,
    validateRejected: zeros(REJECTIONS.validate),
    stored: 0,
    storeRejected: zeros(REJECTIONS.store),
    clean: 0,
    cleanRejected: zeros(REJECTIONS.clean),
    datasetRows: 0,
  };
  for (const { candidates } of perPerson) {
    for (const c of candidates) {
      counts.candidates++;
      if (c.expect !== "verified") {
        counts.validateRejected[c.expect]++;
        continue;
      }
      counts.verified++;
      if (c.download === undefined) throw new Error(`${c.url}: verified without a download outcome`);
      if (c.download !== "stored") {
        counts.storeRejected[c.download]++;
        continue;
      }
      counts.stored++;
      if (c.clean === undefined) throw new Error(`${c.url}: stored without a clean outcome`);
      if (c.clean !== "clean") {
        counts.cleanRejected[c.clean]++;
        continue;
      }
      counts.clean++;
    }
  }
  counts.datasetRows = counts.clean;
  return counts;
}
