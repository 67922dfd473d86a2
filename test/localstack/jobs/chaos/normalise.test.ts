import {
  BUCKET_RULES,
  normaliseItem,
  normaliseRow,
  parquetDirectory,
  rowMultiset,
  stableJson,
  TABLE_RULES,
} from "#local/jobs/chaos/normalise";

describe("normaliseItem", () => {
  test("the bank's volatile attributes go; the balance, amounts and outcomes stay", () => {
    const marker = {
      pk: "TXID#load-77e8-1054",
      sk: "TXID",
      kind: "marker",
      outcome: "applied",
      cents: 432,
      firstBy: "transactions-0-335",
      seenBy: { "transactions-0-400": "2026-11-29T22:07:30.000Z" },
      recordedAt: "2026-11-29T22:07:20.553Z",
    };
    expect(normaliseItem(TABLE_RULES.BankTableName, marker)).toEqual({
      cents: 432,
      kind: "marker",
      outcome: "applied",
      pk: "TXID#load-77e8-1054",
      sk: "TXID",
    });
    const account = {
      pk: "ACCOUNT#A",
      sk: "ACCOUNT",
      balance: 3017040,
      transactions: 81,
      openedBy: "transactions-0-52",
    };
    expect(normaliseItem(TABLE_RULES.BankTableName, account)).toEqual({
      balance: 3017040,
      pk: "ACCOUNT#A",
      sk: "ACCOUNT",
      transactions: 81,
    });
  });

  test("a counter keeps its count; a receipt loses which record applied it and when", () => {
    const rule = TABLE_RULES.TweetHashtagsTableName;
    expect(normaliseItem(rule, { pk: "TAG#covid19", sk: "ALL", count: 39 })).toEqual({
      count: 39,
      pk: "TAG#covid19",
      sk: "ALL",
    });
    expect(
      normaliseItem(rule, {
        pk: "RECEIPT#1",
        sk: "PART#0",
        parts: 1,
        writes: 4,
        appliedBy: "tweets-1-37",
        appliedAt: "x",
      }),
    ).toEqual({ parts: 1, pk: "RECEIPT#1", sk: "PART#0", writes: 4 });
  });

  test("an invalid bank message is keyed by its value, not by the Kafka record it came in", () => {
    expect(
      TABLE_RULES.BankTableName?.rekey?.({ pk: "INVALID#transactions-0-9", kind: "invalid", value: "{oops" }),
    ).toBe("INVALID {oops");
    expect(TABLE_RULES.BankTableName?.rekey?.({ pk: "ACCOUNT#A", kind: "account" })).toBeUndefined();
  });

  test("the face pipeline's profile, URL and image items lose their clocks and Kafka record names only", () => {
    const rule = TABLE_RULES.MetadataTableName;
    const profile = {
      pk: "PERSON#Q8027",
      sk: "PROFILE",
      type: "person",
      name: "Martin Luther King Jr.",
      candidates: 4,
      sources: { tmdb: { found: 3 }, web: { found: 0, error: "http-error: HTTP 404" } },
      scrapedAt: "2026-11-30T01:25:39.746Z",
      scrapedBy: "celebrities-2-27",
    };
    expect(normaliseItem(rule, profile)).toEqual({
      candidates: 4,
      name: "Martin Luther King Jr.",
      pk: "PERSON#Q8027",
      sk: "PROFILE",
      sources: { tmdb: { found: 3 }, web: { found: 0, error: "http-error: HTTP 404" } },
      type: "person",
    });
    const url = {
      pk: "PERSON#Q8027",
      sk: "URL#94c9",
      type: "url",
      url: "http://127.0.0.1:7680/commons/8/84/a.jpg",
      validation: "verified",
      download: "stored",
      sha256: "b40d",
      verifiedAt: "2026-11-30T01:26:06.547Z",
      firstSeenBy: "image-candidates-2-154",
      sightings: new Set(["image-candidates-2-154", "image-candidates-0-12"]),
    };
    expect(normaliseItem(rule, url)).toEqual({
      download: "stored",
      pk: "PERSON#Q8027",
      sha256: "b40d",
      sk: "URL#94c9",
      type: "url",
      url: "http://127.0.0.1:7680/commons/8/84/a.jpg",
      validation: "verified",
    });
    const image = {
      pk: "PERSON#Q8027",
      sk: "IMAGE#6f9d",
      type: "image",
      status: "clean",
      cleanKey: "clean/sha256/13/13f5.jpg",
      phash: "c7efe7f7d3978b93",
      storedAt: "2026-11-30T01:26:30.629Z",
      storedBy: "images-verified-2-133",
      cleanedAt: "2026-11-30T01:26:48.048Z",
      cleanedBy: "images-stored-2-116",
    };
    expect(normaliseItem(rule, image)).toEqual({
      cleanKey: "clean/sha256/13/13f5.jpg",
      phash: "c7efe7f7d3978b93",
      pk: "PERSON#Q8027",
      sk: "IMAGE#6f9d",
      status: "clean",
      type: "image",
    });
  });

  test("the hourly runs table and the access logs are left out, with a reason", () => {
    expect(TABLE_RULES.HourlyRunsTableName?.skip).toMatch(/schedule/);
    expect(BUCKET_RULES.AccessLogsBucketName?.skip).toMatch(/access logs/);
  });
});

describe("object keys", () => {
  test("a Parquet file's name (a batch's) is dropped: rows are compared per directory", () => {
    expect(parquetDirectory("datasets/faces/dt=2026-11-29/part-transactions-0-120-180.parquet")).toBe(
      "datasets/faces/dt=2026-11-29/*.parquet",
    );
    expect(parquetDirectory("clean/ab/cd.jpg")).toBe("clean/ab/cd.jpg");
  });

  test("a face dataset file's name (its first offset) is dropped; its topic and partition directory stay", () => {
    expect(
      BUCKET_RULES.LakeBucketName?.key?.(
        "datasets/faces/v1/topic=images-stored/partition=1/images-stored-1-00000000000000000164.parquet",
      ),
    ).toBe("datasets/faces/v1/topic=images-stored/partition=1/*.parquet");
  });

  test("images are content-addressed: their keys stay as they are", () => {
    expect(BUCKET_RULES.ImagesBucketName?.key).toBeUndefined();
    expect(BUCKET_RULES.ImagesBucketName?.skip).toBeUndefined();
  });

  test("a failure record's key keeps its mapping and partition, not its time and uuid", () => {
    expect(
      BUCKET_RULES.FailuresBucketName?.key?.("aws/lambda/908048e2/transactions-0/2026/11/29/2026-11-29T22.15.00-0e1f"),
    ).toBe("aws/lambda/908048e2/transactions-0");
  });
});

describe("normaliseRow", () => {
  const row = {
    image_sha256: "13f5",
    wikidata_id: "Q8027",
    s3_key: "clean/sha256/13/13f5.jpg",
    width: 386,
    phash: "c7efe7f7d3978b93",
    cleaned_at: new Date("2026-11-30T01:26:48.048Z"),
    kafka_topic: "images-stored",
    kafka_partition: 2,
    kafka_offset: 116n,
  };

  test("a face dataset row loses when it was cleaned and its offset; its partition and content stay", () => {
    expect(
      normaliseRow(BUCKET_RULES.LakeBucketName, "datasets/faces/v1/topic=images-stored/partition=2/x.parquet", row),
    ).toEqual({
      image_sha256: "13f5",
      wikidata_id: "Q8027",
      s3_key: "clean/sha256/13/13f5.jpg",
      width: 386,
      phash: "c7efe7f7d3978b93",
      kafka_topic: "images-stored",
      kafka_partition: 2,
    });
  });

  test("rows under another prefix, or of a bucket with no column rule, keep every column", () => {
    expect(normaliseRow(BUCKET_RULES.LakeBucketName, "datasets/tweets/v1/x.parquet", row)).toEqual(row);
    expect(normaliseRow(undefined, "datasets/faces/v1/x.parquet", row)).toEqual(row);
  });
});

describe("stableJson and rowMultiset", () => {
  test("key order, bigints and bytes do not change the text", () => {
    expect(stableJson({ b: 1n, a: { d: [2, 1], c: new Uint8Array([1, 2]) } })).toBe(
      stableJson({ a: { c: new Uint8Array([1, 2]), d: [2, 1] }, b: 1n }),
    );
    expect(stableJson({ b: 1n })).toBe('{"b":"1"}');
  });

  test("rows split over files in another way give the same multiset", () => {
    const rows = [
      { id: 1, v: "x" },
      { id: 2, v: "y" },
      { v: "x", id: 1 },
    ];
    const one = rowMultiset(rows);
    const other = new Map<string, number>();
    for (const part of [rows.slice(0, 1), rows.slice(1)]) {
      for (const [row, n] of rowMultiset(part)) other.set(row, (other.get(row) ?? 0) + n);
    }
    expect(other).toEqual(one);
    expect(one.get('{"id":1,"v":"x"}')).toBe(2);
  });
});
