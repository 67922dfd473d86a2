import type { Item } from "#faces/summary";
import { countsPerPerson } from "#faces/summary";
import {
  cleanImages,
  facesQuerySchema,
  rejectionRows,
  summarizeFailure,
} from "../../../../lambdas/dashboard/api/faces";
import {
  thumbnailParamsSchema,
  thumbnailPath,
  thumbnailQuerySchema,
} from "../../../../lambdas/dashboard/api/faces-thumbnail";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const SHA_C = "c".repeat(64);

const items: Item[] = [
  { pk: "PERSON#Q2", sk: "PROFILE", type: "person", wikidataId: "Q2", name: "Zoe" },
  { pk: "PERSON#Q1", sk: "PROFILE", type: "person", wikidataId: "Q1", name: "Ada" },
  {
    type: "image",
    wikidataId: "Q2",
    sha256: SHA_B,
    status: "clean",
    cleanKey: "clean/sha256/bb/x.jpg",
    cleanWidth: 400,
    cleanHeight: 300,
    cleanBytes: 20_000,
    source: "wikidata",
    cleanedAt: "2026-11-29T10:00:00Z",
  },
  {
    type: "image",
    wikidataId: "Q1",
    sha256: SHA_A,
    status: "clean",
    cleanKey: "clean/sha256/aa/y.jpg",
    source: "tmdb",
  },
  { type: "image", wikidataId: "Q1", sha256: SHA_C, status: "rejected", reason: "too-small" },
  { type: "image", wikidataId: "Q1", sha256: "d".repeat(64), status: "stored" },
];

test("counts per person: images stored, clean, rejected and waiting, by name", () => {
  expect(countsPerPerson(items)).toEqual([
    { wikidataId: "Q1", name: "Ada", stored: 3, clean: 1, rejected: 1, pending: 1 },
    { wikidataId: "Q2", name: "Zoe", stored: 1, clean: 1, rejected: 0, pending: 0 },
  ]);
});

test("the gallery holds the clean images only, by person name, each with its thumbnail route", () => {
  const images = cleanImages(items, countsPerPerson(items));
  expect(images.map((i) => [i.name, i.sha256, i.thumbnail])).toEqual([
    ["Ada", SHA_A, `api/faces/thumbnails/Q1/${SHA_A}`],
    ["Zoe", SHA_B, `api/faces/thumbnails/Q2/${SHA_B}`],
  ]);
  expect(images[1]).toMatchObject({ width: 400, height: 300, bytes: 20_000, cleanedAt: "2026-11-29T10:00:00Z" });
  expect(images[0]).toMatchObject({ width: null, height: null, bytes: null, cleanedAt: null });
});

test("rejections are listed by stage in pipeline order, the most frequent reason first", () => {
  expect(
    rejectionRows({ clean: { "too-small": 1 }, validate: { "already-seen": 2, "unsafe-url": 5 }, store: {} }),
  ).toEqual([
    { stage: "validate", reason: "unsafe-url", count: 5 },
    { stage: "validate", reason: "already-seen", count: 2 },
    { stage: "clean", reason: "too-small", count: 1 },
  ]);
});

describe("failure records", () => {
  const object = {
    key: "aws/lambda/uuid-1/images-stored-0/2026/11/29/2026-11-29T10.00.00-x",
    size: 900,
    lastModified: new Date("2026-11-29T10:00:00Z"),
  };
  test("an on-failure record says why, which function and which partitions", () => {
    const body = JSON.stringify({
      requestContext: {
        requestId: "r",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:sluice-pipeline-clean",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: "2026-11-29T10:00:00.000Z",
      KafkaBatchInfo: {
        batchSize: 2,
        bootstrapServers: "b:9092",
        payloadSize: 10,
        recordsInfo: { "images-stored-0": {} },
      },
      payload: "{}",
    });
    expect(summarizeFailure(object, body)).toEqual({
      key: object.key,
      bytes: 900,
      lastModified: "2026-11-29T10:00:00.000Z",
      condition: "RetryAttemptsExhausted",
      functionName: "sluice-pipeline-clean",
      invokeCount: 3,
      batchSize: 2,
      partitions: ["images-stored-0"],
    });
  });
  test("a record that is not JSON keeps its key, size and time", () => {
    expect(summarizeFailure(object, "not json")).toMatchObject({ key: object.key, condition: null, partitions: [] });
  });
});

describe("validation", () => {
  test("the faces query has defaults and refuses what it does not know", () => {
    expect(facesQuerySchema.parse({})).toEqual({ limit: 120, failures: 10 });
    expect(facesQuerySchema.safeParse({ person: "Q0" }).success).toBe(false);
    expect(facesQuerySchema.safeParse({ limit: "501" }).success).toBe(false);
    expect(facesQuerySchema.safeParse({ sort: "name" }).success).toBe(false);
  });
  test("a thumbnail takes a Wikidata id, a lowercase SHA-256 and one of the widths", () => {
    expect(thumbnailParamsSchema.parse({ wikidataId: "Q42", sha256: SHA_A })).toEqual({
      wikidataId: "Q42",
      sha256: SHA_A,
    });
    expect(thumbnailQuerySchema.parse({})).toEqual({ w: 160 });
    expect(thumbnailQuerySchema.parse({ w: "320" })).toEqual({ w: 320 });
    expect(thumbnailQuerySchema.safeParse({ w: "161" }).success).toBe(false);
    for (const bad of [
      { wikidataId: "42", sha256: SHA_A },
      { wikidataId: "Q42", sha256: SHA_A.toUpperCase() },
      { wikidataId: "Q42", sha256: "../../etc/passwd" },
    ]) {
      expect(thumbnailParamsSchema.safeParse(bad).success).toBe(false);
    }
    expect(thumbnailPath("Q42", SHA_A)).toBe(`api/faces/thumbnails/Q42/${SHA_A}`);
  });
});
