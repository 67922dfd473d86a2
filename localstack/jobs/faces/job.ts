/**
 * The main job: seed people, follow the four stages until the pipeline drains, then report what it
 * produced. `npm start` runs it after bringing the stack up and deploying; `sluice seed` runs it alone.
 */
import { readFileSync } from "node:fs";
import type { Celebrity } from "#faces/contracts";
import type { LocalConfig } from "../../config";
import type { Log } from "../../support/log";
import { progressBars, stageBars } from "../progress";
import { currentProgress, type StageProgress, waitForDrain } from "../watch";
import {
  fetchSparql,
  parseCelebrityCsv,
  parseCelebrityJson,
  parseSparqlResults,
  type SeedError,
  sparqlQuery,
  WIKIDATA_SPARQL_ENDPOINT,
} from "./people";
import { type PipelineSummary, pipelineSummary } from "./report";
import { produceCelebrities } from "./seed";

/** `sample` (the sample web's SPARQL endpoint), `wikidata` (the real one), or a .csv / .json file. */
export async function loadSeedList(
  cfg: LocalConfig,
  from: string,
  limit: number,
): Promise<{ people: Celebrity[]; errors: SeedError[]; origin: string }> {
  if (from === "sample" || from === "wikidata") {
    const endpoint = from === "sample" ? `${cfg.sampleWeb.url}/wikidata/sparql` : WIKIDATA_SPARQL_ENDPOINT;
    const errors: SeedError[] = [];
    const people = parseSparqlResults(await fetchSparql(endpoint, sparqlQuery(limit)), (e) => errors.push(e));
    return { people: people.slice(0, limit), errors, origin: endpoint };
  }
  let text: string;
  try {
    text = readFileSync(from, "utf8");
  } catch (error) {
    throw new Error(`cannot read the seed list ${from}`, { cause: error });
  }
  const list = from.endsWith(".csv")
    ? parseCelebrityCsv(text)
    : from.endsWith(".json")
      ? parseCelebrityJson(text)
      : undefined;
  if (!list) throw new Error(`seed list ${from}: expected a .csv or .json file, "sample" or "wikidata"`);
  return { ...list, people: list.people.slice(0, limit), origin: from };
}

export interface JobResult {
  readonly seeded: number;
  readonly seconds: number;
  readonly stages: StageProgress[];
  readonly summary: PipelineSummary;
}

const STAGE_ORDER = ["scrape", "validate", "store", "clean"];

/** The face pipeline's topics in stage order (the `Topics` output); the first is the one people are seeded onto. */
export function faceTopicsOf(outputs: Readonly<Record<string, string>>): string[] {
  return (outputs.Topics ?? "").split(",").filter((t) => t !== "");
}

export async function runJob(
  cfg: LocalConfig,
  outputs: Record<string, string>,
  options: {
    from: string;
    limit: number;
    log: Log;
    interactive: boolean;
    /** People of the list left out from its start (a benchmark seeding only people it has not seen). @default 0 */
    skip?: number;
  },
): Promise<JobResult> {
  const { log } = options;
  const topic = faceTopicsOf(outputs)[0] ?? "celebrities";
  const loaded = await loadSeedList(cfg, options.from, options.limit);
  const list = { ...loaded, people: loaded.people.slice(options.skip ?? 0) };
  for (const e of list.errors) log(`  seed list: skipped ${e.where}: ${e.message}`);
  if (list.people.length === 0) throw new Error(`the seed list from ${list.origin} holds nobody`);
  log(`seeding ${list.people.length} people from ${list.origin} onto ${topic}…`);

  const baseline = await currentProgress(cfg);
  const started = Date.now();
  const bars = progressBars(options.interactive);
  try {
    const seedBar = bars.create(list.people.length, 0, { stage: "seed    ", lag: 0, errors: 0 });
    await produceCelebrities(cfg, topic, list.people, (sent) => seedBar.update(sent));
    const stages = await waitForDrain(cfg, {
      firstTopic: topic,
      expectFirst: list.people.length,
      baseline,
      onProgress: stageBars(bars, STAGE_ORDER, 8),
    });
    bars.stop();
    const seconds = (Date.now() - started) / 1000;
    return { seeded: list.people.length, seconds, stages, summary: await pipelineSummary(cfg, outputs) };
  } finally {
    bars.stop();
  }
}

function reasons(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "none" : entries.map(([r, n]) => `${r} ${n}`).join(", ");
}

export function formatSummary(result: JobResult): string {
  const s = result.summary;
  const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return [
    "",
    `face pipeline drained in ${result.seconds.toFixed(1)} s`,
    `  people      ${s.people}  (seeded ${result.seeded} this run)`,
    `  candidates  ${s.candidates}`,
    `  verified    ${s.verified}   rejected ${total(s.rejected.validate)}: ${reasons(s.rejected.validate)}`,
    `  stored      ${s.stored}   rejected ${total(s.rejected.store)}: ${reasons(s.rejected.store)}`,
    `  clean       ${s.clean}   rejected ${total(s.rejected.clean)}: ${reasons(s.rejected.clean)}`,
    `  dataset     ${s.dataset.files} Parquet files, ${s.dataset.rows} rows (${mb(s.dataset.bytes)})`,
    `  images      ${s.images.objects} objects in S3 (${mb(s.images.bytes)})`,
    `  failures    ${s.failureRecords} batch records in the failures bucket`,
    `  throughput  ${(s.stored / Math.max(result.seconds, 0.001)).toFixed(1)} images/s stored, ${(s.clean / Math.max(result.seconds, 0.001)).toFixed(1)} clean images/s`,
    ...(s.pendingDownloads + s.pendingClean > 0
      ? [`  pending     ${s.pendingDownloads} downloads, ${s.pendingClean} images not judged yet`]
      : []),
  ].join("\n");
}
