/**
 * A Parquet object's row count from its footer, read from S3 with one ranged GET (hyparquet's metadata reader asks
 * for the file's last 64 KiB, and for more only when the footer is larger): the whole file is never downloaded.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parquetMetadataAsync } from "hyparquet";

/** How much of the file's end the first read takes: a footer of a few columns and row groups fits. */
const FOOTER_FETCH_BYTES = 64 * 1024;

export interface ParquetObject {
  readonly bucket: string;
  readonly key: string;
  /** The object's size, from the listing (saves a HEAD). */
  readonly size: number;
}

/** Rows in the object, from its footer's `num_rows`. */
export async function parquetRowCount(s3: S3Client, object: ParquetObject): Promise<number> {
  const buffer = {
    byteLength: object.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const last = (end ?? object.size) - 1;
      try {
        const out = await s3.send(
          new GetObjectCommand({ Bucket: object.bucket, Key: object.key, Range: `bytes=${start}-${last}` }),
        );
        const bytes = await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      } catch (error) {
        throw new Error(`cannot read bytes ${start}-${last} of s3://${object.bucket}/${object.key}`, { cause: error });
      }
    },
  };
  try {
    const metadata = await parquetMetadataAsync(buffer, { initialFetchSize: FOOTER_FETCH_BYTES });
    return Number(metadata.num_rows);
  } catch (error) {
    throw new Error(`s3://${object.bucket}/${object.key} has no readable Parquet footer`, { cause: error });
  }
}
