import sharp from "sharp";
import { resizeWithSharp } from "#dashboard/api/faces-thumbnail";

/** A real JPEG of the given size, made by sharp (noise, so the encoder has work to do). */
async function jpegOf(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg()
    .toBuffer();
}

test.each([96, 160, 320])("a 640×480 JPEG becomes a %i px wide JPEG with its aspect ratio", async (width) => {
  const out = await sharp(await resizeWithSharp(await jpegOf(640, 480), width)).metadata();
  expect(out).toMatchObject({ format: "jpeg", width, height: Math.round((480 * width) / 640) });
});

test("an image narrower than the asked width is never enlarged", async () => {
  const out = await sharp(await resizeWithSharp(await jpegOf(120, 90), 320)).metadata();
  expect(out).toMatchObject({ format: "jpeg", width: 120, height: 90 });
});

test("bytes that are not an image fail with a message and keep sharp's error as the cause", async () => {
  const error = await resizeWithSharp(Buffer.from("not an image"), 96).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe("cannot make a 96 px thumbnail of the clean image");
  expect((error as Error).cause).toBeInstanceOf(Error);
});
