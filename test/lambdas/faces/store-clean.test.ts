import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type DatasetRow, LIMITS, type StoredImage, type VerifiedImage } from "#faces/contracts";
import { FetchFailure } from "#shared/net/fetch-failure";
import { cleanRecord } from "../../../lambdas/faces/clean/clean";
import { batchFiles, datasetKey, datasetParquet } from "../../../lambdas/faces/clean/dataset";
import { downloadImage } from "../../../lambdas/faces/store/download";
import { imageObjectKey, type StoreDeps, storeRecord } from "../../../lambdas/faces/store/store";
import { MemoryMetadata } from "./fakes";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const now = () => new Date("2026-11-22T10:00:02.000Z");

const verified = (url: string): VerifiedImage => ({
  candidateId: "a".repeat(64),
  wikidataId: "Q42",
  name: "Douglas Adams",
  source: "web",
  url,
  foundOn: "http://127.0.0.1:4580/web/people/Q42",
  foundAt: "2026-11-22T10:00:00.000Z",
  urlHash: sha(url),
  verifiedAt: "2026-11-22T10:00:01.000Z",
});

function storeDeps(db: MemoryMetadata, bodies: Record<string, Buffer | FetchFailure>, objects: Map<string, Buffer>) {
  for (const url of Object.keys(bodies)) {
    void db.recordSighting(
      {
        wikidataId: "Q42",
        urlHash: sha(url),
        url,
        source: "web",
        foundOn: "x",
        candidateId: "a".repeat(64),
        validation: "verified",
        verifiedAt: "2026-11-22T10:00:01.000Z",
      },
      `c-0-${url}`,
    );
  }
  const deps: StoreDeps = {
    download: (url) =>
      downloadImage(
        {
          fetchBytes: async (u: string) => {
            const b = bodies[u];
            if (b instanceof FetchFailure) throw b;
            if (!b) throw new Error("unknown url");
            return { status: 200, url: u, redirects: [], headers: {}, body: b, elapsedMs: 1 };
          },
        },
        url,
      ),
    inspect: async (bytes) =>
      bytes.toString().startsWith("BOMB")
        ? { ok: false, reason: "decompression-bomb", detail: "60000×60000" }
        : { ok: true, format: "png", contentType: "image/png", width: 100, height: 120 },
    putObject: async (key, body) => {
      objects.set(key, body);
    },
    putImage: db.putImage,
    recordDownload: db.recordDownload,
    limits: { ...LIMITS },
    now,
  };
  return deps;
}

describe("store", () => {
  test("stores under the content address, records the image and emits it; the same bytes from another URL are a duplicate", async () => {
    const db = new MemoryMetadata();
    const objects = new Map<string, Buffer>();
    const bytes = Buffer.from("png bytes");
    const deps = storeDeps(db, { "http://h/a.png": bytes, "http://h/b.png": bytes }, objects);
    const a = await storeRecord(JSON.stringify(verified("http://h/a.png")), "v-0-1", deps);
    expect(a.outcome).toBe("stored");
    expect(a.value).toMatchObject({ sha256: sha(bytes), s3Key: imageObjectKey(sha(bytes)), width: 100, bytes: 9 });
    expect(objects.get(imageObjectKey(sha(bytes)))).toEqual(bytes);
    const b = await storeRecord(JSON.stringify(verified("http://h/b.png")), "v-0-2", deps);
    expect(b).toMatchObject({ outcome: "rejected", reason: "duplicate-image" });
    expect(b.emit).toBeUndefined();
    expect(db.urls.get(`Q42/${sha("http://h/b.png")}`)).toMatchObject({
      download: "rejected",
      downloadReason: "duplicate-image",
    });
    const again = await storeRecord(JSON.stringify(verified("http://h/a.png")), "v-0-1", deps);
    expect(again.outcome).toBe("stored-again");
    expect(again.emit).toEqual(a.emit);
    expect(db.images.size).toBe(1);
  });

  test("download failures and decompression bombs are rejected with their reason; other errors fail the record", async () => {
    const db = new MemoryMetadata();
    const deps = storeDeps(
      db,
      {
        "http://h/slow": new FetchFailure("timeout", "took too long", { url: "http://h/slow" }),
        "http://h/private": new FetchFailure("unsafe-redirect", "redirect to 10.1.2.3", {
          url: "http://h/private",
        }),
        "http://h/reset": new FetchFailure("network-error", "ECONNRESET", { url: "http://h/reset" }),
        "http://h/bomb": Buffer.from("BOMB"),
      },
      new Map(),
    );
    const reason = async (url: string) => (await storeRecord(JSON.stringify(verified(url)), `v-${url}`, deps)).reason;
    expect(await reason("http://h/slow")).toBe("timeout");
    expect(await reason("http://h/private")).toBe("unsafe-redirect");
    expect(await reason("http://h/reset")).toBe("http-error");
    expect(await reason("http://h/bomb")).toBe("decompression-bomb");
    await expect(storeRecord(JSON.stringify(verified("http://h/unknown")), "v", deps)).rejects.toThrow("unknown url");
  });
});

const stored = (s: string, extra: Partial<StoredImage> = {}): StoredImage => ({
  ...verified(`http://h/${s}`),
  sha256: sha(s),
  s3Key: imageObjectKey(sha(s)),
  format: "jpeg",
  contentType: "image/jpeg",
  bytes: 10,
  width: 300,
  height: 400,
  storedAt: "2026-11-22T10:00:02.000Z",
  ...extra,
});

describe("clean", () => {
  async function setup(names: string[]) {
    const db = new MemoryMetadata();
    for (const n of names) {
      const s = stored(n);
      await db.putImage({ ...s, wikidataId: "Q42", storedBy: `s-${n}` });
    }
    const objects = new Map<string, Buffer>(names.map((n) => [imageObjectKey(sha(n)), Buffer.from(n)]));
    const phashes: Record<string, string> = {
      good: "ffff0000ffff0000",
      near: "ffff0000ffff0001",
      other: "0123456789abcdef",
    };
    const deps = {
      getImage: db.getImage,
      getObject: async (key: string) => objects.get(key) ?? Buffer.alloc(0),
      putObject: async (key: string, body: Buffer) => {
        objects.set(key, body);
      },
      assess: async (bytes: Buffer) => {
        const name = bytes.toString();
        if (name === "svg")
          return { verdict: "reject" as const, reason: "active-content" as const, detail: "<script>" };
        return {
          verdict: "accept" as const,
          jpeg: Buffer.from(`jpeg:${name}`),
          width: 300,
          height: 400,
          phash: phashes[name] ?? "0000000000000000",
        };
      },
      cleanHashes: db.cleanHashes,
      findNearDuplicate: (phash: string, existing: Array<{ sha256: string; phash: string }>) => {
        const hit = existing.find((e) => e.phash.slice(0, 15) === phash.slice(0, 15));
        return hit ? { sha256: hit.sha256, distance: 1 } : undefined;
      },
      markCleaned: db.markCleaned,
      limits: { ...LIMITS },
      now,
    };
    return { db, objects, deps };
  }
  const rec = (s: StoredImage, offset: number) => ({
    topic: "images-stored",
    partition: 1,
    offset,
    value: JSON.stringify(s),
  });

  test("accepts, rejects malicious content and near-duplicates, and makes a dataset row only for clean images", async () => {
    const { db, deps } = await setup(["good", "near", "svg", "other"]);
    const good = await cleanRecord(rec(stored("good"), 10), "images-stored-1-10", deps);
    const near = await cleanRecord(rec(stored("near"), 11), "images-stored-1-11", deps);
    const svg = await cleanRecord(rec(stored("svg", { format: "svg" }), 12), "images-stored-1-12", deps);
    const other = await cleanRecord(rec(stored("other"), 13), "images-stored-1-13", deps);
    expect([good.outcome, near.reason, svg.reason, other.outcome]).toEqual([
      "clean",
      "near-duplicate",
      "active-content",
      "clean",
    ]);
    expect(good.value).toMatchObject({ wikidata_id: "Q42", kafka_offset: 10, width: 300, phash: "ffff0000ffff0000" });
    expect(near.value).toBeUndefined();
    expect(db.images.get(`Q42/${sha("near")}`)).toMatchObject({ status: "rejected", reason: "near-duplicate" });
  });

  test("a redelivered record repeats its row exactly; the same image from another record adds nothing", async () => {
    const { deps } = await setup(["good"]);
    const first = await cleanRecord(rec(stored("good"), 10), "images-stored-1-10", deps);
    const again = await cleanRecord(rec(stored("good"), 10), "images-stored-1-10", deps);
    const other = await cleanRecord(rec(stored("good"), 99), "images-stored-1-99", deps);
    expect(again.outcome).toBe("clean-again");
    expect(again.value).toEqual(first.value);
    expect(other).toMatchObject({ outcome: "already-cleaned" });
    expect(other.value).toBeUndefined();
  });
});

describe("dataset files", () => {
  const row = (partition: number, offset: number): DatasetRow => ({
    image_sha256: sha(`${partition}-${offset}`),
    wikidata_id: "Q42",
    person_name: "Douglas Adams",
    source: "wikidata",
    source_url: "http://h/a.jpg",
    s3_key: "clean/sha256/aa/x.jpg",
    width: 300,
    height: 400,
    bytes: 12345,
    original_format: "png",
    phash: "ffff0000ffff0000",
    cleaned_at: "2026-11-22T10:00:03.000Z",
    kafka_topic: "images-stored",
    kafka_partition: partition,
    kafka_offset: offset,
  });

  test("one file per partition that produced rows, named by the partition's first offset in the batch", () => {
    const t = "images-stored";
    const files = batchFiles(
      {
        [`${t}-0`]: [5, 6, 7].map((offset) => ({ topic: t, partition: 0, offset })),
        [`${t}-1`]: [40].map((offset) => ({ topic: t, partition: 1, offset })),
        [`${t}-2`]: [9, 10].map((offset) => ({ topic: t, partition: 2, offset })),
      },
      [row(0, 7), row(0, 6), row(2, 10)],
    );
    expect(files.map((f) => f.key)).toEqual([datasetKey(t, 0, 5), datasetKey(t, 2, 9)]);
    expect(files[0]?.rows.map((r) => r.kafka_offset)).toEqual([6, 7]);
    expect(datasetKey(t, 2, 9)).toBe(
      "datasets/faces/v1/topic=images-stored/partition=2/images-stored-2-00000000000000000009.parquet",
    );
  });

  test("DuckDB reads the Parquet back with the documented columns and types", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-parquet-"));
    try {
      const file = join(dir, "a.parquet");
      writeFileSync(file, datasetParquet([row(0, 6), row(0, 7)]));
      const duck = await DuckDBInstance.create(":memory:");
      const conn = await duck.connect();
      const schema = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
      expect(schema.map((c) => [c.column_name, c.column_type])).toEqual([
        ["image_sha256", "VARCHAR"],
        ["wikidata_id", "VARCHAR"],
        ["person_name", "VARCHAR"],
        ["source", "VARCHAR"],
        ["source_url", "VARCHAR"],
        ["s3_key", "VARCHAR"],
        ["width", "INTEGER"],
        ["height", "INTEGER"],
        ["bytes", "INTEGER"],
        ["original_format", "VARCHAR"],
        ["phash", "VARCHAR"],
        ["cleaned_at", "TIMESTAMP"],
        ["kafka_topic", "VARCHAR"],
        ["kafka_partition", "INTEGER"],
        ["kafka_offset", "BIGINT"],
      ]);
      const rows = (
        await conn.runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY kafka_offset`)
      ).getRowObjectsJson();
      expect(rows.map((r) => r.kafka_offset)).toEqual(["6", "7"]);
      expect(rows[0]?.cleaned_at).toBe("2026-11-22 10:00:03");
      conn.closeSync();
      duck.closeSync();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
