/**
 * WebP: a RIFF container whose header states its size, so the image ends at 8 + that size. The
 * chunks inside are walked too: all but the bitstreams (VP8, VP8L, ALPH) and animation frames
 * (ANMF) are metadata (EXIF, XMP, ICCP, unknown chunks).
 */
import { type Structure, Walk } from "./types";

const PIXEL_CHUNKS = new Set(["VP8 ", "VP8L", "ALPH", "ANMF"]);

export function walkWebp(bytes: Buffer): Structure {
  const walk = new Walk("WebP");
  if (bytes.length < 12 || bytes.toString("latin1", 0, 4) !== "RIFF" || bytes.toString("latin1", 8, 12) !== "WEBP") {
    return walk.malformed("no RIFF/WEBP header");
  }
  const size = bytes.readUInt32LE(4);
  const end = 8 + size;
  if (size < 4) return walk.malformed(`RIFF size ${size}`);
  if (end > bytes.length) return walk.truncated(`the RIFF container (declares ${end} bytes, has ${bytes.length})`);
  let pos = 12;
  let frames = 0;
  while (pos < end) {
    if (pos + 8 > end) return walk.malformed(`a partial chunk header at offset ${pos}`);
    const type = bytes.toString("latin1", pos, pos + 4);
    const length = bytes.readUInt32LE(pos + 4);
    const dataEnd = pos + 8 + length;
    if (dataEnd > end)
      return walk.malformed(`the ${JSON.stringify(type)} chunk at offset ${pos} runs past the RIFF end`);
    if (type === "ANMF") frames++;
    if (!PIXEL_CHUNKS.has(type)) {
      walk.metadata.push({
        where: `WebP ${JSON.stringify(type)} chunk at offset ${pos}`,
        data: bytes.subarray(pos + 8, dataEnd),
      });
    }
    pos = dataEnd + (length % 2); // chunks are padded to an even length
  }
  return walk.complete(end, Math.max(1, frames));
}
