/**
 * Parquet files from rows, for the stages that write to the lake: a column list declares each column's
 * name, Parquet type and whether it may be null, and rows are transposed into it. Deterministic: the
 * same rows in the same order give the same bytes (no timestamps or random ids in the file), so a
 * retried batch rewrites an object with identical content.
 */
import { parquetWriteBuffer } from "hyparquet-writer";

/** The Parquet types the lake uses: TIMESTAMP takes an ISO 8601 string, INT64 a JS number. */
export type ParquetType = "STRING" | "INT32" | "INT64" | "DOUBLE" | "TIMESTAMP";

export interface ParquetColumn<R> {
  readonly name: keyof R & string;
  readonly type: ParquetType;
  /** @default false */
  readonly nullable?: boolean;
}

export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

function convert(type: ParquetType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === "INT64") return BigInt(value as number);
  if (type === "TIMESTAMP") return new Date(value as string);
  return value;
}

/** One Parquet file of `rows`, in the given column order; throws (with the column named) if a non-nullable column has a null. */
export function parquetBuffer<R extends object>(rows: readonly R[], columns: ReadonlyArray<ParquetColumn<R>>): Buffer {
  const columnData = columns.map(({ name, type, nullable = false }) => ({
    name,
    type,
    nullable,
    data: rows.map((row, i) => {
      const value = convert(type, row[name]);
      if (value === null && !nullable)
        throw new Error(`Parquet column ${name} is not nullable, but row ${i} has no value`);
      return value;
    }),
  }));
  return Buffer.from(parquetWriteBuffer({ columnData, createdBy: "sluice" }));
}
