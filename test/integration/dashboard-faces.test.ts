/**
 * The dashboard's faces page on the local stack and in a real browser. Two sample people go through the real face
 * pipeline. The API must show, per person, the clean images the sample declares and the metadata table holds, and
 * rejections by stage and reason as the sample declares them; thumbnails exist for clean images only. The gallery
 * must show exactly those images, each decoded, with no console error, at a phone's width too.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import sharp from "sharp";
import type { ExpectedCandidate } from "#local/sample-web/manifest";
import { awsClients, stackOutputs } from "#local/support/aws";
import type { FacesView } from "../../lambdas/dashboard/api/faces-types";
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

  test("a clean image's thumbnail is a cacheable JPEG of the asked width at each width; other images have none", async () => {
    const person = seeded.people[0]?.wikidataId as string;
    const items = await personItems(person);
    const clean = items.find((i) => i.type === "image" && i.status === "clean") as Record<string, unknown>;
    // The source's own width, read from the clean object itself.
    const object = await awsClients(cfg).s3.send(
      new GetObjectCommand({ Bucket: outputs.ImagesBucketName, Key: String(clean.cleanKey) }),
    );
    const source = await sharp(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    ).metadata();
    for (const w of [96, 160, 320]) {
      const response = await fetch(
        new URL(`api/faces/thumbnails/${person}/${clean.sha256}?w=${w}`, session.urls.pathUrl),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/jpeg");
      expect(response.headers.get("cache-control")).toMatch(/^private, max-age=\d+, immutable$/);
      expect(response.headers.get("etag")).toMatch(/^".+"$/);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const body = Buffer.from(await response.arrayBuffer());
      expect(Number(response.headers.get("content-length") ?? body.length)).toBe(body.length);
      const meta = await sharp(body).metadata();
      expect(meta.format).toBe("jpeg");
      expect(meta.width).toBe(Math.min(w, source.width as number));
      expect(meta.height).toBe(
        Math.round(((source.height as number) * (meta.width as number)) / (source.width as number)),
      );
    }

    const answer = async (path: string) => {
      const response = await fetch(new URL(path, session.urls.pathUrl));
      return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
    };
    const notClean = items.find((i) => i.type === "image" && i.status !== "clean");
    if (notClean !== undefined)
      expect((await answer(`api/faces/thumbnails/${person}/${notClean.sha256}`)).status).toBe(404);
    for (const [path, code] of [
      [`api/faces/thumbnails/${person}/${"0".repeat(64)}`, 404],
      [`api/faces/thumbnails/${person}/not-a-hash`, 400],
      [`api/faces/thumbnails/${person}/${clean.sha256}?w=4000`, 400],
    ] as const) {
      const a = await answer(path);
      expect(a.status).toBe(code);
      expect(a.type).toBe("application/json; charset=utf-8");
      expect(JSON.parse(a.body)).toMatchObject({ error: { code: expect.any(String) } });
    }
  });
});

describe("the faces page", () => {
  test.each([
    ["desktop at the URL's root", undefined, false],
    ["phone under /lambda-url/<id>/", PHONE, true],
  ])(
    "on a %s the gallery shows the person's clean images, each decoded, with no console error",
    async (_n, viewport, pathForm) => {
      const person = seeded.people[0]?.wikidataId as string;
      const opened = await session.open(`#/faces?person=${person}`, { viewport, pathForm });
      const { page, close } = opened;
      try {
        const want = await cleanShas(person);
        const images = page.locator('[data-gallery="faces"] img');
        await images.first().waitFor();
        expect(await images.count()).toBe(want.length);
        // Thumbnails load lazily: bring each into view, then wait for its load event (the page marks it "loaded").
        for (let i = 0; i < want.length; i++) {
          const img = images.nth(i);
          await img.scrollIntoViewIfNeeded();
          await page
            .locator(
              `[data-gallery="faces"] img[data-sha256="${await img.getAttribute("data-sha256")}"][data-thumbnail="loaded"]`,
            )
            .waitFor();
        }
        const attributes = await images.evaluateAll((imgs) =>
          imgs.map((i) => ({
            src: i.getAttribute("src") ?? "",
            loading: i.getAttribute("loading"),
            width: i.getAttribute("width"),
            height: i.getAttribute("height"),
          })),
        );
        for (const a of attributes) {
          // Relative, so the page works at the URL's root and under /lambda-url/<id>/.
          expect(a.src).toMatch(new RegExp(`^api/faces/thumbnails/${person}/[0-9a-f]{64}\\?w=\\d+$`));
          expect(a).toMatchObject({
            loading: "lazy",
            width: expect.stringMatching(/^\d+$/),
            height: expect.stringMatching(/^\d+$/),
          });
        }
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
