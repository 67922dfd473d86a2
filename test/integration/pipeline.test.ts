/**
 * The face-image pipeline end to end on the local stack: the sample web's people are seeded, the
 * four stages run as Lambda functions fed by Kafka event-source mappings, and what they wrote to
 * DynamoDB, S3 and the Parquet dataset must match, outcome by outcome and reason by reason, what
 * the sample web's manifest says each candidate should become.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { type JobResult, runJob } from "#local/jobs/faces/job";
import { type Item, pipelineSummary, readDataset, scanTable, summarizeItems } from "#local/jobs/faces/report";
import { readSampleManifest } from "#local/sample-web/daemon";
import type { Manifest } from "#local/sample-web/manifest";
import { awsClients, stackOutputs } from "#local/support/aws";
import { cfg } from "./helpers";

jest.setTimeout(15 * 60_000);

const nonZero = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

describe("the face-image pipeline on the sample web", () => {
  let manifest: Manifest;
  let outputs: Record<string, string>;
  let first: JobResult;
  const people = new Set<string>();
  const log = (m: string): void => {
    process.stderr.write(`[pipeline] ${m}\n`);
  };

  /** This run's items: only the sample's people (other tests seed people of their own). */
  async function sampleItems(): Promise<Item[]> {
    const items = await scanTable(cfg, outputs.MetadataTableName ?? "");
    return items.filter((i) => people.has(String(i.pk).replace(/^PERSON#/, "")));
  }

  async function sampleRows(): Promise<Item[]> {
    const { rows } = await readDataset(cfg, outputs.LakeBucketName ?? "");
    return rows.filter((r) => people.has(String(r.wikidata_id)));
  }

  beforeAll(async () => {
    manifest = readSampleManifest(cfg);
    for (const p of manifest.people) people.add(p.wikidataId);
    outputs = await stackOutputs(cfg, cfg.stackPrefix);
    first = await runJob(cfg, outputs, { from: "sample", limit: manifest.people.length, log, interactive: false });
    log(`drained in ${first.seconds.toFixed(1)} s`);
  });

  test("every candidate reaches exactly the outcome the manifest expects, counted per stage and reason", async () => {
    const got = summarizeItems(await sampleItems());
    const want = manifest.expected;
    expect({
      people: got.people,
      candidates: got.candidates,
      verified: got.verified,
      validateRejected: got.rejected.validate,
      stored: got.stored,
      storeRejected: got.rejected.store,
      clean: got.clean,
      cleanRejected: got.rejected.clean,
      pending: got.pendingDownloads + got.pendingClean,
    }).toEqual({
      people: want.people,
      candidates: want.candidates,
      verified: want.verified,
      validateRejected: nonZero(want.validateRejected),
      stored: want.stored,
      storeRejected: nonZero(want.storeRejected),
      clean: want.clean,
      cleanRejected: nonZero(want.cleanRejected),
      pending: 0,
    });
  });

  test("each URL's recorded outcome is the one its case expects", async () => {
    const items = await sampleItems();
    const byUrl = new Map(items.filter((i) => i.type === "url").map((i) => [`${i.wikidataId} ${i.url}`, i]));
    const images = new Map(items.filter((i) => i.type === "image").map((i) => [`${i.wikidataId} ${i.sha256}`, i]));
    const mismatches: string[] = [];
    for (const person of manifest.perPerson) {
      for (const c of person.candidates) {
        if (c.expect !== "verified") continue; // rejected and already-seen sightings are counted above
        let normalized = c.url;
        try {
          const u = new URL(c.url);
          u.hash = "";
          normalized = u.href;
        } catch {}
        const item = byUrl.get(`${person.wikidataId} ${normalized}`);
        const download = item?.download === "stored" ? "stored" : item?.downloadReason;
        const image = item?.sha256 ? images.get(`${person.wikidataId} ${item.sha256}`) : undefined;
        const clean = image ? (image.status === "clean" ? "clean" : image.reason) : undefined;
        const want = `${c.download}${c.download === "stored" ? `/${c.clean}` : ""}`;
        const gotOutcome = `${download}${download === "stored" ? `/${clean}` : ""}`;
        if (want !== gotOutcome)
          mismatches.push(`${person.wikidataId} ${c.case} ${c.url}: want ${want}, got ${gotOutcome}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test("the Parquet dataset, read by DuckDB, holds exactly the clean images in DynamoDB, and their JPEGs exist", async () => {
    const rows = await sampleRows();
    const clean = (await sampleItems()).filter((i) => i.type === "image" && i.status === "clean");
    const key = (wikidataId: unknown, sha: unknown, s3: unknown, w: unknown, h: unknown, phash: unknown) =>
      `${wikidataId}|${sha}|${s3}|${w}x${h}|${phash}`;
    expect(rows.map((r) => key(r.wikidata_id, r.image_sha256, r.s3_key, r.width, r.height, r.phash)).sort()).toEqual(
      clean.map((i) => key(i.wikidataId, i.sha256, i.cleanKey, i.cleanWidth, i.cleanHeight, i.phash)).sort(),
    );
    expect(rows).toHaveLength(manifest.expected.datasetRows);
    const { s3 } = awsClients(cfg);
    for (const row of rows.slice(0, 20)) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: outputs.ImagesBucketName, Key: String(row.s3_key) }));
      expect(head.ContentType).toBe("image/jpeg");
      expect(head.ContentLength).toBe(Number(row.bytes));
    }
  });

  test("seeding the same people again adds no object, item or row", async () => {
    const s3Objects = () => pipelineSummary(cfg, outputs);
    const before = {
      items: (await sampleItems()).length,
      rows: (await sampleRows()).length,
      s3: (await s3Objects()).images,
    };
    const again = await runJob(cfg, outputs, {
      from: "sample",
      limit: manifest.people.length,
      log,
      interactive: false,
    });
    const after = {
      items: (await sampleItems()).length,
      rows: (await sampleRows()).length,
      s3: (await s3Objects()).images,
    };
    expect(after).toEqual(before);
    // Every candidate of the second run was recognised as already seen.
    const got = summarizeItems(await sampleItems());
    expect(got.rejected.validate["already-seen"]).toBe(
      (manifest.expected.validateRejected["already-seen"] ?? 0) + manifest.expected.candidates,
    );
    expect(again.seeded).toBe(manifest.people.length);
  });
});
