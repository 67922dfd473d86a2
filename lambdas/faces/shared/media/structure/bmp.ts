/**
 * BMP: the file header states the file size. BMP carries no metadata blocks worth searching (its
 * pixel array is raw bytes), so only the end is reported.
 */
import { type Structure, Walk } from "./types";

export function walkBmp(bytes: Buffer): Structure {
  const walk = new Walk("BMP");
  if (bytes.toString("latin1", 0, 2) !== "BM") return walk.malformed("no BM signature");
  if (bytes.length < 14) return walk.truncated("the file header");
  const size = bytes.readUInt32LE(2);
  const pixelsAt = bytes.readUInt32LE(10);
  if (size < 26 || pixelsAt < 26 || pixelsAt > size)
    return walk.malformed(`file size ${size}, pixel offset ${pixelsAt}`);
  if (size > bytes.length) return walk.truncated(`the pixel data (declares ${size} bytes, has ${bytes.length})`);
  return walk.complete(size);
}
