/**
 * What `GET /api/faces` answers: the wire types the server builds (`faces.ts`) and the web app reads. Type imports
 * only (the browser bundle and its type check read this file).
 */
import type { PersonCounts, PipelineCounts } from "#faces/summary";

export interface FaceImage {
  readonly wikidataId: string;
  readonly name: string;
  readonly sha256: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly bytes: number | null;
  readonly source: string;
  readonly cleanedAt: string | null;
  /** Path of the image's thumbnail route (relative to the dashboard's API root). */
  readonly thumbnail: string;
}

export interface Rejection {
  readonly stage: "validate" | "store" | "clean";
  readonly reason: string;
  readonly count: number;
}

export interface FailureRecord {
  readonly key: string;
  readonly bytes: number;
  readonly lastModified: string | null;
  /** From the record: why the mapping gave up, how often it invoked, the function and the records' offsets. */
  readonly condition: string | null;
  readonly functionName: string | null;
  readonly invokeCount: number | null;
  readonly batchSize: number | null;
  readonly partitions: readonly string[];
}

export interface FacesView {
  /** People, candidates, images verified, stored and clean, and what is still waiting. */
  readonly totals: Omit<PipelineCounts, "rejected">;

  readonly rejections: readonly Rejection[];
  /** Images per person: stored, and of those clean, rejected, waiting. */
  readonly people: readonly PersonCounts[];

  /** Clean images in all (the gallery shows at most `limit`). */
  readonly cleanImages: number;
  readonly images: readonly FaceImage[];
  readonly dataset: { readonly files: number; readonly rows: number; readonly bytes: number };
  readonly failures: { readonly total: number; readonly records: readonly FailureRecord[] };
}
