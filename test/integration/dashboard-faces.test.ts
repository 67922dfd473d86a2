/**
 * The dashboard's faces page on the local stack and in a real browser. Two sample people go through the real face
 * pipeline. The API must show, per person, the clean images the sample declares and the metadata table holds, and
 * rejections by stage and reason as the sample declares them; thumbnails exist for clean images only. The gallery
 * must show exactly those images, each decoded, with no console error, at a phone's width too.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import jpeg from "jpeg-js";
import type { ExpectedCandidate } from "#local/sample-web/manifest";
import { awsClients, stackOutputs } from "#local/support/aws";
import type { FacesView, ThumbnailImage } from "../../lambdas/dashboard/api/faces-types";
import { cfg } from "./helpers";
import { api, type BrowserSession, browserSession, PHONE } from "./support/browser";
import { expectSettledAndClean } from "./support/dashboard-page";
import { type SeededPeople, seedPeople } from "./support/dashboard-seed";

jest.setTimeout(10 * 60_000);

let outputs: Record<string, string>;
let seeded: SeededPeople;
let session: BrowserSession;

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

const cleanShas = async (wikidataId: string): Promise<string[]> =>
  (await personItems(wikidataId))
    .filter((i) => i.type === "image" && i.status === "clean")
    .map((i) => String(i.sha256))
    .sort();

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  seeded = await seedPeople(outputs, 2, "dashboard-faces");
  session = await browserSession();
});

afterAll(async () => {
  await session?.close();
  await seeded?.forget();
});

describe("the faces API", () => {
  test("each person's gallery holds the clean images the sample declares and the metadata table holds", async () => {
    for (const person of seeded.people) {
      const view = await api<FacesView>(session.urls, `api/faces?person=${person.wikidataId}&limit=500`);
      const declaredClean = declaredOf(person.wikidataId).filter((c) => c.clean === "clean").length;
      expect(declaredClean).toBeGreaterThan(0);
      expect(view.images.map((i) => i.sha256).sort()).toEqual(await cleanShas(person.wikidataId));
      expect(view.cleanImages).toBe(declaredClean);
      expect(view.people).toEqual([
        expect.objectContaining({ wikidataId: person.wikidataId, name: person.name, clean: declaredClean }),
      ]);
    }
  });

  test("rejections by stage and reason are the ones the sample declares for those people", async () => {
    for (const person of seeded.people) {
      const view = await api<FacesView>(session.urls, `api/faces?person=${person.wikidataId}`);
      const want = new Map<string, number>();
      const add = (key: string) => want.set(key, (want.get(key) ?? 0) + 1);
      for (const c of declaredOf(person.wikidataId)) {
        if (c.expect !== "verified") add(`validate ${c.expect}`);
        else if (c.download !== "stored") add(`store ${c.download}`);
        else if (c.clean !== "clean") add(`clean ${c.clean}`);
      }
      expect(Object.fromEntries(view.rejections.map((r) => [`${r.stage} ${r.reason}`, r.count]))).toEqual(
        Object.fromEntries(want),
      );
    }
  });

  test("the whole view counts the training set's rows and lists failure records newest first", async () => {
    const view = await api<FacesView>(session.urls, "api/faces");
    expect(view.dataset.rows).toBeGreaterThanOrEqual(view.cleanImages);
    expect(view.failures.records.length).toBeLessThanOrEqual(10);
    const times = view.failures.records.map((r) => r.lastModified ?? "");
    expect(times).toEqual([...times].sort().reverse());
  });

  test("a clean image's thumbnail is a JPEG of the asked width; other images have none", async () => {
    const person = seeded.people[0]?.wikidataId as string;
    const items = await personItems(person);
    const clean = items.find((i) => i.type === "image" && i.status === "clean") as Record<string, unknown>;
    const thumb = await api<ThumbnailImage>(session.urls, `api/faces/thumbnails/${person}/${clean.sha256}?w=96`);
    const bytes = Buffer.from(thumb.dataUrl.replace(/^data:image\/jpeg;base64,/, ""), "base64");
    expect(jpeg.decode(bytes).width).toBe(Math.min(96, Number(clean.cleanWidth)));
    expect(thumb.bytes).toBe(bytes.length);

    const status = async (path: string) => (await fetch(new URL(path, session.urls.pathUrl))).status;
    const notClean = items.find((i) => i.type === "image" && i.status !== "clean");
    if (notClean !== undefined) expect(await status(`api/faces/thumbnails/${person}/${notClean.sha256}`)).toBe(404);
    expect(await status(`api/faces/thumbnails/${person}/${"0".repeat(64)}`)).toBe(404);
    expect(await status(`api/faces/thumbnails/${person}/not-a-hash`)).toBe(400);
    expect(await status(`api/faces/thumbnails/${person}/${clean.sha256}?w=4000`)).toBe(400);
  });
});

describe("the faces page", () => {
  test.each([
    ["desktop", undefined],
    ["phone", PHONE],
  ])(
    "on a %s the gallery shows the person's clean images, each decoded, with no console error",
    async (_n, viewport) => {
      const person = seeded.people[0]?.wikidataId as string;
      const opened = await session.open(`#/faces?person=${person}`, { viewport });
      const { page, close } = opened;
      try {
        const want = await cleanShas(person);
        const images = page.locator('[data-gallery="faces"] img');
        // Every figure's thumbnail has arrived (the page marks each image `data-thumbnail="loaded"` when its data URL is set).
        const loaded = page.locator('[data-gallery="faces"] img[data-thumbnail="loaded"]');
        for (let i = 0; i < want.length; i++) await loaded.nth(i).waitFor();
        expect(await images.count()).toBe(want.length);
        const decoded = await images.evaluateAll((imgs) =>
          imgs.map((i) => (i as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
        );
        for (const width of decoded) expect(width).toBeGreaterThan(0);
        const shown = await images.evaluateAll((imgs) => imgs.map((i) => i.getAttribute("data-sha256") ?? ""));
        expect(shown.sort()).toEqual(want);
        for (const alt of await images.evaluateAll((imgs) => imgs.map((i) => i.getAttribute("alt") ?? ""))) {
          expect(alt).toContain(`Clean image of ${seeded.people[0]?.name}`);
        }
        const rejections = page.locator('table[data-table="faces-rejections"] tbody tr');
        await rejections.first().waitFor();
        await expectSettledAndClean(opened);
      } finally {
        await close();
      }
    },
  );
});
