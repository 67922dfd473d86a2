import { z } from "zod";
import { BinaryBody, HttpError } from "#dashboard/server/http";
import { defineRoute, Router } from "#dashboard/server/router";

interface Deps {
  readonly seen: string[];
}

const routes = [
  defineRoute<Deps, z.ZodObject<{ account: z.ZodString }>, z.ZodObject<{ limit: z.ZodDefault<z.ZodCoercedNumber> }>>({
    method: "GET",
    path: "/api/accounts/:account",
    params: z.object({ account: z.string().regex(/^[A-Z0-9]+$/, "letters and digits") }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
    async handle({ params, query, deps }) {
      deps.seen.push(params.account);
      return { account: params.account, limit: query.limit };
    },
  }),
  defineRoute<Deps, z.ZodObject, z.ZodObject, z.ZodObject<{ amount: z.ZodString }>>({
    method: "POST",
    path: "/api/transactions",
    writes: true,
    status: 202,
    body: z.strictObject({ amount: z.string().min(1) }),
    async handle({ body }) {
      return { accepted: body.amount };
    },
  }),
  defineRoute<Deps>({
    method: "GET",
    path: "/api/broken",
    async handle() {
      throw new Error("the table is gone");
    },
  }),
  defineRoute<Deps>({
    method: "GET",
    path: "/api/teapot",
    async handle() {
      throw new HttpError(418, "teapot", "I am a teapot");
    },
  }),
];

const errors: unknown[] = [];
const router = (readOnly = false) => new Router(routes, { readOnly, onError: (e) => errors.push(e) });
const get = (path: string, query: Record<string, string> = {}) => ({ method: "GET", path, query });
const body = (r: { body: string }) => JSON.parse(r.body) as unknown;

test("a route gets its validated path parameters and query, and its answer is JSON with the security headers", async () => {
  const deps = { seen: [] as string[] };
  const r = await router().handle(get("/api/accounts/A%31", { limit: "5" }), deps);
  expect(r.statusCode).toBe(200);
  expect(body(r)).toEqual({ account: "A1", limit: 5 });
  expect(deps.seen).toEqual(["A1"]);
  expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
  expect(r.headers["x-content-type-options"]).toBe("nosniff");
});

test.each([
  [get("/api/accounts/a-1"), 400, "invalid-request", "invalid path: account: letters and digits"],
  [
    get("/api/accounts/A1", { limit: "500" }),
    400,
    "invalid-request",
    "invalid query: limit: Too big: expected number to be <=50",
  ],
  [get("/api/accounts/%E0%A4%A"), 400, "invalid-request", "path parameter account is not valid percent-encoding"],
  [get("/api/nothing"), 404, "not-found", "no API route GET /api/nothing"],
  [
    { method: "DELETE", path: "/api/accounts/A1", query: {} },
    405,
    "method-not-allowed",
    "/api/accounts/A1 answers GET, not DELETE",
  ],
  [{ method: "POST", path: "/api/transactions", query: {}, body: "{" }, 400, "invalid-json", "the body is not JSON"],
  [
    { method: "POST", path: "/api/transactions", query: {}, body: '{"amount":"1","extra":1}' },
    400,
    "invalid-request",
    'invalid body: Unrecognized key: "extra"',
  ],
  [
    { method: "POST", path: "/api/transactions", query: {}, body: "x".repeat(20_000) },
    413,
    "body-too-large",
    "the body is over 16384 characters",
  ],
  [get("/api/teapot"), 418, "teapot", "I am a teapot"],
])("%j answers %i %s", async (request, status, code, message) => {
  const r = await router().handle(request, { seen: [] });
  expect(r.statusCode).toBe(status);
  expect(body(r)).toMatchObject({ error: { code, message } });
});

test("a write route answers its own status, and a read-only router refuses it and leaves it out of its list", async () => {
  const post = { method: "POST", path: "/api/transactions", query: {}, body: '{"amount":"1.00"}' };
  const full = await router().handle(post, { seen: [] });
  expect(full.statusCode).toBe(202);
  expect(body(full)).toEqual({ accepted: "1.00" });
  const refused = await router(true).handle(post, { seen: [] });
  expect(refused.statusCode).toBe(403);
  expect(body(refused)).toMatchObject({ error: { code: "read-only" } });
  expect(
    router(true)
      .list()
      .map((r) => r.path),
  ).toEqual(["/api/accounts/:account", "/api/broken", "/api/teapot"]);
});

test("an unexpected error is logged with its cause and answered with a 500 that leaks nothing", async () => {
  errors.length = 0;
  const r = await router().handle(get("/api/broken"), { seen: [] });
  expect(r.statusCode).toBe(500);
  expect(r.body).not.toContain("the table is gone");
  expect(errors).toEqual([new Error("the table is gone")]);
});

test("a route registered twice, or outside /api/, is refused when the router is built", () => {
  const first = routes[0];
  if (first === undefined) throw new Error("no route");
  expect(() => new Router([first, first], { readOnly: false, onError: () => {} })).toThrow(
    "route GET /api/accounts/:account is registered twice",
  );
  expect(() => defineRoute<Deps>({ method: "GET", path: "/accounts", handle: async () => null })).toThrow(
    "route /accounts must start with /api/",
  );
});

describe("a route that answers bytes", () => {
  const bytes = Uint8Array.from([0xff, 0xd8, 0x00, 0x01, 0xfe, 0xff, 0xd9]);
  const binary = new Router<Deps>(
    [
      defineRoute<Deps, z.ZodObject<{ id: z.ZodString }>>({
        method: "GET",
        path: "/api/pictures/:id",
        params: z.object({ id: z.string().regex(/^[a-z]+$/, "lowercase letters") }),
        async handle() {
          return new BinaryBody(bytes, "image/jpeg", {
            "Cache-Control": "public, max-age=60, immutable",
            ETag: '"abc"',
            // A route cannot weaken the security headers: these are overwritten.
            "Content-Security-Policy": "default-src *",
            "X-Content-Type-Options": "sniff",
          });
        },
      }),
      defineRoute<Deps>({
        method: "GET",
        path: "/api/plain-bytes",
        async handle() {
          return new BinaryBody(bytes, "application/octet-stream");
        },
      }),
    ],
    { readOnly: false, onError: (e) => errors.push(e) },
  );

  test("is answered base64-encoded with isBase64Encoded, its content type and cache headers, and the security headers", async () => {
    const r = await binary.handle(get("/api/pictures/abc"), { seen: [] });
    expect(r.statusCode).toBe(200);
    expect(r.isBase64Encoded).toBe(true);
    expect(Buffer.from(r.body, "base64")).toEqual(Buffer.from(bytes));
    expect(r.headers).toMatchObject({
      "content-type": "image/jpeg",
      "cache-control": "public, max-age=60, immutable",
      etag: '"abc"',
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
    });
    expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(r.headers["content-security-policy"]).not.toContain("default-src *");
  });

  test("without its own cache headers is not cached", async () => {
    const r = await binary.handle(get("/api/plain-bytes"), { seen: [] });
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["content-type"]).toBe("application/octet-stream");
  });

  test("still answers bad input with a JSON error, not bytes", async () => {
    const r = await binary.handle(get("/api/pictures/ABC"), { seen: [] });
    expect(r.statusCode).toBe(400);
    expect(r.isBase64Encoded).toBeUndefined();
    expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(body(r)).toMatchObject({
      error: { code: "invalid-request", message: "invalid path: id: lowercase letters" },
    });
  });
});

test("JSON answers are text, not base64", async () => {
  const r = await router().handle(get("/api/accounts/A1"), { seen: [] });
  expect(r.isBase64Encoded).toBeUndefined();
});
