/**
 * Builds the sample: people, their P18 values, TMDB profiles and web pages, and every byte the
 * sample web serves, with the bad cases (cases/) spread over people (several of each). Every URL
 * carries the outcome its case declares (see manifest.ts).
 */
import { type Need, PersonBuilder, type PersonSetup } from "./builder";
import { CASES } from "./cases";
import { standardContent } from "./cases/scrape";
import type { PersonPlan, Resource, SamplePlan } from "./model";
import { REAL_PEOPLE, type SamplePerson, syntheticPeople } from "./people";
import { Rng } from "./prng";

/** People per block; scale N gives N blocks (the real people, then generated ones). */
export const BLOCK_SIZE = REAL_PEOPLE.length;

function eligible(setup: PersonSetup, needs: readonly Need[]): boolean {
  return needs.every((need) => (need === "page" ? setup.hasPage : need === "p18" ? setup.p18Count > 0 : setup.onTmdb));
}

/** Spreads the cases over a block's people: each instance to the least-loaded eligible person. */
function assignCases(setups: PersonSetup[], rng: Rng): void {
  const load = new Map<PersonSetup, number>(setups.map((s) => [s, 0]));
  for (const kind of CASES) {
    const order = rng.shuffle(setups.filter((s) => eligible(s, kind.needs)));
    if (order.length === 0) throw new Error(`nobody can take case ${kind.name}`);
    for (let instance = 0; instance < kind.count; instance++) {
      let best = order[0] as PersonSetup;
      for (const s of order) {
        const penalty = (x: PersonSetup) => (load.get(x) ?? 0) + (x.cases.some((c) => c.kind === kind) ? 100 : 0);
        if (penalty(s) < penalty(best)) best = s;
      }
      best.cases.push({ kind, instance });
      load.set(best, (load.get(best) ?? 0) + 1);
    }
  }
}

function blockSetups(people: SamplePerson[], rng: Rng): PersonSetup[] {
  const setups = people.map((person, index): PersonSetup => {
    const hasPage = index % 7 !== 3;
    const p18Count = index % 9 === 5 ? 0 : index % 6 === 1 ? 2 : 1;
    const onTmdb = (!hasPage && p18Count === 0) || rng.chance(person.screen ? 0.9 : 0.25);
    return { person, index, hasPage, p18Count, onTmdb, rateLimited: false, somevalue: false, cases: [], shared: [] };
  });
  const firstOnTmdb = setups.find((s) => s.onTmdb);
  if (firstOnTmdb) firstOnTmdb.rateLimited = true;
  const unknownValue = setups.find((s) => s.index >= 2 && s.p18Count > 0);
  if (unknownValue) unknownValue.somevalue = true;
  return setups;
}

/** Two pictures each shown on two people's pages (a group photo): stored and clean for both. */
async function addSharedPictures(setups: PersonSetup[], rng: Rng, block: number): Promise<void> {
  const withPage = rng.shuffle(setups.filter((s) => s.hasPage));
  for (let n = 0; n < 2; n++) {
    const a = withPage[2 * n];
    const c = withPage[2 * n + 1];
    if (a === undefined || c === undefined) return;
    const maker = new PersonBuilder(a, rng.fork("shared", n));
    const picture = await maker.picture({ kind: "jpeg" });
    const path = `/img/shared/${block + 1}-${n + 1}/group-photo.jpg`;
    a.shared.push({ path, picture });
    c.shared.push({ path, picture });
  }
}

async function buildPerson(setup: PersonSetup, seed: number): Promise<PersonBuilder> {
  const b = new PersonBuilder(setup, new Rng("sample-web", seed, "person", setup.person.wikidataId));
  for (const shared of setup.shared) b.hashes.push(shared.picture.dhash);
  await standardContent(b);
  for (const shared of setup.shared)
    b.img(b.absolute(shared.path), "shared-with-another-person", "clean", `${setup.person.name} with others`);
  for (const { kind, instance } of setup.cases) await kind.run(b, instance);
  return b;
}

export interface SampleOptions {
  seed?: number;
  scale?: number;
}

/** One block of BLOCK_SIZE people with everything they need; block b is the same at every scale > b. */
export interface SampleBlock {
  people: PersonPlan[];
  resources: Map<string, Resource>;
}

/** Memoises blocks by seed and block number (in memory only). */
export type BlockCache = Map<string, Promise<SampleBlock>>;

/** TMDB ids of block b are drawn from [b × TMDB_ID_SPAN + 1000, (b + 1) × TMDB_ID_SPAN), so blocks never collide. */
const TMDB_ID_SPAN = 5_000_000;

async function generateBlock(seed: number, block: number, persons: SamplePerson[]): Promise<SampleBlock> {
  const blockRng = new Rng("sample-web", seed, "block", block);
  const setups = blockSetups(persons, blockRng.fork("setups"));
  assignCases(setups, blockRng.fork("cases"));
  await addSharedPictures(setups, blockRng.fork("shared"), block);
  const resources = new Map<string, Resource>();
  for (const s of setups) {
    for (const shared of s.shared) {
      if (!resources.has(shared.path)) resources.set(shared.path, { kind: "file", blob: shared.picture.blob });
    }
  }
  // Each person has its own random stream, so building them concurrently stays deterministic.
  const builders = await Promise.all(setups.map((s) => buildPerson(s, seed)));
  const people: PersonPlan[] = [];
  const tmdbIds = new Set<number>();
  for (const b of builders) {
    for (const [path, resource] of b.resources) {
      if (resources.has(path)) throw new Error(`${path} is served twice`);
      resources.set(path, resource);
    }
    const plan = b.plan();
    if (plan.tmdb) {
      const idRng = new Rng("sample-web", seed, "tmdb-id", b.person.wikidataId);
      let id = 0;
      while (id === 0 || tmdbIds.has(id)) id = block * TMDB_ID_SPAN + idRng.int(1_000, TMDB_ID_SPAN - 1);
      tmdbIds.add(id);
      plan.tmdb.id = id;
    }
    people.push(plan);
  }
  return { people, resources };
}

/**
 * Builds the whole sample (every byte); deterministic in seed and scale. Scale N is N blocks: the
 * real people, then N − 1 blocks of generated people with the same mix of cases. Pass a cache to
 * reuse blocks already built (scale 2 then only builds its second block).
 */
export async function generateSample(options: SampleOptions = {}, cache?: BlockCache): Promise<SamplePlan> {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be a positive integer, got ${scale}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  // Names first, block after block, so that generated names never repeat (TMDB search is by name).
  const taken = new Set(REAL_PEOPLE.map((p) => p.name.toLowerCase()));
  const namesRng = new Rng("sample-web", seed, "synthetic-people");
  const blocks: Array<Promise<SampleBlock>> = [];
  for (let block = 0; block < scale; block++) {
    const persons =
      block === 0
        ? [...REAL_PEOPLE]
        : syntheticPeople(BLOCK_SIZE, (block - 1) * BLOCK_SIZE, namesRng.fork("block", block), taken);
    const key = `${seed}:${block}`;
    let pending = cache?.get(key);
    if (pending === undefined) {
      pending = generateBlock(seed, block, persons);
      if (cache) {
        cache.set(key, pending);
        pending.catch(() => cache.delete(key));
      }
    }
    blocks.push(pending);
  }
  const resources = new Map<string, Resource>();
  const people: PersonPlan[] = [];
  const tmdbFiles = new Set<string>();
  for (const { people: blockPeople, resources: blockResources } of await Promise.all(blocks)) {
    for (const [path, resource] of blockResources) {
      if (resources.has(path)) throw new Error(`${path} is served by two blocks`);
      resources.set(path, resource);
    }
    for (const plan of blockPeople) {
      for (const profile of plan.tmdb?.profiles ?? []) {
        if (tmdbFiles.has(profile.file)) throw new Error(`TMDB file ${profile.file} drawn twice`);
        tmdbFiles.add(profile.file);
      }
      people.push(plan);
    }
  }
  return { seed, scale, people, resources };
}
