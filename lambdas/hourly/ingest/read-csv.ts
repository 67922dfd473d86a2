/**
 * Reads an hourly CSV body row by row with csv-parse's streaming parser, so a large file is judged as it is
 * parsed rather than turned into one array first. Rows of any length come through (the rules count a wrong
 * length); a body that ends in the middle of a row is a truncated transfer, which is worth retrying.
 */
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";

/** The body stops inside a row: the transfer was cut short (a proxy, a partial write). Retry. */
export class TruncatedBody extends Error {
  override readonly name = "TruncatedBody";
}

/** A body csv-parse cannot read at all (an unclosed quote, …): a permanently bad file. */
export class MalformedCsv extends Error {
  override readonly name = "MalformedCsv";
}

export interface CsvRows {
  readonly header: string[] | undefined;
  readonly rows: AsyncIterable<string[]>;
}

/**
 * The header, then the data rows; skips blank lines; drops a BOM. A body without a final newline whose last row
 * is shorter than the header ends inside a row: `TruncatedBody` when that row is reached.
 */
export async function readCsv(body: string): Promise<CsvRows> {
  const parser = Readable.from([body]).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  const iterator: AsyncIterator<string[]> = parser[Symbol.asyncIterator]();
  const first = await next(iterator);
  const header = first.done ? undefined : first.value;
  const cutShort = body.length > 0 && !body.endsWith("\n");
  async function* rows(): AsyncGenerator<string[]> {
    let held = await next(iterator);
    while (!held.done) {
      const following = await next(iterator);
      if (following.done && cutShort && header !== undefined && held.value.length < header.length) {
        throw new TruncatedBody(`the body (${body.length} characters) ends inside a row: the transfer was cut short`);
      }
      yield held.value;
      held = following;
    }
  }
  return { header, rows: rows() };
}

async function next(iterator: AsyncIterator<string[]>): Promise<IteratorResult<string[]>> {
  try {
    return await iterator.next();
  } catch (error) {
    if (error instanceof CsvError)
      throw new MalformedCsv(`the CSV cannot be parsed: ${error.message}`, { cause: error });
    throw error;
  }
}
