/**
 * The one ZIP writer of the local stack: the DynamoDB Local launcher jar (a manifest-only jar) and the
 * sample web's archives hidden inside images. Entries are stored, not compressed, with a fixed date, so the
 * same files always make the same bytes.
 */
import { type Zippable, zipSync } from "fflate";

export interface ZipEntry {
  readonly name: string;
  readonly content: string | Buffer;
}

/** 1980-01-01 00:00, the earliest time a ZIP can say: entries carry no real time. */
const EPOCH = new Date(1980, 0, 1);

/** A ZIP archive holding the given files, stored (not compressed). */
export function storedZip(files: readonly ZipEntry[]): Buffer {
  const entries: Zippable = {};
  for (const file of files) {
    if (file.name in entries) throw new Error(`a ZIP archive cannot hold two entries named ${file.name}`);
    const data = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
    entries[file.name] = [data, { level: 0 }];
  }
  return Buffer.from(zipSync(entries, { mtime: EPOCH }));
}
