/**
 * The result of walking an image file's container structure (segments, chunks, blocks, boxes)
 * the way a decoder would, without decoding pixels. It says where the image really ends, so that
 * anything appended after it can be found, and hands over the metadata the file carries (comments,
 * text chunks, application extensions…), the places a payload hides inside a valid image.
 */

/** One metadata segment, chunk, block or box: where it is (for a rejection's detail) and its content. */
export interface MetadataBlock {
  where: string;
  data: Buffer;
  /** Set when the content could not be read in full (e.g. a compressed text chunk that inflates too far). */
  uninspectable?: string;
}

export type Structure =
  /** The end marker was reached; `end` is the offset just past it. `frames` as the structure declares. */
  | { status: "complete"; end: number; frames: number; metadata: MetadataBlock[] }
  /** The data stops before the end marker. */
  | { status: "truncated"; detail: string; metadata: MetadataBlock[] }
  /** Something that cannot be this format where the structure requires it. */
  | { status: "malformed"; detail: string; metadata: MetadataBlock[] };

/** Bookkeeping shared by the walkers: the metadata found so far and the three ways a walk ends. */
export class Walk {
  readonly metadata: MetadataBlock[] = [];

  constructor(readonly format: string) {}

  complete(end: number, frames = 1): Structure {
    return { status: "complete", end, frames, metadata: this.metadata };
  }

  truncated(what: string): Structure {
    return { status: "truncated", detail: `${this.format} ends inside ${what}`, metadata: this.metadata };
  }

  malformed(what: string): Structure {
    return { status: "malformed", detail: `${this.format} structure is broken: ${what}`, metadata: this.metadata };
  }
}
