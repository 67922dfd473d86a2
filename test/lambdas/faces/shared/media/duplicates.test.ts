import sharp from "sharp";
import { LIMITS, type Limits } from "#faces/contracts";
import { assessImage, findNearDuplicate, hammingDistance } from "#faces/media/index";
import { bandsAndDiscs, faceLike, fromRaw, jpegOf } from "./fixtures";

const limits: Limits = { ...LIMITS };
const sha = (c: string) => c.repeat(64);

async function acceptedHash(bytes: Buffer): Promise<string> {
  const result = await assessImage(bytes, "jpeg", limits);
  if (result.verdict !== "accept") throw new Error(`expected accept, got ${result.reason}: ${result.detail}`);
  return result.phash;
}

describe("findNearDuplicate on real hashes", () => {
  let original: string;
  let variant: string;
  let different: string;
  beforeAll(async () => {
    const face = faceLike();
    const originalJpeg = await fromRaw(face).jpeg({ quality: 90 }).toBuffer();
    const smaller = await sharp(await fromRaw(face).jpeg({ quality: 55 }).toBuffer())
      .resize(320, 400)
      .jpeg({ quality: 55 })
      .toBuffer();
    [original, variant, different] = await Promise.all([
      acceptedHash(originalJpeg),
      acceptedHash(smaller),
      acceptedHash(await jpegOf(bandsAndDiscs())),
    ]);
  });

  test("the same picture re-encoded at another quality and resized to 80 % is a near-duplicate", () => {
    const distance = hammingDistance(original, variant);
    expect(distance).toBeLessThanOrEqual(limits.nearDuplicateDistance);
    expect(findNearDuplicate(variant, [{ sha256: sha("a"), phash: original }], limits)).toEqual({
      sha256: sha("a"),
      distance,
    });
  });

  test("a different picture is not", () => {
    expect(hammingDistance(original, different)).toBeGreaterThan(limits.nearDuplicateDistance);
    expect(findNearDuplicate(different, [{ sha256: sha("a"), phash: original }], limits)).toBeUndefined();
  });
});

describe("findNearDuplicate", () => {
  const base = "00000000000000ff";
  test("returns the closest hash within the distance, the earliest on a tie", () => {
    const existing = [
      { sha256: sha("a"), phash: "0000000000000f0f" }, // 4 bits away
      { sha256: sha("b"), phash: "00000000000000fe" }, // 1 bit away
      { sha256: sha("c"), phash: "00000000000000fd" }, // 1 bit away, later
      { sha256: sha("d"), phash: "ffffffffffffff00" }, // 64 bits away
    ];
    expect(findNearDuplicate(base, existing, limits)).toEqual({ sha256: sha("b"), distance: 1 });
  });

  test("the distance limit is inclusive and comes from the limits", () => {
    const twoAway = "00000000000003ff";
    expect(
      findNearDuplicate(base, [{ sha256: sha("a"), phash: twoAway }], { ...limits, nearDuplicateDistance: 2 }),
    ).toEqual({
      sha256: sha("a"),
      distance: 2,
    });
    expect(
      findNearDuplicate(base, [{ sha256: sha("a"), phash: twoAway }], { ...limits, nearDuplicateDistance: 1 }),
    ).toBeUndefined();
  });

  test("no existing images, no duplicate", () => {
    expect(findNearDuplicate(base, [], limits)).toBeUndefined();
  });

  test("a malformed hash is an error naming its image", () => {
    expect(() => findNearDuplicate(base, [{ sha256: sha("e"), phash: "xyz" }], limits)).toThrow(
      `phash of image ${sha("e")} is "xyz", not 16 lowercase hex digits`,
    );
  });
});
