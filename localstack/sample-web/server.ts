/**
 * The offline sample web: one HTTP origin that answers like the three image sources the scrape
 * stage uses (Wikidata's SPARQL endpoint and API with Wikimedia Commons files, TMDB's API and image
 * CDN, people's web pages) and like the rest of the web those lead to (redirects, slow, flaky,
 * failing and hostile servers). Everything is generated in memory from a seed; the manifest says
 * what the pipeline must make of each candidate.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SAMPLE_TMDB_KEY, sparql, tmdbApi, wikidataApi } from "./apis";
import { hourlyAnswer, hourOfPath } from "./cases/hourly";
import { escapeHtml } from "./html";
import { jpegHead } from "./imaging";
import { type Manifest, sampleManifest } from "./manifest";
import {
  decodedPath,
  ERROR_PREFIX,
  fillTemplate,
  lookupResource,
  MISSING_PREFIX,
  otherPortFor,
  type PersonPlan,
  type Resource,
  type SamplePlan,
  type UrlContext,
} from "./model";
import { notFoundPage, renderIndex, renderPage } from "./pages";
import { type BlockCache, generateSample, type SampleOptions } from "./plan";
import { html, plain, type Reply, readForm, write } from "./reply";

export { SAMPLE_TMDB_KEY };

/** Where each part of the sample web lives (path prefixes on its one origin). */
const SAMPLE_ROUTES = {
  sparql: "/wikidata/sparql",
  wikidataApi: "/wikidata/w/api.php",
  commons: "/commons",
  tmdbApi: "/tmdb/3",
  tmdbImages: "/tmdb-images/t/p",
  webPages: "/web/people",
  images: "/img",
  redirects: "/redirect",
  slow: "/slow",
  flaky: "/flaky",
  errors: ERROR_PREFIX.slice(0, -1),
  missing: MISSING_PREFIX.slice(0, -1),
} as const;

export const DEFAULT_SAMPLE_PORT = 4580;

export interface SampleWebOptions extends SampleOptions {
  /** Default 4580; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (the address the pipeline's allow-list names). */
  host?: string;
  /** Called with one line per request; nothing is logged without it. */
  log?: (line: string) => void;
}

export interface SampleWeb {
  /** The origin, e.g. `http://127.0.0.1:4580`. */
  url: string;
  port: number;
  manifest: Manifest;
  close(): Promise<void>;
}

const blocks: BlockCache = new Map();

/**
 * The sample for a seed and scale. Its blocks of people are built once per process and shared by
 * every server (bytes never change; each server keeps its own request counters).
 */
export function buildSample(options: SampleOptions = {}): Promise<SamplePlan> {
  return generateSample(options, blocks);
}

export async function startSampleWeb(options: SampleWebOptions = {}): Promise<SampleWeb> {
  const plan = await buildSample({ seed: options.seed ?? 1, scale: options.scale ?? 1 });
  const host = options.host ?? "127.0.0.1";
  const log = options.log;
  const timers = new Set<NodeJS.Timeout>();
  const counters = new Map<string, number>();
  let state: State | undefined;

  const server = createServer((req, res) => {
    const started = Date.now();
    if (log) {
      res.on("close", () =>
        log(
          `${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms${res.writableFinished ? "" : " (aborted)"}`,
        ),
      );
    }
    const head = req.method === "HEAD";
    let reply: Reply | undefined;
    try {
      reply = state === undefined ? plain(503, "starting\n") : route(req, res, state, head);
    } catch (error) {
      reply = plain(500, `sample web: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    if (reply) write(res, reply, head);
  });

  /** setTimeout that the server's close() and the client's going away both cancel. */
  const later = (res: ServerResponse, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) fn();
    }, ms);
    timers.add(timer);
    res.on("close", () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  /** The reply to a request, or undefined when the handler answers (later, or streaming) itself. */
  function route(req: IncomingMessage, res: ServerResponse, s: State, head: boolean): Reply | undefined {
    const url = new URL(req.url ?? "/", s.ctx.origin);
    const path = decodedPath(url);
    if (path === undefined) return plain(400, "bad path encoding\n");
    const method = req.method ?? "GET";
    if (path === SAMPLE_ROUTES.sparql && method === "POST") {
      readForm(req, (form) => write(res, sparql(plan, form.get("query") ?? url.searchParams.get("query")), false));
      return undefined;
    }
    if (method !== "GET" && method !== "HEAD")
      return { ...plain(405, "method not allowed\n"), headers: { Allow: "GET, HEAD" } };
    if (path === SAMPLE_ROUTES.sparql) return sparql(plan, url.searchParams.get("query"));
    if (path === SAMPLE_ROUTES.wikidataApi) return wikidataApi(plan, url.searchParams);
    if (path.startsWith(`${SAMPLE_ROUTES.tmdbApi}/`))
      return tmdbApi({ plan, byTmdbId: s.byTmdbId, counters }, req, url, path.slice(SAMPLE_ROUTES.tmdbApi.length));
    if (["/web", "/web/", SAMPLE_ROUTES.webPages, `${SAMPLE_ROUTES.webPages}/`].includes(path))
      return html(200, s.index);
    if (path.startsWith(`${SAMPLE_ROUTES.webPages}/`)) {
      const page = s.pages.get(path.slice(SAMPLE_ROUTES.webPages.length + 1));
      return page === undefined ? html(404, notFoundPage(path)) : html(200, page);
    }
    const hour = hourOfPath(path);
    if (hour !== undefined) {
      const n = counters.get(path) ?? 0;
      counters.set(path, n + 1);
      const answer = hourlyAnswer(hour, n);
      return { status: answer.status, type: "text/csv; charset=utf-8", body: answer.body };
    }
    const resource = lookupResource(plan, path);
    if (resource === undefined) return html(404, notFoundPage(path));
    return serveResource(res, path, resource, s.ctx, head);
  }

  function serveResource(
    res: ServerResponse,
    path: string,
    resource: Resource,
    ctx: UrlContext,
    head: boolean,
  ): Reply | undefined {
    switch (resource.kind) {
      case "file": {
        const reply: Reply = {
          status: 200,
          type: resource.blob.contentType,
          body: resource.blob.bytes,
          headers: { "Cache-Control": "public, max-age=86400" },
        };
        if (!resource.delayMs) return reply;
        later(res, resource.delayMs, () => write(res, reply, head));
        return undefined;
      }
      case "flaky": {
        const seen = counters.get(path) ?? 0;
        counters.set(path, seen + 1);
        if (seen < resource.failures)
          return html(503, "<html><body><h1>503 Service Unavailable</h1><p>Back soon.</p></body></html>\n");
        return { status: 200, type: resource.blob.contentType, body: resource.blob.bytes };
      }
      case "stall": {
        const { blob } = resource;
        if (resource.phase === "headers") {
          later(res, resource.stallMs, () =>
            write(res, { status: 200, type: blob.contentType, body: blob.bytes }, head),
          );
          return undefined;
        }
        res.writeHead(200, { "Content-Type": blob.contentType, "Content-Length": blob.bytes.length });
        if (head) {
          res.end();
          return undefined;
        }
        res.write(blob.bytes.subarray(0, 512));
        later(res, resource.stallMs, () => res.end(blob.bytes.subarray(512)));
        return undefined;
      }
      case "redirect": {
        const location = fillTemplate(resource.location, ctx);
        return {
          ...html(resource.status, `<html><body>Moved to <a href="${escapeHtml(location)}">here</a>.</body></html>\n`),
          headers: { Location: location },
        };
      }
      case "status":
        return html(resource.status, resource.html);
      case "huge":
        streamHuge(res, resource, head);
        return undefined;
    }
  }

  function streamHuge(res: ServerResponse, resource: Extract<Resource, { kind: "huge" }>, head: boolean): void {
    const headers: Record<string, string | number> = { "Content-Type": "image/jpeg" };
    if (resource.declareLength) headers["Content-Length"] = resource.length;
    res.writeHead(200, headers);
    if (head) {
      res.end();
      return;
    }
    const chunk = Buffer.alloc(64 * 1024);
    let x = resource.seed >>> 0 || 1;
    for (let i = 0; i < chunk.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      chunk.writeUInt32LE(x >>> 0, i);
    }
    const header = jpegHead(4000, 3000);
    let sent = 0;
    const pump = () => {
      while (sent < resource.length && !res.destroyed) {
        const first = sent === 0 ? Buffer.concat([header, chunk.subarray(header.length)]) : chunk;
        const part = first.subarray(0, Math.min(first.length, resource.length - sent));
        sent += part.length;
        if (!res.write(part)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_SAMPLE_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost =
    host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const ctx: UrlContext = { origin: `http://${urlHost}:${port}`, otherPort: otherPortFor(port) };
  const manifest = sampleManifest(plan, ctx);
  const pages = new Map<string, string>();
  const byTmdbId = new Map<number, PersonPlan>();
  plan.people.forEach((p, i) => {
    if (p.page) pages.set(p.person.wikidataId, renderPage(plan, i, ctx));
    if (p.tmdb) byTmdbId.set(p.tmdb.id, p);
  });
  state = { ctx, pages, byTmdbId, index: renderIndex(plan) };

  return {
    url: ctx.origin,
    port,
    manifest,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What the server knows once it listens: its origin, and the pages rendered for it. */
type State = { ctx: UrlContext; pages: Map<string, string>; byTmdbId: Map<number, PersonPlan>; index: string };
