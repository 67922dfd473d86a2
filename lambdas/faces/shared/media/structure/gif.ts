/**
 * GIF: header, logical screen descriptor and global colour table, then blocks until the 0x3B
 * trailer: extensions (label and data sub-blocks) and images (descriptor, local colour table, LZW
 * code size and data sub-blocks). Extensions (comment, application, plain text, graphic control)
 * are metadata, with their sub-blocks joined so a payload split across them is still seen whole.
 */
import { type Structure, Walk } from "./types";

const TRAILER = 0x3b;
const EXTENSION = 0x21;
const IMAGE = 0x2c;
const EXTENSION_NAMES: Readonly<Record<number, string>> = {
  1: "plain text",
  249: "graphic control",
  254: "comment",
  255: "application",
};

export function walkGif(bytes: Buffer): Structure {
  const walk = new Walk("GIF");
  const version = bytes.toString("latin1", 0, 6);
  if (version !== "GIF87a" && version !== "GIF89a") return walk.malformed("no GIF87a/GIF89a header");
  if (bytes.length < 13) return walk.truncated("the logical screen descriptor");
  let pos = 13 + colourTableSize(bytes[10] ?? 0);
  let frames = 0;
  for (;;) {
    const introducer = bytes[pos];
    if (introducer === undefined) return walk.truncated(`the block sequence at offset ${pos} (no trailer)`);
    if (introducer === TRAILER) return walk.complete(pos + 1, frames);
    if (introducer === EXTENSION) {
      const label = bytes[pos + 1];
      if (label === undefined) return walk.truncated(`the extension at offset ${pos}`);
      const blocks = subBlocks(bytes, pos + 2);
      if (blocks === undefined) return walk.truncated(`the extension at offset ${pos}`);
      const name = EXTENSION_NAMES[label] ?? `0x${label.toString(16)}`;
      walk.metadata.push({ where: `GIF ${name} extension at offset ${pos}`, data: Buffer.concat(blocks.data) });
      pos = blocks.end;
    } else if (introducer === IMAGE) {
      const packed = bytes[pos + 9];
      if (packed === undefined) return walk.truncated(`the image descriptor at offset ${pos}`);
      const lzwStart = pos + 10 + colourTableSize(packed);
      if (lzwStart >= bytes.length) return walk.truncated(`the image at offset ${pos}`);
      const blocks = subBlocks(bytes, lzwStart + 1, false);
      if (blocks === undefined) return walk.truncated(`the image data at offset ${pos}`);
      frames++;
      pos = blocks.end;
    } else {
      return walk.malformed(`byte 0x${introducer.toString(16)} at offset ${pos} where a block belongs`);
    }
  }
}

/** Bytes of the colour table a packed field announces (bit 7: present; bits 0–2: size). */
function colourTableSize(packed: number): number {
  return packed & 0x80 ? 3 * (1 << ((packed & 0x07) + 1)) : 0;
}

/** Data sub-blocks from `pos` to the zero-length terminator; undefined if the file ends first. */
function subBlocks(bytes: Buffer, from: number, keep = true): { end: number; data: Buffer[] } | undefined {
  const data: Buffer[] = [];
  let pos = from;
  for (;;) {
    const size = bytes[pos];
    if (size === undefined) return undefined;
    if (size === 0) return { end: pos + 1, data };
    if (pos + 1 + size > bytes.length) return undefined;
    if (keep) data.push(bytes.subarray(pos + 1, pos + 1 + size));
    pos += 1 + size;
  }
}
