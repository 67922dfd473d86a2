/**
 * The sample web's own picture fingerprint: a 64-bit difference hash (greyscale, squashed to 9×8,
 * one bit per horizontally adjacent pair). The generator keeps one person's distinct pictures many
 * bits apart and its deliberate near-duplicates a few bits from their original, so that the
 * declared clean / near-duplicate outcomes hold with a wide margin on either side of the pipeline's
 * threshold. It is written here rather than imported from the pipeline: the oracle must not share
 * the code it checks (a unit test compares both hashes on the sample's pictures).
 */
import sharp from "sharp";

/** The hash as 16 hex digits. `limitInputPixels` guards against decoding a header that lies. */
export async function fingerprint(image: Buffer, limitInputPixels: number): Promise<string> {
  const { data } = await sharp(image, { limitInputPixels, animated: false })
    .greyscale()
    .resize(9, 8, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let bits = "";
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) bits += (data[y * 9 + x] ?? 0) > (data[y * 9 + x + 1] ?? 0) ? "1" : "0";
  }
  return BigInt(`0b${bits}`).toString(16).padStart(16, "0");
}

/** How many of the 64 bits two fingerprints differ in. */
export function bitsApart(a: string, b: string): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  for (; diff > 0n; diff &= diff - 1n) count++;
  return count;
}
