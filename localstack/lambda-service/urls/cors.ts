/**
 * A function URL's CORS, answered by the URL and not by the function, as on AWS: a preflight OPTIONS gets
 * its answer from the URL's Cors settings, and every other answer to an allowed origin gets the CORS headers
 * (the function's own Access-Control-* headers give way to the URL's).
 */
import type { UrlCors } from "./url-spec";

function header(headers: Readonly<Record<string, readonly string[] | undefined>>, name: string): string | undefined {
  return headers[name]?.[0];
}

/** The Access-Control-Allow-Origin value for origin, or undefined when the URL does not allow it. */
function allowedOrigin(cors: UrlCors, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (cors.allowOrigins.includes("*")) return cors.allowCredentials ? origin : "*";
  return cors.allowOrigins.some((o) => o.toLowerCase() === origin.toLowerCase()) ? origin : undefined;
}

/** Whether a request is a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method). */
export function isPreflight(method: string, headers: Readonly<Record<string, readonly string[] | undefined>>): boolean {
  return (
    method === "OPTIONS" &&
    header(headers, "origin") !== undefined &&
    header(headers, "access-control-request-method") !== undefined
  );
}

/** The headers of the URL's answer to a preflight (no CORS headers when the origin is not allowed). */
export function preflightHeaders(
  cors: UrlCors,
  headers: Readonly<Record<string, readonly string[] | undefined>>,
): Record<string, string> {
  const origin = allowedOrigin(cors, header(headers, "origin"));
  if (origin === undefined) return {};
  return {
    "access-control-allow-origin": origin,
    ...(cors.allowMethods.length > 0 ? { "access-control-allow-methods": cors.allowMethods.join(",") } : {}),
    ...(cors.allowHeaders.length > 0 ? { "access-control-allow-headers": cors.allowHeaders.join(",") } : {}),
    ...(cors.exposeHeaders.length > 0 ? { "access-control-expose-headers": cors.exposeHeaders.join(",") } : {}),
    ...(cors.maxAge === undefined ? {} : { "access-control-max-age": String(cors.maxAge) }),
    ...(cors.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
    vary: "Origin",
  };
}

/** The response headers with the URL's CORS headers in place of any the function set. */
export function withCorsHeaders(
  cors: UrlCors,
  requestHeaders: Readonly<Record<string, readonly string[] | undefined>>,
  responseHeaders: Readonly<Record<string, string | string[]>>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(responseHeaders)) {
    if (!name.startsWith("access-control-")) out[name] = value;
  }
  const origin = allowedOrigin(cors, header(requestHeaders, "origin"));
  if (origin === undefined) return out;
  out["access-control-allow-origin"] = origin;
  if (cors.exposeHeaders.length > 0) out["access-control-expose-headers"] = cors.exposeHeaders.join(",");
  if (cors.allowCredentials) out["access-control-allow-credentials"] = "true";
  out.vary = out.vary === undefined ? "Origin" : `${String(out.vary)}, Origin`;
  return out;
}
