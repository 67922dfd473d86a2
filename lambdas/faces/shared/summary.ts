/**
 * What the face pipeline decided, counted from the metadata table's items (layout in `metadata.ts`): people,
 * candidates, images at each stage, rejections by stage and reason, and the same per person. Pure, so the local
 * report, the end-to-end test and the dashboard count the same way from the items they read.
 */

export type Item = Record<string, unknown>;

export interface PipelineCounts {
  readonly people: number;
  /** Candidate records that reached validate (every sighting, repeats included). */
  readonly candidates: number;
  readonly verified: number;
  readonly stored: number;
  readonly clean: number;
  readonly rejected: {
    readonly validate: Record<string, number>;
    readonly store: Record<string, number>;
    readonly clean: Record<string, number>;
  };
  /** Verified URLs whose download has no outcome yet (0 once the pipeline has drained). */
  readonly pendingDownloads: number;
  /** Stored images not judged yet (0 once drained). */
  readonly pendingClean: number;
}

export interface PersonCounts {
  readonly wikidataId: string;
  readonly name: string;
  /** Images stored (by content), and of those judged clean, rejected by clean, not judged yet. */
  readonly stored: number;
  readonly clean: number;
  readonly rejected: number;
  readonly pending: number;
}

function count(into: Record<string, number>, key: unknown): void {
  const k = String(key ?? "unknown");
  into[k] = (into[k] ?? 0) + 1;
}

/** Counts per outcome and reason, from the table's items. Pure: the e2e test uses it on scanned items. */
export function summarizeItems(items: readonly Item[]): PipelineCounts {
  const rejected = { validate: {}, store: {}, clean: {} } as PipelineCounts["rejected"];
  let people = 0;
  let candidates = 0;
  let verified = 0;
  let stored = 0;
  let clean = 0;
  let pendingDownloads = 0;
  let pendingClean = 0;
  for (const item of items) {
    if (item.type === "person") people++;
    else if (item.type === "url") {
      const sightings = item.sightings instanceof Set ? item.sightings.size : 1;
      candidates += sightings;
      for (let i = 1; i < sightings; i++) count(rejected.validate, "already-seen");
      if (item.validation === "rejected") count(rejected.validate, item.reason);
      else {
        verified++;
        if (item.download === "rejected") count(rejected.store, item.downloadReason);
        else if (item.download !== "stored") pendingDownloads++;
      }
    } else if (item.type === "image") {
      stored++;
      if (item.status === "clean") clean++;
      else if (item.status === "rejected") count(rejected.clean, item.reason);
      else pendingClean++;
    }
  }
  return { people, candidates, verified, stored, clean, rejected, pendingDownloads, pendingClean };
}

const PERSON = /^PERSON#(.+)$/;

/** Images per person, by the clean stage's verdict; people without an image have zeros. Sorted by name. */
export function countsPerPerson(items: readonly Item[]): PersonCounts[] {
  const people = new Map<
    string,
    { wikidataId: string; name: string; stored: number; clean: number; rejected: number; pending: number }
  >();
  const at = (item: Item) => {
    const wikidataId = String(item.wikidataId ?? PERSON.exec(String(item.pk))?.[1] ?? "?");
    let p = people.get(wikidataId);
    if (p === undefined) {
      p = { wikidataId, name: wikidataId, stored: 0, clean: 0, rejected: 0, pending: 0 };
      people.set(wikidataId, p);
    }
    return p;
  };
  for (const item of items) {
    if (item.type === "person") at(item).name = String(item.name ?? item.wikidataId);
    else if (item.type === "image") {
      const p = at(item);
      p.stored++;
      if (item.status === "clean") p.clean++;
      else if (item.status === "rejected") p.rejected++;
      else p.pending++;
    }
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name) || a.wikidataId.localeCompare(b.wikidataId));
}
