/**
 * JPEG: marker segments up to each SOS, then the entropy-coded scan (where 0xFF is always followed
 * by a stuffed 0x00, a restart marker RST0–7, more 0xFF fill, or the next real marker), repeated
 * for progressive images, until EOI. Searching for FF D9 instead would stop at an embedded thumbnail's
 * EOI, or at one an attacker placed in a comment.
 */
import { type Structure, Walk } from "./types";

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const TEM = 0x01;

const isRestart = (marker: number) => marker >= 0xd0 && marker <= 0xd7;
const isApp = (marker: number) => marker >= 0xe0 && marker <= 0xef;

export function walkJpeg(bytes: Buffer): Structure {
  const walk = new Walk("JPEG");
  if (bytes.length < 2 || bytes[0] !== 0xff || bytes[1] !== SOI) return walk.malformed("no SOI marker at the start");
  let pos = 2;
  for (;;) {
    if (pos >= bytes.length) return walk.truncated("the marker sequence (no EOI)");
    if (bytes[pos] !== 0xff) return walk.malformed(`byte 0x${hex(bytes[pos])} at offset ${pos} where a marker belongs`);
    const markerAt = pos;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++; // fill bytes may precede any marker
    const marker = bytes[pos];
    if (marker === undefined) return walk.truncated("a marker");
    pos++;
    if (marker === EOI) return walk.complete(pos);
    if (marker === TEM || isRestart(marker)) continue; // standalone markers carry no length
    if (marker === 0x00 || marker === SOI) return walk.malformed(`marker 0x${hex(marker)} at offset ${markerAt}`);
    if (pos + 2 > bytes.length) return walk.truncated(`the length of marker 0x${hex(marker)} at offset ${markerAt}`);
    const length = bytes.readUInt16BE(pos);
    if (length < 2) return walk.malformed(`segment length ${length} at offset ${markerAt}`);
    const end = pos + length;
    if (end > bytes.length) return walk.truncated(`the segment of marker 0x${hex(marker)} at offset ${markerAt}`);
    if (marker === COM || isApp(marker)) {
      const name = marker === COM ? "COM" : `APP${marker - 0xe0}`;
      walk.metadata.push({ where: `JPEG ${name} segment at offset ${markerAt}`, data: bytes.subarray(pos + 2, end) });
    }
    pos = end;
    if (marker === SOS) {
      const next = endOfEntropyCodedData(bytes, pos);
      if (next === undefined) return walk.truncated(`the scan data that starts at offset ${pos}`);
      pos = next;
    }
  }
}

/** Offset of the 0xFF that starts the marker after a scan, or undefined if the data runs out first. */
function endOfEntropyCodedData(bytes: Buffer, from: number): number | undefined {
  let pos = from;
  for (;;) {
    const ff = bytes.indexOf(0xff, pos);
    if (ff < 0 || ff + 1 >= bytes.length) return undefined;
    const next = bytes[ff + 1] ?? 0;
    if (next === 0x00 || isRestart(next)) pos = ff + 2;
    else if (next === 0xff) pos = ff + 1;
    else return ff;
  }
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, "0");
}
