/**
 * AVIF (ISO base media file format): top-level boxes (size, type, payload) from `ftyp` to the end.
 * The image ends after the last box of a type this container has at the top level; what follows it
 * (bytes that are no known box) is appended data. Every box but `mdat` (the coded pixels) is
 * metadata. Exif/XMP items stored inside `mdat` are not separated out: that needs the `iloc` table.
 * An image sequence (animated AVIF) has a `moov` box; its frame count is the first track's sample count.
 */
import { type Structure, Walk } from "./types";

const TOP_LEVEL_BOXES = new Set([
  "ftyp",
  "meta",
  "mdat",
  "moov",
  "moof",
  "mfra",
  "free",
  "skip",
  "uuid",
  "styp",
  "sidx",
  "ssix",
  "prft",
  "emsg",
  "pdin",
  "wide",
]);

export function walkIsobmff(bytes: Buffer): Structure {
  const walk = new Walk("AVIF");
  if (bytes.length < 8 || bytes.toString("latin1", 4, 8) !== "ftyp") return walk.malformed("no ftyp box at the start");
  let pos = 0;
  let frames = 1;
  while (pos + 8 <= bytes.length) {
    const type = bytes.toString("latin1", pos + 4, pos + 8);
    if (!TOP_LEVEL_BOXES.has(type)) break;
    let size = bytes.readUInt32BE(pos);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > bytes.length) return walk.truncated(`the ${type} box header at offset ${pos}`);
      const large = bytes.readBigUInt64BE(pos + 8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) return walk.malformed(`${type} box size ${large} at offset ${pos}`);
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = bytes.length - pos; // "extends to the end of the file"
    }
    if (size < header) return walk.malformed(`${type} box size ${size} at offset ${pos}`);
    if (pos + size > bytes.length) return walk.truncated(`the ${type} box at offset ${pos}`);
    if (type === "moov") frames = Math.max(frames, sampleCount(bytes.subarray(pos + header, pos + size)) ?? 1);
    if (type !== "mdat") {
      walk.metadata.push({
        where: `AVIF ${type} box at offset ${pos}`,
        data: bytes.subarray(pos + header, pos + size),
      });
    }
    pos += size;
  }
  return walk.complete(pos, frames);
}

const SAMPLE_TABLE_PATH = ["trak", "mdia", "minf", "stbl", "stsz"];

/** sample_count of moov/trak/mdia/minf/stbl/stsz (after version, flags and sample_size), if present. */
function sampleCount(moov: Buffer): number | undefined {
  let box: Buffer | undefined = moov;
  for (const type of SAMPLE_TABLE_PATH) {
    box = box === undefined ? undefined : childBox(box, type);
  }
  return box !== undefined && box.length >= 12 ? box.readUInt32BE(8) : undefined;
}

/** The payload of the first child box of `type` in a container's payload. */
function childBox(container: Buffer, type: string): Buffer | undefined {
  let pos = 0;
  while (pos + 8 <= container.length) {
    const size = container.readUInt32BE(pos);
    if (size < 8 || pos + size > container.length) return undefined;
    if (container.toString("latin1", pos + 4, pos + 8) === type) return container.subarray(pos + 8, pos + size);
    pos += size;
  }
  return undefined;
}
