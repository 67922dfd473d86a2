/**
 * A function URL's CORS: the URL answers preflights from its settings and stamps its CORS headers on the
 * function's answers to allowed origins, replacing the function's own.
 */
import { isPreflight, preflightHeaders, withCorsHeaders } from "#local/lambda-service/urls/cors";
import type { UrlCors } from "#local/lambda-service/urls/url-spec";

const cors: UrlCors = {
  allowCredentials: true,
  allowHeaders: ["date", "keep-alive"],
  allowMethods: ["GET", "POST"],
  allowOrigins: ["https://www.example.com"],
  exposeHeaders: ["keep-alive", "date"],
  maxAge: 86400,
};
const preflight = {
  origin: ["https://www.example.com"],
  "access-control-request-method": ["POST"],
};

test("a preflight is OPTIONS with Origin and Access-Control-Request-Method", () => {
  expect(isPreflight("OPTIONS", preflight)).toBe(true);
  expect(isPreflight("OPTIONS", { origin: ["https://www.example.com"] })).toBe(false);
  expect(isPreflight("POST", preflight)).toBe(false);
});

test("an allowed origin's preflight gets every configured header", () => {
  expect(preflightHeaders(cors, preflight)).toEqual({
    "access-control-allow-origin": "https://www.example.com",
    "access-control-allow-methods": "GET,POST",
    "access-control-allow-headers": "date,keep-alive",
    "access-control-expose-headers": "keep-alive,date",
    "access-control-max-age": "86400",
    "access-control-allow-credentials": "true",
    vary: "Origin",
  });
});

test("another origin's preflight gets no CORS headers", () => {
  expect(preflightHeaders(cors, { ...preflight, origin: ["https://evil.example"] })).toEqual({});
});

test("AllowOrigins * answers * without credentials and the origin itself with them", () => {
  const open: UrlCors = { ...cors, allowOrigins: ["*"], allowCredentials: false };
  expect(preflightHeaders(open, preflight)["access-control-allow-origin"]).toBe("*");
  expect(preflightHeaders({ ...open, allowCredentials: true }, preflight)["access-control-allow-origin"]).toBe(
    "https://www.example.com",
  );
});

test("the URL's CORS headers replace the function's on an allowed origin's answer", () => {
  const headers = withCorsHeaders(
    cors,
    { origin: ["https://www.example.com"] },
    { "content-type": "text/plain", "access-control-allow-origin": "*", "access-control-max-age": "5" },
  );
  expect(headers).toEqual({
    "content-type": "text/plain",
    "access-control-allow-origin": "https://www.example.com",
    "access-control-expose-headers": "keep-alive,date",
    "access-control-allow-credentials": "true",
    vary: "Origin",
  });
  expect(withCorsHeaders(cors, {}, { "access-control-allow-origin": "*" })).toEqual({});
});
