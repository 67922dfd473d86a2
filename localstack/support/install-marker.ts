/**
 * Install markers: a small JSON file written last into an install directory, so that a later run can tell
 * a complete install of the wanted version from an interrupted or outdated one by reading one file.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** The marker's content, or undefined when it is missing or unreadable (then: install again). */
export function readMarker<T>(file: string): Partial<T> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Partial<T>;
  } catch {
    return undefined;
  }
}

export function writeMarker<T>(file: string, marker: T): void {
  writeFileSync(file, `${JSON.stringify(marker, null, 2)}\n`);
}
