/**
 * Reads a transactions CSV in the seed's columns (`transaction_date, account, transaction_value, balance,
 * transaction_type`, in any order, names in any case; other columns are ignored) with csv-parse, streaming.
 * A row the file cannot give (too few or too many fields) is reported with its line number and left out;
 * everything else travels as written, for the consumer to judge.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { parse } from "csv-parse";

export const CSV_COLUMNS = ["transaction_date", "account", "transaction_value", "balance", "transaction_type"] as const;
type Column = (typeof CSV_COLUMNS)[number];

export interface CsvRow {
  /** The file's line the row ends on (1 is the header). */
  readonly line: number;
  readonly date: string;
  readonly account: string;
  readonly value: string;
  /** The balance the file says the account has after this row. */
  readonly balance: string;
  readonly type: string;
}

export interface CsvProblem {
  readonly line: number;
  readonly problem: string;
}

export interface TransactionsCsv {
  readonly rows: CsvRow[];
  readonly problems: CsvProblem[];
}

export class CsvFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CsvFormatError";
  }
}

/** Reads the CSV from a file path or from text already in memory (`{ text }`). */
export async function readTransactionsCsv(source: string | { readonly text: string }): Promise<TransactionsCsv> {
  const input = typeof source === "string" ? createReadStream(source) : Readable.from([source.text]);
  const where = typeof source === "string" ? source : "the CSV";
  const parser = input.pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  // pipe() does not pass the file's errors on (a missing file would leave the parser waiting for ever).
  input.once("error", (error: Error) =>
    parser.destroy(new CsvFormatError(`cannot read ${where}: ${error.message}`, { cause: error })),
  );
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let index: Record<Column, number> | undefined;
  let width = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (index === undefined) {
        index = headerIndex(record, where);
        width = record.length;
        continue;
      }
      if (record.length !== width) {
        problems.push({ line: info.lines, problem: `expected ${width} fields, got ${record.length}` });
        continue;
      }
      const field = (c: Column): string => record[index?.[c] ?? 0] ?? "";
      rows.push({
        line: info.lines,
        date: field("transaction_date"),
        account: field("account"),
        value: field("transaction_value"),
        balance: field("balance"),
        type: field("transaction_type"),
      });
    }
  } catch (error) {
    if (error instanceof CsvFormatError) throw error;
    throw new CsvFormatError(`${where} is not a readable CSV: ${(error as Error).message}`, { cause: error });
  }
  if (index === undefined) throw new CsvFormatError(`${where} is empty: expected a header ${CSV_COLUMNS.join(",")}`);
  return { rows, problems };
}

function headerIndex(header: string[], where: string): Record<Column, number> {
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new CsvFormatError(
      `${where} has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}: expected a header with ${CSV_COLUMNS.join(",")} (got ${header.join(",")})`,
    );
  }
  return Object.fromEntries(CSV_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;
}
