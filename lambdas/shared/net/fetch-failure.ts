/**
 * How the safe fetcher fails: one error type whose `reason` says what went wrong in words a pipeline can
 * record as they are (the face pipeline's validate and store rejections use the same words), and whether
 * waiting could help.
 */
import type { HostCheck, UrlCheck } from "./url-safety";

type PolicyReason = Extract<UrlCheck, { ok: false }>["reason"] | Extract<HostCheck, { ok: false }>["reason"];

/**
 * Why a fetch failed: the URL policy's reasons, the HTTP exchange's (`unsafe-redirect`, `too-many-redirects`,
 * `http-error`, `timeout`, `too-large`), `network-error` (refused, reset, TLS failure, a body cut short:
 * nothing whole was answered) and `invalid-response` (`fetchJson` got something that is not JSON).
 */
export type FetchFailureReason =
  | PolicyReason
  | "unsafe-redirect"
  | "too-many-redirects"
  | "http-error"
  | "timeout"
  | "too-large"
  | "network-error"
  | "invalid-response";

export class FetchFailure extends Error {
  override readonly name = "FetchFailure";
  readonly reason: FetchFailureReason;
  /** The URL being fetched when it failed (for redirects: the hop that failed). */
  readonly url: string;
  readonly status?: number;
  /** More about the reason; for `unsafe-redirect`, the target's own reason and why. */
  readonly detail?: string;
  /** Worth trying again later: timeouts, network errors, 429 and 5xx. */
  readonly transient: boolean;
  /** From a `Retry-After` header, already capped. */
  readonly retryAfterMs?: number;
  /** The start of an error response's body (at most 4 KiB, as text), for APIs that explain themselves there. */
  readonly responseBody?: string;

  constructor(
    reason: FetchFailureReason,
    message: string,
    details: {
      url: string;
      status?: number;
      detail?: string;
      retryAfterMs?: number;
      responseBody?: string;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    this.url = details.url;
    this.status = details.status;
    this.detail = details.detail;
    this.retryAfterMs = details.retryAfterMs;
    this.responseBody = details.responseBody;
    this.transient = isTransientFailure(reason, details.status, details.cause);
  }
}

function isTransientFailure(reason: FetchFailureReason, status: number | undefined, cause: unknown): boolean {
  if (reason === "timeout") return true;
  if (reason === "http-error") return status === 429 || (status !== undefined && status >= 500);
  if (reason === "network-error") {
    // A certificate will not become valid by retrying in 200 ms.
    const code = String((cause as NodeJS.ErrnoException | undefined)?.code ?? "");
    return !/CERT|TLS|SSL/.test(code);
  }
  return false;
}
