/**
 * PNG: the signature, then chunks (length, type, data, CRC) from IHDR to IEND. Every CRC is checked,
 * so a chunk cannot be made to swallow or hide bytes. Text chunks (tEXt, and zTXt/iTXt after
 * inflating) and every other non-pixel chunk are metadata; IDAT/fdAT hold compressed pixels.
 */
import { crc32, inflateSync } from "node:zlib";
import { type MetadataBlock, type Structure, Walk } from "./types";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * Compressed text is inflated up to this many bytes per file, all chunks together (deflate expands
 * about 1000:1, so a per-chunk cap alone would let thousands of small chunks inflate gigabytes).
 * Text beyond it is not inspected, and flagged as such.
 */
const MAX_INFLATED_TEXT_BYTES = 4 * 1024 * 1024;
const PIXEL_CHUNKS = new Set(["IDAT", "fdAT"]);

export function walkPng(bytes: Buffer): Structure {
  const walk = new Walk("PNG");
  if (bytes.length < SIGNATURE.length || !bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    return walk.malformed("no PNG signature at the start");
  }
  let pos = SIGNATURE.length;
  let frames = 1;
  const budget = { left: MAX_INFLATED_TEXT_BYTES };
  for (let index = 0; ; index++) {
    if (pos + 8 > bytes.length) return walk.truncated(`a chunk header at offset ${pos} (no IEND)`);
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString("latin1", pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return walk.malformed(`invalid chunk type at offset ${pos}`);
    if (length > 0x7fffffff) return walk.malformed(`${type} chunk length ${length} at offset ${pos}`);
    if (index === 0 && type !== "IHDR") return walk.malformed(`first chunk is ${type}, not IHDR`);
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) return walk.truncated(`the ${type} chunk at offset ${pos}`);
    if (crc32(bytes.subarray(pos + 4, dataEnd)) !== bytes.readUInt32BE(dataEnd)) {
      return walk.malformed(`CRC mismatch in the ${type} chunk at offset ${pos}`);
    }
    const data = bytes.subarray(dataStart, dataEnd);
    if (type === "IEND") return walk.complete(dataEnd + 4, frames);
    if (type === "acTL" && length >= 4) frames = Math.max(1, data.readUInt32BE(0));
    if (!PIXEL_CHUNKS.has(type))
      walk.metadata.push(...textOf(type, data, `PNG ${type} chunk at offset ${pos}`, budget));
    pos = dataEnd + 4;
  }
}

/** The chunk as stored, plus its inflated text for compressed zTXt/iTXt, within what is left of the budget. */
function textOf(type: string, data: Buffer, where: string, budget: { left: number }): MetadataBlock[] {
  const blocks: MetadataBlock[] = [{ where, data }];
  const compressed = compressedText(type, data);
  if (compressed === undefined) return blocks;
  try {
    const text = inflateSync(compressed, { maxOutputLength: Math.max(1, budget.left) });
    budget.left -= text.length;
    blocks.push({ where: `${where} (inflated)`, data: text });
  } catch (cause) {
    const tooLong = (cause as { code?: unknown } | undefined)?.code === "ERR_BUFFER_TOO_LARGE";
    const uninspectable = tooLong
      ? `its compressed text inflates past the ${MAX_INFLATED_TEXT_BYTES}-byte budget for the file`
      : `its compressed text does not inflate (${cause instanceof Error ? cause.message : String(cause)})`;
    blocks.push({ where, data: Buffer.alloc(0), uninspectable });
  }
  return blocks;
}

/** zTXt: keyword NUL method text. iTXt: keyword NUL flag method language NUL translated-keyword NUL text. */
function compressedText(type: string, data: Buffer): Buffer | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0) return undefined;
  if (type === "zTXt") return data.subarray(keywordEnd + 2);
  if (type !== "iTXt" || data[keywordEnd + 1] !== 1) return undefined;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  return translatedEnd < 0 ? undefined : data.subarray(translatedEnd + 1);
}
