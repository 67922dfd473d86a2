import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dashboardApp } from "#dashboard/app";
import type { DashboardDeps } from "#dashboard/server/deps";
import { readWebFiles } from "#dashboard/server/static";
import { DashboardSettingsSchema } from "#dashboard/settings";

const dir = mkdtempSync(join(tmpdir(), "dashboard-web-"));
writeFileSync(join(dir, "index.html"), "<!doctype html><title>t</title>");
writeFileSync(join(dir, "app.js"), "console.log(1)");
writeFileSync(join(dir, "notes.bin"), "ignored");

const deps = (mode: "full" | "read-only"): DashboardDeps => ({
  settings: DashboardSettingsSchema.parse({ DASHBOARD_MODE: mode, STACK_PREFIX: "t" }),
  dynamo: () => {
    throw new Error("no DynamoDB in this test");
  },
  s3: () => {
    throw new Error("no S3 in this test");
  },
  cloudWatch: () => {
    throw new Error("no CloudWatch in this test");
  },
  now: () => new Date("2026-11-29T12:00:00Z"),
});
const app = (mode: "full" | "read-only" = "full") =>
  dashboardApp({ routes: [], files: readWebFiles(dir), deps: deps(mode), onError: () => {} });
const get = (path: string) => ({ method: "GET", path, query: {} });

test.each([
  ["/", "text/html; charset=utf-8", "<!doctype html><title>t</title>"],
  ["/transactions", "text/html; charset=utf-8", "<!doctype html><title>t</title>"],
  ["/app.js", "text/javascript; charset=utf-8", "console.log(1)"],
])("GET %s serves the app's file with its type and the security headers", async (path, type, content) => {
  const r = await app().handle(get(path));
  expect(r).toMatchObject({ statusCode: 200, body: content });
  expect(r.headers["content-type"]).toBe(type);
  expect(r.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(r.headers["cache-control"]).toBe("no-cache");
});

test("a missing asset and a file of an unknown type are JSON 404s; a POST to a page is a 405", async () => {
  for (const path of ["/missing.js", "/notes.bin"]) {
    const r = await app().handle(get(path));
    expect(r.statusCode).toBe(404);
    expect(r.headers["content-security-policy"]).toBeDefined();
  }
  expect((await app().handle({ method: "POST", path: "/", query: {} })).statusCode).toBe(405);
});

test("/api/meta says the mode, and a read-only dashboard lists no route that writes", async () => {
  const r = await app("read-only").handle(get("/api/meta"));
  expect(JSON.parse(r.body)).toEqual({
    mode: "read-only",
    stackPrefix: "t",
    routes: [{ method: "GET", path: "/api/meta", writes: false }],
    time: "2026-11-29T12:00:00.000Z",
  });
});

test("a folder without the app is refused with a message that says the bundling builds it", () => {
  expect(() => readWebFiles(join(dir, "nope"))).toThrow(/the web app is missing: no folder .*nope/);
});
