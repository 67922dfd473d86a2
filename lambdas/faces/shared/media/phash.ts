/**
 * A 64-bit difference hash (dHash): the image in greyscale, squashed to 9×8 pixels, one bit per
 * horizontally adjacent pair (left brighter than right). Re-encoding, resizing and small edits move
 * only a few bits; different pictures differ in about half of them.
 */
import sharp from "sharp";

export async function differenceHash(image: Buffer, limitInputPixels: number): Promise<string> {
  const { data } = await sharp(image, { limitInputPixels, animated: false })
    .greyscale()
    .resize(9, 8, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const left = data[y * 9 + x] ?? 0;
      const right = data[y * 9 + x + 1] ?? 0;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, "0");
}

/** Number of differing bits between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (diff > 0n) {
    bits += Number(diff & 1n);
    diff >>= 1n;
  }
  return bits;
}
