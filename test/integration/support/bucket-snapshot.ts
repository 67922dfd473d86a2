/**
 * A test that empties a bucket other tests read (the chaos smoke wipes the failures bucket) takes a snapshot first and
 * puts it back after: objects it added are deleted, objects it removed or changed get their old bytes again.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";

export type BucketSnapshot = Map<string, Uint8Array>;

export async function snapshotBucket(s3: S3Client, bucket: string): Promise<BucketSnapshot> {
  const all: BucketSnapshot = new Map();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? "";
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      all.set(key, (await out.Body?.transformToByteArray()) ?? new Uint8Array());
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
  for (const [key, bytes] of before) {
    const now = after.get(key);
    if (now === undefined || Buffer.compare(Buffer.from(now), Buffer.from(bytes)) !== 0) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    }
  }
}
