/**
 * The near-duplicates the clean stage must reject: a person's picture again, resized, cropped,
 * re-encoded, or as the other sizes and formats of a srcset or <picture>, always after the original
 * in the order the scrape stage reports them. Each copy is within VARIANT_MAX_BITS of its original
 * and every original at least DISTINCT_MIN_BITS from the person's other pictures (builder.ts), so
 * the declared near-duplicate / clean outcomes hold by construction.
 */
import { type CaseKind, dims, PIXEL_LIMIT, type Picture, primaryOf, VARIANT_MAX_BITS } from "../builder";
import { bitsApart, fingerprint } from "../fingerprint";
import { cropRaster, encode, resizeRaster } from "../imaging";
import { makeBlob } from "../model";
import { NOT_A_CANDIDATE, type Outcome } from "../outcome";

const NEAR_DUPLICATE: Outcome = { clean: "near-duplicate" };

export const NEAR_DUPLICATE_CASES: CaseKind[] = [
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
        b.img(b.ref(path), flavour === 0 ? "resized-80-percent" : "slightly-cropped", NEAR_DUPLICATE);
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
          src: { url: b.ref(large), case: "srcset-original", expect: "clean" },
          srcset: [
            {
              url: b.ref(small),
              descriptor: `${half.raster.width}w`,
              case: "srcset-smaller-copy",
              expect: NEAR_DUPLICATE,
            },
            { url: b.ref(large), descriptor: "800w", case: "srcset-repeats-src", expect: NOT_A_CANDIDATE },
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
          const webpHash = await fingerprint(webpBytes, PIXEL_LIMIT);
          const blob = makeBlob(`${b.slug} picture webp`, webpBytes, "image/webp");
          const webp: Picture = { raster: small, kind: "webp", dhash: webpHash, blob };
          const jpeg1x =
            bitsApart(webpHash, big.dhash) > VARIANT_MAX_BITS
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
            { type: "image/webp", srcset: [{ url: b.ref(webpPath), case: "picture-webp-original", expect: "clean" }] },
            {
              srcset: [
                { url: b.ref(jpegPath), descriptor: "1x", case: "picture-jpeg-copy", expect: NEAR_DUPLICATE },
                { url: b.ref(doublePath), descriptor: "2x", case: "picture-2x-copy", expect: NEAR_DUPLICATE },
              ],
            },
          ],
          img: {
            src: { url: b.ref(jpegPath), case: "picture-img-repeats-source", expect: NOT_A_CANDIDATE },
            alt: b.person.name,
          },
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
        b.tmdbProfile({ kind: "file", blob: picture.blob }, dims(picture.raster), "near-duplicate-original", "clean");
        variant = await reencoded(picture);
        caseName = "re-encoded-tmdb-picture";
      }
      b.tmdbProfile({ kind: "file", blob: variant.blob }, dims(variant.raster), caseName, NEAR_DUPLICATE);
    },
  },
];
