/** What the scrape sources share: the HTTP they need, what they return, and how they fail. */

import { z } from "zod";
import type { Celebrity } from "#faces/contracts";
import type { FetchInit, FetchResult } from "#shared/net/safe-fetch";
import type { SourceConfig } from "./config";

/** The part of the safe fetcher the sources use; tests pass a fake. */
export interface SourceHttp {
  fetchJson(url: string, init?: FetchInit): Promise<Pick<FetchResult<unknown>, "url" | "body">>;
  fetchText(url: string, init?: FetchInit): Promise<Pick<FetchResult<string>, "url" | "body">>;
}

export interface SourceDeps {
  config: SourceConfig;
  http: SourceHttp;
  now: () => Date;
}

/** One image URL as a source found it, with the document (API response or page) it was in. */
export interface Found {
  url: string;
  foundOn: string;
}

/** A source either found URLs (possibly none) or did not run, saying why. */
export type SourceOutcome = { found: Found[] } | { skipped: string };

export type Source = (person: Celebrity, deps: SourceDeps) => Promise<SourceOutcome>;

/**
 * A source's own failure (as opposed to the HTTP client's FetchFailure): the service answered, but not
 * with what it documents, or with an error it explains in its body.
 */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    readonly reason: string,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Parses a response body with a schema, or fails with `invalid-response` naming the URL and the mismatch. */
export function parseResponse<T>(schema: z.ZodType<T>, body: unknown, url: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new SourceError("invalid-response", `${url}: unexpected response: ${z.prettifyError(parsed.error)}`, false, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
