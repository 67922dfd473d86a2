/**
 * The dashboard's faces page on the local stack. Two sample people go through the real face pipeline; the page's
 * data must show, per person, the clean images the sample declares and the metadata table holds, rejections by
 * stage and reason as the sample declares them, and thumbnails only of clean images.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import sharp from "sharp";
import type { ExpectedCandidate } from "#local/sample-web/manifest";
import { awsClients, stackOutputs } from "#local/support/aws";
import { type FacesDeps, facesQuerySchema, readFaces } from "../../lambdas/dashboard/api/faces";
import { sharpResize } from "../../lambdas/dashboard/api/faces-resize";
import { faceThumbnail, type ThumbnailDeps, thumbnailParamsSchema } from "../../lambdas/dashboard/api/faces-thumbnail";
import { cfg } from "./helpers";
import { type SeededPeople, seedPeople } from "./support/dashboard-seed";

jest.setTimeout(10 * 60_000);

let outputs: Record<string, string>;
let seeded: SeededPeople;
let deps: FacesDeps;
let thumbDeps: ThumbnailDeps;

const declaredOf = (wikidataId: string): ExpectedCandidate[] =>
  seeded.manifest.perPerson.find((p) => p.wikidataId === wikidataId)?.candidates ?? [];

async function personItems(wikidataId: string): Promise<Array<Record<string, unknown>>> {
  const { Items = [] } = await awsClients(cfg).documents.send(
    new QueryCommand({
      TableName: outputs.MetadataTableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `PERSON#${wikidataId}` },
      ConsistentRead: true,
    }),
  );
  return Items;
}

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const clients = awsClients(cfg);
  deps = {
    db: clients.documents,
    s3: clients.s3,
    metadataTable: outputs.MetadataTableName as string,
    lakeBucket: outputs.LakeBucketName as string,
    failuresBucket: outputs.FailuresBucketName as string,
  };
  thumbDeps = {
    db: clients.documents,
    s3: clients.s3,
    metadataTable: deps.metadataTable,
    imagesBucket: outputs.ImagesBucketName as string,
    resize: sharpResize,
  };
  seeded = await seedPeople(outputs, 2, "dashboard-faces");
});

afterAll(async () => {
  await seeded?.forget();
});

describe("the faces API", () => {
  test("each person's gallery holds the clean images the sample declares and the metadata table holds", async () => {
    for (const person of seeded.people) {
      const view = await readFaces(deps, facesQuerySchema.parse({ person: person.wikidataId, limit: "500" }));
      const declaredClean = declaredOf(person.wikidataId).filter((c) => c.clean === "clean").length;
      const tableClean = (await personItems(person.wikidataId))
        .filter((i) => i.type === "image" && i.status === "clean")
        .map((i) => String(i.sha256))
        .sort();
      expect(declaredClean).toBeGreaterThan(0);
      expect(view.images.map((i) => i.sha256).sort()).toEqual(tableClean);
      expect(view.cleanImages).toBe(declaredClean);
      expect(view.people).toEqual([
        expect.objectContaining({ wikidataId: person.wikidataId, name: person.name, clean: declaredClean }),
      ]);
      for (const image of view.images)
        expect(image).toMatchObject({ wikidataId: person.wikidataId, name: person.name });
    }
  });

  test("rejections by stage and reason are the ones the sample declares for those people", async () => {
    for (const person of seeded.people) {
      const view = await readFaces(deps, facesQuerySchema.parse({ person: person.wikidataId }));
      const want = new Map<string, number>();
      const add = (key: string) => want.set(key, (want.get(key) ?? 0) + 1);
      for (const c of declaredOf(person.wikidataId)) {
        if (c.expect !== "verified") add(`validate ${c.expect}`);
        else if (c.download !== "stored") add(`store ${c.download}`);
        else if (c.clean !== "clean") add(`clean ${c.clean}`);
      }
      const got = new Map(view.rejections.map((r) => [`${r.stage} ${r.reason}`, r.count]));
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    }
  });

  test("the whole view counts the training set's rows and lists failure records newest first", async () => {
    const view = await readFaces(deps, facesQuerySchema.parse({}));
    expect(view.dataset.rows).toBeGreaterThanOrEqual(view.cleanImages);
    expect(view.failures.records.length).toBeLessThanOrEqual(10);
    const times = view.failures.records.map((r) => r.lastModified ?? "");
    expect(times).toEqual([...times].sort().reverse());
  });

  test("a clean image's thumbnail is a JPEG of the asked width; other images have none", async () => {
    const person = seeded.people[0]?.wikidataId as string;
    const items = await personItems(person);
    const clean = items.find((i) => i.type === "image" && i.status === "clean");
    const original = await awsClients(cfg).s3.send(
      new GetObjectCommand({ Bucket: thumbDeps.imagesBucket, Key: String(clean?.cleanKey) }),
    );
    const originalBytes = await original.Body?.transformToByteArray();
    const started = performance.now();
    const thumb = await faceThumbnail(
      thumbDeps,
      thumbnailParamsSchema.parse({ wikidataId: person, sha256: clean?.sha256, w: "96" }),
    );
    process.stderr.write(
      `[dashboard-faces] thumbnail ${((performance.now() - started) | 0).toString()} ms, ${originalBytes?.length} → ${thumb.kind === "image" ? thumb.body.length : 0} bytes\n`,
    );
    if (thumb.kind !== "image") throw new Error(`expected a thumbnail, got ${thumb.reason}`);
    const meta = await sharp(thumb.body).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width).toBe(Math.min(96, Number(clean?.cleanWidth)));
    expect(thumb.cacheControl).toContain("immutable");

    const notClean = items.find((i) => i.type === "image" && i.status !== "clean");
    if (notClean !== undefined) {
      const none = await faceThumbnail(
        thumbDeps,
        thumbnailParamsSchema.parse({ wikidataId: person, sha256: notClean.sha256 }),
      );
      expect(none).toEqual({ kind: "not-found", reason: "not a clean image" });
    }
    const unknown = await faceThumbnail(
      thumbDeps,
      thumbnailParamsSchema.parse({ wikidataId: person, sha256: "0".repeat(64) }),
    );
    expect(unknown).toEqual({ kind: "not-found", reason: "no such image" });
  });
});
