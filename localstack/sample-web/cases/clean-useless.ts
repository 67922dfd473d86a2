/**
 * The useless images the clean stage must reject (undecodable, animated, too small, too elongated,
 * near-uniform), and the clean images at the very edge of those rules that it must keep (a side of
 * exactly MIN_IMAGE_SIDE, an aspect ratio of exactly MAX_ASPECT_RATIO, padding after the end
 * marker, a harmless comment). Each declares the outcome it is built for.
 */
import { badPicture, type CaseKind } from "../builder";
import { randomFace, renderFace, renderFlat } from "../drawing";
import {
  CONTENT_TYPE,
  EXTENSION,
  encode,
  encodeAnimation,
  insertJpegSegments,
  jpegSegment,
  onePixel,
  type RasterKind,
} from "../imaging";
import { makeBlob } from "../model";
import { ASSUMED_LIMITS } from "../thresholds";

export const USELESS_CASES: CaseKind[] = [
  {
    name: "undecodable",
    count: 2,
    needs: ["page"],
    run: async (b, i) => {
      const kind: RasterKind = i % 2 === 0 ? "png" : "webp";
      const picture = await badPicture(b, kind);
      const cut = picture.blob.bytes.subarray(0, Math.floor(picture.blob.bytes.length * 0.6));
      const blob = makeBlob(`${b.slug} truncated`, Buffer.from(cut), CONTENT_TYPE[kind]);
      b.badImg(b.word(), EXTENSION[kind], blob, `truncated-${kind}`, { clean: "undecodable" });
    },
  },
  {
    name: "commons-truncated",
    count: 1,
    needs: ["p18"],
    run: async (b) => {
      const picture = await badPicture(b, "jpeg");
      const cut = Buffer.from(picture.blob.bytes.subarray(0, Math.floor(picture.blob.bytes.length * 0.55)));
      const blob = makeBlob(`${b.slug} truncated`, cut, "image/jpeg");
      b.commons(`${b.person.name} (damaged scan).jpg`, { kind: "file", blob }, "truncated-jpeg", {
        clean: "undecodable",
      });
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
      b.badImg(
        "animation",
        EXTENSION[kind],
        makeBlob(`${b.slug} animated`, bytes, CONTENT_TYPE[kind]),
        `animated-${kind}`,
        { clean: "animated" },
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
      b.badImg("pixel", EXTENSION[kind], makeBlob(`${b.slug} 1x1`, bytes, CONTENT_TYPE[kind]), `1x1-${kind}`, {
        clean: "too-small",
      });
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
      const blob = makeBlob(`${b.slug} extreme`, picture.blob.bytes, CONTENT_TYPE[kind]);
      b.badImg("banner", EXTENSION[kind], blob, `${width}x${height}`, { clean: "extreme-aspect-ratio" });
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
      b.badImg(
        "placeholder",
        EXTENSION[kind],
        makeBlob(`${b.slug} flat`, bytes, CONTENT_TYPE[kind]),
        i % 2 === 0 ? "flat" : "gentle-ramp",
        { clean: "near-uniform" },
      );
    },
  },
];

/** Clean, at the edges of the rules. */
export const EDGE_CASES: CaseKind[] = [
  {
    name: "clean-edges",
    count: 4,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 4;
      if (flavour === 0) {
        // A few zero bytes after EOI: padding, not trailing data.
        const picture = await b.picture({ kind: "jpeg" });
        const blob = makeBlob(`${b.slug} padded`, Buffer.concat([picture.blob.bytes, Buffer.alloc(8)]), "image/jpeg");
        b.badImg("padded", "jpg", blob, "8-zero-bytes-after-EOI", "clean");
      } else if (flavour === 1) {
        // A harmless JPEG comment.
        const picture = await b.picture({ kind: "jpeg" });
        const bytes = insertJpegSegments(
          picture.blob.bytes,
          jpegSegment(0xfe, Buffer.from(`Photo: Sample Archive, licensed CC BY-SA 4.0 (${b.slug})`)),
        );
        b.badImg(
          "credited",
          "jpg",
          makeBlob(`${b.slug} commented`, bytes, "image/jpeg"),
          "benign-COM-segment",
          "clean",
        );
      } else if (flavour === 2) {
        await b.webPicture("aspect-exactly-3", {
          kind: "jpeg",
          width: 200 * ASSUMED_LIMITS.maxAspectRatio,
          height: 200,
        });
      } else {
        await b.webPicture("side-exactly-64", { kind: "png", width: ASSUMED_LIMITS.minImageSide, height: 96 });
      }
    },
  },
];
