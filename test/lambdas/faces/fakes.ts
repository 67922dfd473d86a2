/** In-memory stand-ins for the sinks, with the same conditional semantics as the DynamoDB ones. */
import type { ImageItem, ImagePut, Sighting, UrlItem } from "#faces/metadata";

export class MemoryMetadata {
  readonly urls = new Map<string, UrlItem & { sightings: Set<string> }>();
  readonly images = new Map<string, ImageItem>();

  recordSighting = async (item: Omit<UrlItem, "firstSeenBy" | "sightings">, by: string): Promise<Sighting> => {
    const key = `${item.wikidataId}/${item.urlHash}`;
    const existing = this.urls.get(key);
    if (existing === undefined) {
      const full = { ...item, firstSeenBy: by, sightings: new Set([by]) };
      this.urls.set(key, full);
      return { kind: "first", item: full };
    }
    existing.sightings.add(by);
    return { kind: existing.firstSeenBy === by ? "redelivery" : "already-seen", item: existing };
  };

  recordDownload = async (
    wikidataId: string,
    urlHash: string,
    outcome: { download: "stored"; sha256: string } | { download: "rejected"; reason: string; detail: string },
  ): Promise<void> => {
    const key = `${wikidataId}/${urlHash}`;
    const existing = this.urls.get(key);
    if (!existing) throw new Error(`no URL item ${key}`);
    this.urls.set(key, {
      ...existing,
      download: outcome.download,
      ...(outcome.download === "stored"
        ? { sha256: outcome.sha256 }
        : { downloadReason: outcome.reason as UrlItem["downloadReason"], downloadDetail: outcome.detail }),
    });
  };

  putImage = async (item: Omit<ImageItem, "status">): Promise<ImagePut> => {
    const key = `${item.wikidataId}/${item.sha256}`;
    const existing = this.images.get(key);
    if (existing === undefined) {
      const full: ImageItem = { ...item, status: "stored" };
      this.images.set(key, full);
      return { kind: "first", item: full };
    }
    return { kind: existing.storedBy === item.storedBy ? "redelivery" : "duplicate", item: existing };
  };

  getImage = async (wikidataId: string, sha256: string): Promise<ImageItem | undefined> =>
    this.images.get(`${wikidataId}/${sha256}`);

  markCleaned = async (
    wikidataId: string,
    sha256: string,
    verdict: Record<string, unknown>,
    at: string,
    by: string,
  ): Promise<{ written: boolean; item: ImageItem }> => {
    const key = `${wikidataId}/${sha256}`;
    const existing = this.images.get(key);
    if (!existing) throw new Error(`no image ${key}`);
    if (existing.status !== "stored" && existing.cleanedBy !== by) return { written: false, item: existing };
    const item = { ...existing, ...verdict, cleanedAt: at, cleanedBy: by } as ImageItem;
    this.images.set(key, item);
    return { written: true, item };
  };

  cleanHashes = async (wikidataId: string): Promise<Array<{ sha256: string; phash: string }>> =>
    [...this.images.values()]
      .filter((i) => i.wikidataId === wikidataId && i.status === "clean")
      .map((i) => ({ sha256: i.sha256, phash: i.phash ?? "" }));
}
