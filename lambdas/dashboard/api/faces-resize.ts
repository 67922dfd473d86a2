/** The thumbnails' resizer: sharp (libvips, from the function's layer), a JPEG no wider than asked, never enlarged. */
import sharp from "sharp";

const THUMBNAIL_JPEG_QUALITY = 78;

export async function sharpResize(image: Uint8Array, width: number): Promise<Buffer> {
  try {
    return await sharp(image, { failOn: "error" })
      .resize({ width, withoutEnlargement: true })
      .jpeg({ quality: THUMBNAIL_JPEG_QUALITY })
      .toBuffer();
  } catch (error) {
    throw new Error(`cannot resize an image to ${width} px wide`, { cause: error });
  }
}
