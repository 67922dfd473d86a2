/**
 * The dashboard's HTTP vocabulary, free of Lambda: a request as the router sees it, a response, the errors a
 * route throws to answer with a status, and the security headers every response carries.
 */

export interface DashRequest {
  readonly method: string;
  /** The path the function sees (the URL's, or the part after `/lambda-url/<id>` locally). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The body as text, if any. */
  readonly body?: string;
}

export interface DashResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Text, or base64 when `isBase64Encoded` (how a function URL carries binary bodies). */
  readonly body: string;
  readonly isBase64Encoded?: boolean;
}

/**
 * What a route returns to answer bytes instead of JSON: the body, its content type, and its own headers (cache
 * headers, ETag). The security headers are added over them, so a route cannot drop them.
 */
export class BinaryBody {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** A problem a route reports to the caller: a status, a stable code, a message a person can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HttpError";
  }
}

/**
 * Same-origin everything, no inline script, no framing. Inline style *attributes* are allowed (not `<style>`
 * elements): the chart library sizes its SVG with a `style` attribute, which cannot run script.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

export function jsonResponse(statusCode: number, value: unknown): DashResponse {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify(value),
  };
}

/** A binary answer: base64 in the body, `isBase64Encoded` set; the route's headers, then the security headers. */
export function binaryResponse(statusCode: number, value: BinaryBody): DashResponse {
  const own = Object.fromEntries(Object.entries(value.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    statusCode,
    headers: { "cache-control": "no-store", ...own, ...SECURITY_HEADERS, "content-type": value.contentType },
    body: Buffer.from(value.bytes).toString("base64"),
    isBase64Encoded: true,
  };
}

/** The one shape of every error answer: `{ error: { code, message, details? } }`. */
export function errorResponse(error: HttpError): DashResponse {
  return jsonResponse(error.status, {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  });
}
