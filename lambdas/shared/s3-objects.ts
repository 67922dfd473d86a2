/** Listing a bucket (or a prefix of it), every page; the local jobs, the tests and the dashboard share it. */
import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";

export interface S3ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly lastModified?: Date;
}

export async function listObjects(s3: S3Client, bucket: string, prefix?: string): Promise<S3ObjectSummary[]> {
  const objects: S3ObjectSummary[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) {
      objects.push({
        key: o.Key ?? "",
        size: o.Size ?? 0,
        ...(o.LastModified ? { lastModified: o.LastModified } : {}),
      });
    }
  }
  return objects;
}
