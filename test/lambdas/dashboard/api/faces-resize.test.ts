import jpeg from "jpeg-js";
import { resizeJpeg, scaleDown } from "../../../../lambdas/dashboard/api/faces-resize";

test("scaling down averages each output pixel's footprint", () => {
  // 4×2: left half black, right half white → 2×1: one black, one white pixel.
  const px = (v: number) => [v, v, v, 255];
  const data = Uint8Array.from([
    ...px(0),
    ...px(0),
    ...px(255),
    ...px(255),
    ...px(0),
    ...px(0),
    ...px(255),
    ...px(255),
  ]);
  expect(scaleDown({ width: 4, height: 2, data }, 2)).toEqual({
    width: 2,
    height: 1,
    data: Uint8Array.from([...px(0), ...px(255)]),
  });
});

test("a JPEG comes back no wider than asked, with its aspect ratio; a narrow one unchanged", async () => {
  const width = 400;
  const height = 300;
  const data = Buffer.alloc(width * height * 4, 128);
  const original = jpeg.encode({ data, width, height }, 90).data;
  const thumb = jpeg.decode(await resizeJpeg(original, 160));
  expect([thumb.width, thumb.height]).toEqual([160, 120]);
  expect(await resizeJpeg(original, 400)).toEqual(original);
});

test("bytes that are not a JPEG are refused with the cause kept", async () => {
  await expect(resizeJpeg(Buffer.from("not a jpeg"), 96)).rejects.toThrow("cannot decode the clean image as a JPEG");
});
