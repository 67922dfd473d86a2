/**
 * A test that empties a bucket other tests read (the chaos smoke wipes the failures, images and lake buckets) takes a
 * snapshot first and puts it back after: objects it added are deleted, objects it removed or changed get their old
 * bytes and content type again (the pipeline test reads the images' content type).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface SnapshotObject {
  readonly body: Uint8Array;
  readonly contentType?: string;
}

export type BucketSnapshot = Map<string, SnapshotObject>;

export async function snapshotBucket(s3: S3Client, bucket: string): Promise<BucketSnapshot> {
  const all: BucketSnapshot = new Map();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? "";
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      all.set(key, {
        body: (await out.Body?.transformToByteArray()) ?? new Uint8Array(),
        contentType: out.ContentType,
      });
    }
  }
  return all;
}

/** Puts the bucket back as `before` had it. */
export async function restoreBucket(s3: S3Client, bucket: string, before: BucketSnapshot): Promise<void> {
  const after = await snapshotBucket(s3, bucket);
  for (const key of after.keys()) {
    if (!before.has(key)) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
  for (const [key, was] of before) {
    const now = after.get(key);
    if (
      now === undefined ||
      now.contentType !== was.contentType ||
      Buffer.compare(Buffer.from(now.body), Buffer.from(was.body)) !== 0
    ) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: was.body, ContentType: was.contentType }));
    }
  }
}
