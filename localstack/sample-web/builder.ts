/**
 * Builds one person's share of the sample: their pictures (kept apart by fingerprint), the files
 * and other answers the sample web serves for them, their P18 statements, TMDB profiles and web
 * page, each URL with the outcome its case declares. The cases (cases/) drive it.
 *
 * Pictures of one person are kept apart by their difference hash (fingerprint.ts): every new
 * "distinct" picture is at least DISTINCT_MIN_BITS from all the person's earlier ones (redrawn until
 * it is), and every deliberate near-duplicate (re-encoded, resized, cropped) at most VARIANT_MAX_BITS
 * from its original: both well clear of the pipeline's threshold (nearDuplicateDistance = 10), so
 * "clean" and "near-duplicate" are true by construction, and a hash computed a little differently
 * (after re-encoding, say) cannot flip a decision.
 */

import { type Raster, randomFace, renderFace } from "./drawing";
import { bitsApart, fingerprint } from "./fingerprint";
import { CONTENT_TYPE, EXTENSION, encode, type RasterKind } from "./imaging";
import {
  type Blob,
  commonsPath,
  makeBlob,
  type P18Statement,
  type PageElement,
  type PersonPlan,
  type Resource,
  TMDB_IMAGE_PREFIX,
  type TmdbProfile,
  TOKENS,
} from "./model";
import type { Declared, Outcome } from "./outcome";
import type { SamplePerson } from "./people";
import type { Rng } from "./prng";
import { ASSUMED_LIMITS } from "./thresholds";

/** Distinct pictures of one person differ in at least this many of the 64 hash bits. */
const DISTINCT_MIN_BITS = 18;
/** A deliberate near-duplicate differs from its original in at most this many bits. */
export const VARIANT_MAX_BITS = 5;
const THRESHOLD = ASSUMED_LIMITS.nearDuplicateDistance;
if (VARIANT_MAX_BITS > THRESHOLD - 4 || DISTINCT_MIN_BITS < THRESHOLD + 4)
  throw new Error("the picture distances must stay well clear of the near-duplicate threshold");

/** Decoding a picture to fingerprint it never takes more pixels than the pipeline would. */
export const PIXEL_LIMIT = ASSUMED_LIMITS.maxImagePixels;

export interface Picture {
  raster: Raster;
  kind: RasterKind;
  blob: Blob;
  dhash: string;
}

/** What a case needs its person to have. */
export type Need = "page" | "p18" | "tmdb";

/** One kind of case: how many instances a block of people gets, who can take one, and how to build it. */
export interface CaseKind {
  name: string;
  count: number;
  needs: Need[];
  run(b: PersonBuilder, instance: number): Promise<void>;
}

export interface CaseRef {
  kind: CaseKind;
  instance: number;
}

/** What is decided about a person before their content is built. */
export interface PersonSetup {
  person: SamplePerson;
  index: number;
  hasPage: boolean;
  p18Count: number;
  onTmdb: boolean;
  rateLimited: boolean;
  somevalue: boolean;
  cases: CaseRef[];
  shared: Array<{ path: string; picture: Picture }>;
}

export const dims = (r: { width: number; height: number }) => ({ width: r.width, height: r.height });

const WORDS = [
  "portrait",
  "headshot",
  "on-stage",
  "interview",
  "award-ceremony",
  "press-photo",
  "candid",
  "studio",
  "outdoor",
  "lecture",
  "archive",
  "signing",
  "premiere",
  "festival",
  "visit",
  "speech",
];

export class PersonBuilder {
  readonly slug: string;
  readonly hashes: string[] = [];
  readonly p18: P18Statement[] = [];
  readonly profiles: TmdbProfile[] = [];
  readonly head: PageElement[] = [];
  readonly body: PageElement[] = [];
  readonly resources = new Map<string, Resource>();
  base?: string;
  /** The first plain picture and where it is served. */
  primary?: { picture: Picture; path: string; url: string };
  private readonly names = new Set<string>();

  constructor(
    readonly setup: PersonSetup,
    readonly rng: Rng,
  ) {
    this.slug = setup.person.wikidataId.toLowerCase();
  }

  get person(): SamplePerson {
    return this.setup.person;
  }

  /** A file name not used before for this person. */
  fileName(stem: string, ext: string): string {
    for (let n = 1; ; n++) {
      const name = `${stem}${n === 1 ? "" : `-${n}`}.${ext}`;
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }

  imgPath(stem: string, ext: string): string {
    return `/img/${this.slug}/${this.fileName(stem, ext)}`;
  }

  word(): string {
    return this.rng.pick(WORDS);
  }

  serve(path: string, resource: Resource): string {
    if (this.resources.has(path)) throw new Error(`${path} is served twice`);
    this.resources.set(path, resource);
    return path;
  }

  /** How the page refers to a path on the sample web: relative to its base, root-relative, document-relative or absolute. */
  ref(path: string): string {
    const style = this.rng.int(0, 3);
    const basePath =
      this.base === undefined ? undefined : new URL(this.base.replace(TOKENS.origin, "http://x")).pathname;
    if (basePath !== undefined && path.startsWith(basePath) && style <= 1) return path.slice(basePath.length);
    if (style === 2) return `${TOKENS.origin}${path}`;
    if (style === 3 && basePath === undefined && path.startsWith("/img/")) return `../..${path}`;
    return path;
  }

  randomSize(kind: RasterKind): { width: number; height: number } {
    // Mostly modest sizes (generation time grows with pixels), a few up to 680.
    const long =
      kind === "gif"
        ? this.rng.int(210, 300)
        : kind === "png"
          ? this.rng.int(220, 400)
          : this.rng.int(240, this.rng.chance(0.2) ? 680 : 480);
    const short = Math.min(long, Math.max(200, Math.round(long / this.rng.range(1, 1.6))));
    return this.rng.chance(0.7) ? { width: short, height: long } : { width: long, height: short };
  }

  randomKind(): RasterKind {
    const r = this.rng.next();
    return r < 0.52 ? "jpeg" : r < 0.74 ? "png" : r < 0.94 ? "webp" : "gif";
  }

  /** A new picture of this person, at least DISTINCT_MIN_BITS from every earlier one. */
  async picture(
    options: { kind?: RasterKind; width?: number; height?: number; quality?: number } = {},
  ): Promise<Picture> {
    const kind = options.kind ?? this.randomKind();
    const size =
      options.width !== undefined && options.height !== undefined
        ? { width: options.width, height: options.height }
        : this.randomSize(kind);
    for (let attempt = 0; attempt < 60; attempt++) {
      const raster = renderFace(size.width, size.height, randomFace(this.rng));
      const bytes = await encode(raster, kind, { quality: options.quality });
      const dhash = await fingerprint(bytes, PIXEL_LIMIT);
      if (this.hashes.every((h) => bitsApart(h, dhash) >= DISTINCT_MIN_BITS)) {
        this.hashes.push(dhash);
        const blob = makeBlob(`${this.slug} picture`, bytes, CONTENT_TYPE[kind]);
        return { raster, kind, blob, dhash };
      }
    }
    throw new Error(`${this.slug}: no picture ${DISTINCT_MIN_BITS} bits away from ${this.hashes.length} others`);
  }

  /**
   * A near-duplicate of `original`: the first of `attempts` within VARIANT_MAX_BITS of it, or
   * undefined when none is (a picture with many borderline hash bits); callers then pick another
   * original.
   */
  async variant(
    original: Picture,
    attempts: Array<() => Promise<{ raster: Raster; kind: RasterKind; quality?: number }>>,
  ): Promise<Picture | undefined> {
    for (const attempt of attempts) {
      const { raster, kind, quality } = await attempt();
      const bytes = await encode(raster, kind, { quality });
      const dhash = await fingerprint(bytes, PIXEL_LIMIT);
      if (bitsApart(dhash, original.dhash) <= VARIANT_MAX_BITS && !bytes.equals(original.blob.bytes)) {
        const blob = makeBlob(`${this.slug} variant`, bytes, CONTENT_TYPE[kind]);
        return { raster, kind, blob, dhash };
      }
    }
    return undefined;
  }

  /** Forgets a picture that will not be served after all. */
  forget(picture: Picture): void {
    const at = this.hashes.indexOf(picture.dhash);
    if (at >= 0) this.hashes.splice(at, 1);
  }

  file(path: string, blob: Blob, extra: { delayMs?: number } = {}): string {
    return this.serve(path, { kind: "file", blob, ...extra });
  }

  /** A plain `<figure><img src>` on the page, and what its URL must yield. */
  img(url: string, caseName: string, expect: Declared, alt?: string): void {
    this.body.push({
      tag: "img",
      src: { url, case: caseName, expect },
      alt: alt ?? `${this.person.name}`,
      caption: alt ?? this.person.name,
    });
  }

  /** A new distinct picture served at a new /img path and shown on the page: clean, by construction. */
  async webPicture(
    caseName: string,
    options: Parameters<PersonBuilder["picture"]>[0] = {},
  ): Promise<{ picture: Picture; path: string }> {
    const picture = await this.picture(options);
    const path = this.file(this.imgPath(this.word(), EXTENSION[picture.kind]), picture.blob);
    this.img(this.ref(path), caseName, "clean");
    return { picture, path };
  }

  /** Bytes served at a new /img path and shown on the page, with the outcome they are built for. */
  badImg(stem: string, ext: string, blob: Blob, caseName: string, expect: Outcome): void {
    const path = this.file(this.imgPath(stem, ext), blob);
    this.img(this.ref(path), caseName, expect);
  }

  commons(
    value: string,
    resource: Resource | undefined,
    caseName: string,
    expect: Outcome,
    extra: Partial<P18Statement> = {},
  ): string {
    const path = commonsPath(value);
    if (resource) this.serve(path, resource);
    this.p18.push({ value, snak: "value", rank: "normal", id: this.statementId(), case: caseName, expect, ...extra });
    return path;
  }

  statementId(): string {
    return `${this.person.wikidataId}$${this.rng.uuid()}`;
  }

  tmdbProfile(
    resource: Resource | undefined,
    size: { width?: number; height?: number },
    caseName: string,
    expect: Outcome,
  ): string {
    let file = "";
    // 27 random characters, as TMDB's file names: never the same twice (checked when blocks are joined).
    while (file === "" || this.profiles.some((p) => p.file === file)) file = `/${this.rng.token(27)}.jpg`;
    if (resource) this.serve(`${TMDB_IMAGE_PREFIX}${file}`, resource);
    this.profiles.push({ file, width: size.width ?? 1000, height: size.height ?? 1500, case: caseName, expect });
    return file;
  }

  /** The template of the absolute URL of a served path. */
  absolute(path: string): string {
    return `${TOKENS.origin}${encodeURI(path)}`;
  }

  plan(): PersonPlan {
    const { setup } = this;
    const out: PersonPlan = { person: setup.person, p18: this.p18 };
    if (setup.onTmdb) {
      out.tmdb = {
        id: 0,
        popularity: Math.round(this.rng.range(0.6, 85) * 1000) / 1000,
        profiles: this.profiles,
        rateLimited: setup.rateLimited,
      };
    }
    if (setup.hasPage)
      out.page = { ...(this.base === undefined ? {} : { base: this.base }), head: this.head, body: this.body };
    return out;
  }
}

/** The person's first plain picture (every person has one before the cases run). */
export function primaryOf(b: PersonBuilder): NonNullable<PersonBuilder["primary"]> {
  if (b.primary === undefined) throw new Error(`${b.slug} has no primary picture`);
  return b.primary;
}

/** A new distinct picture of a given kind for a bad case: a real picture, so only the defect differs. */
export function badPicture(
  b: PersonBuilder,
  kind: RasterKind,
  size?: { width: number; height: number },
): Promise<Picture> {
  return b.picture({ kind, ...(size ?? b.randomSize(kind)) });
}
