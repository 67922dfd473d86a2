/**
 * TIFF: a header pointing at a chain of IFDs (tag directories) whose entries point at their values
 * and at the strips or tiles of pixel data, anywhere in the file. The image ends at the furthest
 * byte anything points to. Sub-IFDs (SubIFDs, Exif, GPS, Interoperability) are followed too.
 * Out-of-line byte, ASCII and undefined values (descriptions, XMP, IPTC, ICC…) are metadata.
 * Only classic TIFF is walked; BigTIFF is reported as malformed.
 */
import { type Structure, Walk } from "./types";

/** Bytes per value, by TIFF field type. */
const TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};
const BYTE_LIKE_TYPES = new Set([1, 2, 6, 7]);
const POINTER_TAGS = new Set([330, 34665, 34853, 40965]);
/** Offset tag → byte-count tag, for pixel data and the old-style JPEG stream. */
const DATA_TAGS: ReadonlyArray<[number, number]> = [
  [273, 279], // StripOffsets, StripByteCounts
  [324, 325], // TileOffsets, TileByteCounts
  [513, 514], // JPEGInterchangeFormat, JPEGInterchangeFormatLength
];
const MAX_IFDS = 1024;

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Offset of the value: inside the entry when it fits in 4 bytes. */
  valueAt: number;
}

export function walkTiff(bytes: Buffer): Structure {
  const walk = new Walk("TIFF");
  const order = bytes.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return walk.malformed("no II/MM byte-order mark");
  if (bytes.length < 8) return walk.truncated("the header");
  const le = order === "II";
  const u16 = (at: number) => (le ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const magic = u16(2);
  if (magic === 43) return walk.malformed("BigTIFF is not supported");
  if (magic !== 42) return walk.malformed(`magic number ${magic}`);

  let end = 8;
  let frames = 0;
  const visited = new Set<number>();
  const pending: Array<{ at: number; main: boolean }> = [{ at: u32(4), main: true }];
  const reach = (at: number, length: number, what: string): string | undefined => {
    if (at + length > bytes.length) return what;
    end = Math.max(end, at + length);
    return undefined;
  };

  while (pending.length > 0) {
    const next = pending.shift();
    if (next === undefined || next.at === 0) continue;
    if (visited.has(next.at)) return walk.malformed(`IFD loop at offset ${next.at}`);
    if (visited.size >= MAX_IFDS) return walk.malformed(`more than ${MAX_IFDS} IFDs`);
    visited.add(next.at);
    if (next.at + 2 > bytes.length) return walk.truncated(`the IFD at offset ${next.at}`);
    const count = u16(next.at);
    const truncatedIfd = reach(next.at, 2 + 12 * count + 4, `the IFD at offset ${next.at}`);
    if (truncatedIfd) return walk.truncated(truncatedIfd);
    if (next.main) frames++;

    const entries: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const at = next.at + 2 + 12 * i;
      const type = u16(at + 2);
      const valueCount = u32(at + 4);
      const size = (TYPE_SIZES[type] ?? 0) * valueCount;
      const entry = { tag: u16(at), type, count: valueCount, valueAt: size > 4 ? u32(at + 8) : at + 8 };
      entries.push(entry);
      if (size > 4) {
        const truncatedValue = reach(entry.valueAt, size, `the value of tag ${entry.tag} at offset ${entry.valueAt}`);
        if (truncatedValue) return walk.truncated(truncatedValue);
        if (BYTE_LIKE_TYPES.has(type)) {
          walk.metadata.push({
            where: `TIFF tag ${entry.tag} value at offset ${entry.valueAt}`,
            data: bytes.subarray(entry.valueAt, entry.valueAt + size),
          });
        }
      }
    }

    /** SHORT, LONG or IFD values, whose extent was checked above; other types carry no offsets. */
    const values = (entry: Entry): number[] => {
      if (entry.type !== 3 && entry.type !== 4 && entry.type !== 13) return [];
      return Array.from({ length: entry.count }, (_, i) =>
        entry.type === 3 ? u16(entry.valueAt + 2 * i) : u32(entry.valueAt + 4 * i),
      );
    };
    for (const entry of entries) {
      if (POINTER_TAGS.has(entry.tag)) for (const at of values(entry)) pending.push({ at, main: false });
    }
    for (const [offsetTag, lengthTag] of DATA_TAGS) {
      const offsets = entries.find((e) => e.tag === offsetTag);
      const lengths = entries.find((e) => e.tag === lengthTag);
      if (offsets === undefined || lengths === undefined) continue;
      const starts = values(offsets);
      const sizes = values(lengths);
      for (const [i, start] of starts.entries()) {
        const truncatedData = reach(start, sizes[i] ?? 0, `the pixel data at offset ${start}`);
        if (truncatedData) return walk.truncated(truncatedData);
      }
    }
    pending.push({ at: u32(next.at + 2 + 12 * count), main: next.main });
  }
  return walk.complete(end, Math.max(1, frames));
}
