import sharp from "sharp";
import { restrictDecoders } from "#faces/media/index";
import { animatedGif, faceLike, fromRaw } from "./fixtures";

const svg = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
);

describe("restrictDecoders", () => {
  // block/unblock is process-wide: restore sharp for whatever test file this worker runs next.
  afterAll(() => sharp.unblock({ operation: ["VipsForeignLoad"] }));

  test("sharp stops loading SVG but still loads every raster format it can decode", async () => {
    await expect(sharp(svg).metadata()).resolves.toMatchObject({ format: "svg" });
    const picture = fromRaw(faceLike(80, 80));
    const rasters = await Promise.all([
      picture.clone().jpeg().toBuffer(),
      picture.clone().png().toBuffer(),
      animatedGif(80, 80, 1),
      picture.clone().webp().toBuffer(),
      picture.clone().avif({ effort: 0 }).toBuffer(),
      picture.clone().tiff().toBuffer(),
    ]);

    restrictDecoders();
    restrictDecoders(); // idempotent

    await expect(sharp(svg).metadata()).rejects.toThrow(/unsupported image format/);
    for (const bytes of rasters) await expect(sharp(bytes).stats()).resolves.toBeDefined();

    sharp.unblock({ operation: ["VipsForeignLoad"] }); // what afterAll relies on
    await expect(sharp(svg).metadata()).resolves.toMatchObject({ format: "svg" });
  });
});
