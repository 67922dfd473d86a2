/**
 * The cases the store stage must reject or must get through: redirects (to private addresses, too
 * many, just enough), error statuses, missing files, servers that stall, answer slowly or fail twice
 * before answering, downloads too large, headers declaring too many pixels, and bytes already
 * stored for the person. Each declares its outcome; the numbers keep clear of the pipeline's limits
 * (thresholds.ts) except where a case is about the limit itself (a chain of exactly MAX_REDIRECTS).
 */
import { type CaseKind, dims, type PersonBuilder, primaryOf } from "../builder";
import { htmlErrorPage } from "../html";
import { CONTENT_TYPE, EXTENSION, gifDeclaring, jpegDeclaring, pngDeclaring } from "../imaging";
import { ERROR_PREFIX, MISSING_PREFIX, makeBlob } from "../model";
import type { Outcome } from "../outcome";
import { ASSUMED_LIMITS } from "../thresholds";
import { withSlug } from "./validate";

const MIB = 1024 * 1024;
/** Far beyond the download deadline (thresholds.ts: 4 s). */
const STALL_MS = 20_000;
/** Late, but well within the download deadline. */
const SLOW_MS = [300, 900] as const;
/** Well over MAX_IMAGE_BYTES (10 MiB), with and without a Content-Length. */
const HUGE_BYTES = [12 * MIB, 11 * MIB] as const;
if (
  STALL_MS < 5 * ASSUMED_LIMITS.downloadTimeoutMs ||
  Math.max(...SLOW_MS) * 2 > ASSUMED_LIMITS.downloadTimeoutMs ||
  Math.min(...HUGE_BYTES) < ASSUMED_LIMITS.maxImageBytes + MIB
)
  throw new Error("the store cases must keep clear of the limits they are built around");

const HTTP_ERROR: Outcome = { store: "http-error" };
const DUPLICATE: Outcome = { store: "duplicate-image" };

const REDIRECT_TARGETS = [
  "http://127.0.0.1:{other}/img/{slug}/portrait.jpg",
  "http://169.254.169.254/latest/meta-data/",
  "http://10.1.2.3/{slug}.jpg",
  "http://[::1]:{other}/img/{slug}.jpg",
  "file:///etc/passwd",
];

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

export const STORE_CASES: CaseKind[] = [
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
      b.img(b.ref(first), "redirect-to-private", { store: "unsafe-redirect" });
    },
  },
  {
    name: "too-many-redirects",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const hops = i % 2 === 0 ? ASSUMED_LIMITS.maxRedirects + 2 : ASSUMED_LIMITS.maxRedirects + 1;
      const first = redirectChain(b, `loop-${hops}`, hops, b.absolute(primaryOf(b).path));
      b.img(b.ref(first), `redirect-chain-${hops}`, { store: "too-many-redirects" });
    },
  },
  {
    name: "redirect-ok",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const hops = i % 2 === 0 ? 2 : ASSUMED_LIMITS.maxRedirects;
      const picture = await b.picture();
      const target = b.file(b.imgPath(`moved-${b.word()}`, EXTENSION[picture.kind]), picture.blob);
      const first = redirectChain(b, `moved-${hops}`, hops, b.absolute(target));
      b.img(b.ref(first), `redirect-chain-${hops}-ok`, "clean");
    },
  },
  {
    name: "http-error",
    count: 4,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 4;
      if (flavour === 0) b.img(b.ref(`${MISSING_PREFIX}${b.slug}/portrait.jpg`), "404", HTTP_ERROR);
      else if (flavour === 1) b.img(b.ref(`${ERROR_PREFIX}${b.slug}/photo.jpg`), "500-always", HTTP_ERROR);
      else if (flavour === 2) {
        const path = b.serve(b.imgPath("restricted", "jpg"), {
          kind: "status",
          status: 403,
          html: htmlErrorPage("403 Forbidden", "You don't have permission to access this resource."),
        });
        b.img(b.ref(path), "403", HTTP_ERROR);
      } else {
        const first = redirectChain(b, "gone", 1, `${MISSING_PREFIX}${b.slug}/gone.jpg`);
        b.img(b.ref(first), "redirect-to-404", HTTP_ERROR);
      }
    },
  },
  {
    name: "commons-missing",
    count: 1,
    needs: ["p18"],
    run: async (b) => {
      b.commons(`${b.person.name} (lost upload).jpg`, undefined, "commons-file-missing", HTTP_ERROR);
    },
  },
  {
    name: "tmdb-missing",
    count: 1,
    needs: ["tmdb"],
    run: async (b) => {
      b.tmdbProfile(undefined, {}, "tmdb-file-missing", HTTP_ERROR);
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
          ? b.serve(`/slow/20000ms/${b.slug}/portrait.jpg`, {
              kind: "stall",
              blob,
              phase: "headers",
              stallMs: STALL_MS,
            })
          : b.serve(`/slow/trickle/${b.slug}/portrait.jpg`, { kind: "stall", blob, phase: "body", stallMs: STALL_MS });
      b.img(b.ref(path), i % 2 === 0 ? "no-headers-in-time" : "body-stalls", { store: "timeout" });
    },
  },
  {
    name: "slow-ok",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const delayMs = SLOW_MS[i % 2] ?? SLOW_MS[0];
      const picture = await b.picture();
      const path = b.file(
        `/slow/${delayMs}ms/${b.slug}/${b.fileName(b.word(), EXTENSION[picture.kind])}`,
        picture.blob,
        { delayMs },
      );
      b.img(b.ref(path), `slow-${delayMs}ms`, "clean");
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
      b.img(b.ref(path), "503-503-200", "clean");
    },
  },
  {
    name: "tmdb-flaky",
    count: 1,
    needs: ["tmdb"],
    run: async (b) => {
      const picture = await b.picture({ kind: "jpeg" });
      b.tmdbProfile(
        { kind: "flaky", blob: picture.blob, failures: 2 },
        dims(picture.raster),
        "tmdb-503-503-200",
        "clean",
      );
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
        length: declared ? HUGE_BYTES[0] : HUGE_BYTES[1],
        declareLength: declared,
        seed: b.rng.uint32(),
      });
      b.img(b.ref(path), declared ? "12-MiB-with-length" : "11-MiB-chunked", { store: "too-large" });
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
      if (w * h < 2 * ASSUMED_LIMITS.maxImagePixels) throw new Error(`a ${w}×${h} bomb is too close to the limit`);
      const blob = makeBlob(`${b.slug} bomb`, bytes, CONTENT_TYPE[kind]);
      b.badImg("wallpaper", EXTENSION[kind], blob, `bomb-${w}x${h}-${kind}`, { store: "decompression-bomb" });
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
        b.img(b.ref(path), "same-bytes-other-url", DUPLICATE);
      } else {
        const { path } = await b.webPicture("original-of-query-copy");
        b.img(`${b.ref(path)}?w=800&h=600`, "same-bytes-with-query", DUPLICATE);
      }
    },
  },
  {
    name: "tmdb-duplicate",
    count: 2,
    needs: ["p18", "tmdb"],
    run: async (b) => {
      const primary = primaryOf(b);
      b.tmdbProfile(
        { kind: "file", blob: primary.picture.blob },
        dims(primary.picture.raster),
        "tmdb-same-bytes-as-commons",
        DUPLICATE,
      );
    },
  },
];
