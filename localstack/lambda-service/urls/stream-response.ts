/**
 * A RESPONSE_STREAM function URL's answer, written as the function streams it, by AWS's rules: a stream opened by
 * `awslambda.HttpResponseStream.from` starts with a JSON prelude (statusCode, headers, cookies) and 8 NUL bytes,
 * the rest is the body; any other stream is a 200 with the stream's content type. The head goes out with the first
 * body bytes (chunked transfer), so a function that fails before writing any still gets AWS's 502; one that fails
 * later can only have its answer cut short.
 */
import { HTTP_INTEGRATION_CONTENT_TYPE } from "../runtime/protocol";
import type { InvokeResult, ResponseStreamSink } from "../types";
import type { UrlResponse } from "./response";

/** What the prelude says: the answer without its body. */
export type UrlHead = Omit<UrlResponse, "body">;

/** Between the prelude's JSON (which cannot hold a NUL byte) and the body. */
export const PRELUDE_DELIMITER = Buffer.alloc(8);

const DEFAULT_CONTENT_TYPE = "application/octet-stream";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The head a prelude's JSON describes (status 200 and application/octet-stream unless it says otherwise; header
 * names lower-cased); undefined when it is not a prelude a URL can answer with.
 */
export function parsePrelude(json: Buffer): UrlHead | undefined {
  let prelude: unknown;
  try {
    prelude = JSON.parse(json.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(prelude)) return undefined;
  const statusCode = prelude.statusCode === undefined ? 200 : Number(prelude.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  const headers: Record<string, string> = {};
  if (prelude.headers !== undefined) {
    if (!isRecord(prelude.headers)) return undefined;
    for (const [name, value] of Object.entries(prelude.headers)) {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return undefined;
      headers[name.toLowerCase()] = String(value);
    }
  }
  const cookies = prelude.cookies ?? [];
  if (!Array.isArray(cookies) || cookies.some((cookie) => typeof cookie !== "string")) return undefined;
  headers["content-type"] ??= DEFAULT_CONTENT_TYPE;
  return { statusCode, headers, cookies: cookies as string[] };
}

export interface StreamTarget {
  /** Sends the status and headers (CORS and the request id are the caller's to add). */
  writeHead(head: UrlHead): void;
  write(data: Buffer): void;
  /** The whole answer at once, when nothing was sent yet (AWS's 502). */
  answer(response: UrlResponse): void;
  end(): void;
  /** Cuts the answer short: the client sees a chunked body without its last chunk. */
  abort(): void;
}

/** Receives the function's stream and writes the URL's answer as it comes. */
export class UrlStreamWriter implements ResponseStreamSink {
  /** The handler opened a stream (a handler that is not streamified never does). */
  started = false;
  headSent = false;
  /** The prelude's bytes so far, while its delimiter has not come. */
  private prelude: Buffer | undefined;
  private head: UrlHead | undefined;
  /** The prelude could not be read: the answer is AWS's 502. */
  private failed = false;

  constructor(
    private readonly target: StreamTarget,
    private readonly badGateway: () => UrlResponse,
  ) {}

  start(contentType: string): void {
    this.started = true;
    if (contentType === HTTP_INTEGRATION_CONTENT_TYPE) this.prelude = Buffer.alloc(0);
    else this.head = { statusCode: 200, headers: { "content-type": contentType }, cookies: [] };
  }

  chunk(data: Buffer): void {
    if (this.prelude === undefined) {
      this.send(data);
      return;
    }
    const pending = Buffer.concat([this.prelude, data]);
    const at = pending.indexOf(PRELUDE_DELIMITER);
    if (at < 0) {
      this.prelude = pending;
      return;
    }
    this.prelude = undefined;
    const head = parsePrelude(pending.subarray(0, at));
    if (!head) {
      this.failed = true;
      return;
    }
    this.head = head;
    this.send(pending.subarray(at + PRELUDE_DELIMITER.length));
  }

  /**
   * The invocation is over: ends the answer, or cuts it short when the function failed mid-stream. False when the
   * function did not stream, so that its result is the caller's to map as a buffered answer.
   */
  finish(result: InvokeResult): boolean {
    if (!this.started) return false;
    this.close(result.functionError !== undefined || this.prelude !== undefined);
    return true;
  }

  /** Ends the answer; a failure (or an invocation that could not run to its end) cuts it short, or is AWS's 502. */
  close(failed: boolean): void {
    if (failed || this.failed) {
      if (this.headSent) this.target.abort();
      else this.target.answer(this.badGateway());
      return;
    }
    this.send(Buffer.alloc(0));
    this.target.end();
  }

  private send(data: Buffer): void {
    if (this.failed) return;
    if (!this.headSent && this.head) {
      this.headSent = true;
      this.target.writeHead(this.head);
    }
    if (data.length > 0) this.target.write(data);
  }
}
