/**
 * Signatures of other formats and of markup or script, searched for inside an image's metadata
 * (comments, text chunks, application extensions, EXIF/XMP…). A picture that also parses as a
 * web page, a PHP script, a ZIP archive or a PDF is a polyglot: harmless to a decoder, dangerous to
 * whatever else is led to open it. Compressed pixel data is never searched: any byte sequence can
 * occur in it by chance.
 */
import type { MetadataBlock } from "./structure";

/** Markup and script openers, matched case-insensitively. */
const TEXT_SIGNATURES = ["<script", "<?php", "<html", "<svg", "<iframe", "javascript:"];
/** Binary format headers, matched exactly. */
const BINARY_SIGNATURES: ReadonlyArray<{ name: string; bytes: Buffer }> = [
  { name: "a ZIP local file header (PK\\x03\\x04)", bytes: Buffer.from("PK\x03\x04", "latin1") },
  { name: "a PDF header (%PDF-)", bytes: Buffer.from("%PDF-", "latin1") },
];

/**
 * The first signature found, with where it was, or undefined. Text is searched as stored and with
 * NUL bytes removed, which also catches UTF-16 text (EXIF's XP* tags are UTF-16).
 */
export function findEmbeddedSignature(blocks: readonly MetadataBlock[]): string | undefined {
  for (const block of blocks) {
    if (block.uninspectable !== undefined) return `${block.where} cannot be inspected: ${block.uninspectable}`;
    for (const { name, bytes } of BINARY_SIGNATURES) {
      if (block.data.includes(bytes)) return `${name} in the ${block.where}`;
    }
    const text = block.data.toString("latin1").toLowerCase();
    const withoutNuls = text.includes("\0") ? text.replaceAll("\0", "") : text;
    for (const signature of TEXT_SIGNATURES) {
      if (text.includes(signature) || withoutNuls.includes(signature)) {
        return `${JSON.stringify(signature)} in the ${block.where}`;
      }
    }
  }
  return undefined;
}
