/**
 * The offline sample web: one HTTP origin that answers like the three image sources the scrape
 * stage uses (Wikidata's SPARQL endpoint and API with Wikimedia Commons files, TMDB's API and image
 * CDN, people's web pages) and like the rest of the web those lead to (redirects, slow, flaky,
 * failing and hostile servers). Everything is generated in memory from a seed; the manifest says
 * what the pipeline must make of each candidate.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
  type PageElement,
  type PersonPlan,
  type Resource,
  type SamplePlan,
  TMDB_IMAGE_PREFIX,
  type UrlContext,
} from "./model";
import { type BlockCache, generateSample, type SampleOptions } from "./plan";

/** The only credential the sample TMDB accepts: as `Authorization: Bearer …` or as `api_key=…`. */
export const SAMPLE_TMDB_KEY = "sluice-sample-tmdb-read-access-token";

/** Where each part of the sample web lives (path prefixes on its one origin). */
export const SAMPLE_ROUTES = {
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
  let state:
    | { ctx: UrlContext; pages: Map<string, string>; byTmdbId: Map<number, PersonPlan>; index: string }
    | undefined;

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
      readForm(req, (form) => write(res, sparql(form.get("query") ?? url.searchParams.get("query")), false));
      return undefined;
    }
    if (method !== "GET" && method !== "HEAD")
      return { ...plain(405, "method not allowed\n"), headers: { Allow: "GET, HEAD" } };
    if (path === SAMPLE_ROUTES.sparql) return sparql(url.searchParams.get("query"));
    if (path === SAMPLE_ROUTES.wikidataApi) return wikidataApi(url.searchParams);
    if (path.startsWith(`${SAMPLE_ROUTES.tmdbApi}/`))
      return tmdb(req, url, path.slice(SAMPLE_ROUTES.tmdbApi.length), s);
    if (["/web", "/web/", SAMPLE_ROUTES.webPages, `${SAMPLE_ROUTES.webPages}/`].includes(path))
      return html(200, s.index);
    if (path.startsWith(`${SAMPLE_ROUTES.webPages}/`)) {
      const page = s.pages.get(path.slice(SAMPLE_ROUTES.webPages.length + 1));
      return page === undefined ? html(404, notFoundPage(path)) : html(200, page);
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

  function sparql(query: string | null): Reply {
    if (query === null || query.trim() === "") return plain(400, "Missing 'query' parameter\n");
    const limit = /\bLIMIT\s+(\d+)/i.exec(query)?.[1];
    const offset = /\bOFFSET\s+(\d+)/i.exec(query)?.[1];
    const start = offset === undefined ? 0 : Number(offset);
    const people = plan.people.slice(start, limit === undefined ? undefined : start + Number(limit));
    const body = {
      head: { vars: ["person", "personLabel", "occupations"] },
      results: {
        bindings: people.map(({ person }) => ({
          person: { type: "uri", value: `http://www.wikidata.org/entity/${person.wikidataId}` },
          personLabel: { "xml:lang": "en", type: "literal", value: person.name },
          occupations: { type: "literal", value: person.occupations.join("|") },
        })),
      },
    };
    return json(200, body, "application/sparql-results+json; charset=utf-8");
  }

  function wikidataApi(params: URLSearchParams): Reply {
    const error = (code: string, info: string): Reply => ({
      ...json(200, { error: { code, info } }),
      headers: { "MediaWiki-API-Error": code },
    });
    const action = params.get("action");
    if (action !== "wbgetclaims")
      return error("badvalue", `Unrecognized value for parameter "action": ${action ?? ""}.`);
    const entity = params.get("entity");
    if (entity === null || entity === "")
      return error("param-missing", 'Either the parameter "entity" or the parameter "claim" has to be provided.');
    if (!/^Q[1-9][0-9]*$/.test(entity)) return error("invalid-entity-id", "Invalid entity ID.");
    const found = plan.people.find((p) => p.person.wikidataId === entity);
    if (found === undefined) return error("no-such-entity", `Could not find an entity with the ID "${entity}".`);
    const property = params.get("property");
    const statements = property !== null && property !== "P18" ? [] : found.p18.map(p18Claim);
    return json(200, { claims: statements.length === 0 ? {} : { P18: statements } });
  }

  function tmdb(req: IncomingMessage, url: URL, path: string, s: State): Reply {
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${SAMPLE_TMDB_KEY}` && url.searchParams.get("api_key") !== SAMPLE_TMDB_KEY) {
      return json(401, {
        status_code: 7,
        status_message: "Invalid API key: You must be granted a valid key.",
        success: false,
      });
    }
    if (path === "/search/person") {
      const query = normalizeName(url.searchParams.get("query") ?? "");
      const page = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
      const onTmdb = plan.people.filter((p) => p.tmdb !== undefined);
      const exact = query === "" ? [] : onTmdb.filter((p) => normalizeName(p.person.name) === query);
      const partial =
        query.length < 3
          ? []
          : onTmdb.filter((p) => !exact.includes(p) && normalizeName(p.person.name).includes(query));
      const matches = [...exact, ...partial];
      return json(200, {
        page,
        results: matches.slice((page - 1) * 20, page * 20).map(searchResult),
        total_pages: Math.max(1, Math.ceil(matches.length / 20)),
        total_results: matches.length,
      });
    }
    const images = /^\/person\/(\d+)\/images$/.exec(path);
    const person = images ? s.byTmdbId.get(Number(images[1])) : undefined;
    if (person?.tmdb === undefined) {
      return json(404, {
        status_code: 34,
        status_message: "The resource you requested could not be found.",
        success: false,
      });
    }
    const key = `tmdb-images:${person.tmdb.id}`;
    const seen = counters.get(key) ?? 0;
    counters.set(key, seen + 1);
    if (person.tmdb.rateLimited && seen === 0) {
      const body = {
        success: false,
        status_code: 25,
        status_message: "Your request count (41) is over the allowed limit of 40.",
      };
      return { ...json(429, body), headers: { "Retry-After": "1" } };
    }
    return json(200, {
      id: person.tmdb.id,
      profiles: person.tmdb.profiles.map((profile) => {
        const votes = createHash("sha256").update(profile.file).digest();
        return {
          aspect_ratio: Math.round((profile.width / profile.height) * 1000) / 1000,
          height: profile.height,
          iso_639_1: null,
          file_path: profile.file,
          vote_average: Math.round(((votes[0] ?? 0) / 255) * 10 * 1000) / 1000,
          vote_count: (votes[1] ?? 0) % 40,
          width: profile.width,
        };
      }),
    });
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

interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string | number>;
}

type State = { ctx: UrlContext; pages: Map<string, string>; byTmdbId: Map<number, PersonPlan>; index: string };

const plain = (status: number, body: string): Reply => ({ status, type: "text/plain; charset=utf-8", body });
const html = (status: number, body: string): Reply => ({ status, type: "text/html; charset=utf-8", body });
const json = (status: number, body: unknown, type = "application/json; charset=utf-8"): Reply => ({
  status,
  type,
  body: JSON.stringify(body),
});

function write(res: ServerResponse, reply: Reply, head: boolean): void {
  const bytes = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { "Content-Type": reply.type, "Content-Length": bytes.length, ...reply.headers });
  res.end(head ? undefined : bytes);
}

function readForm(req: IncomingMessage, then: (form: URLSearchParams) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 1024 * 1024) chunks.push(chunk);
  });
  req.on("end", () => then(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
}

const normalizeName = (name: string) => name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();

function p18Claim(statement: PersonPlan["p18"][number]): Record<string, unknown> {
  const hash = createHash("sha1").update(`${statement.id}${statement.value}`).digest("hex");
  const mainsnak =
    statement.snak === "value"
      ? {
          snaktype: "value",
          property: "P18",
          hash,
          datavalue: { value: statement.value, type: "string" },
          datatype: "commonsMedia",
        }
      : { snaktype: "somevalue", property: "P18", hash, datatype: "commonsMedia" };
  const claim: Record<string, unknown> = { mainsnak, type: "statement", id: statement.id, rank: statement.rank };
  if (statement.legend !== undefined) {
    claim.qualifiers = {
      P2096: [
        {
          snaktype: "value",
          property: "P2096",
          hash: createHash("sha1").update(statement.legend).digest("hex"),
          datavalue: { value: { text: statement.legend, language: "en" }, type: "monolingualtext" },
          datatype: "monolingualtext",
        },
      ],
    };
    claim["qualifiers-order"] = ["P2096"];
  }
  return claim;
}

function searchResult(plan: PersonPlan): Record<string, unknown> {
  const { person, tmdb } = plan;
  return {
    adult: false,
    gender: person.gender,
    id: tmdb?.id,
    known_for_department: person.department,
    name: person.name,
    original_name: person.name,
    popularity: tmdb?.popularity ?? 0,
    profile_path: tmdb?.profiles[0]?.file ?? null,
    known_for: [],
  };
}

function notFoundPage(path: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>404 Not Found</title></head>\n<body>\n<h1>Not Found</h1>\n<p>The requested URL ${escapeHtml(path)} was not found on this server.</p>\n</body>\n</html>\n`;
}

function renderIndex(plan: SamplePlan): string {
  const items = plan.people
    .filter((p) => p.page !== undefined)
    .map(({ person }) => `<li><a href="/web/people/${person.wikidataId}">${escapeHtml(person.name)}</a></li>`)
    .join("\n");
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Sample Encyclopedia</title></head>\n<body>\n<h1>People</h1>\n<ul>\n${items}\n</ul>\n</body>\n</html>\n`;
}

/** A person's web page: every URL attribute in the order emittedCandidates (model.ts) reads them. */
function renderPage(plan: SamplePlan, index: number, ctx: UrlContext): string {
  const personPlan = plan.people[index];
  const page = personPlan?.page;
  if (personPlan === undefined || page === undefined) throw new Error(`no page for person ${index}`);
  const { person } = personPlan;
  const attr = (value: string) => escapeHtml(fillTemplate(value, ctx));
  const srcset = (entries: ReadonlyArray<{ url: string; descriptor?: string }>) =>
    entries.map((e) => (e.descriptor === undefined ? attr(e.url) : `${attr(e.url)} ${e.descriptor}`)).join(", ");
  const element = (el: PageElement): string => {
    switch (el.tag) {
      case "og":
        return `<meta property="og:image" content="${attr(el.image.url)}">\n<meta property="og:image:alt" content="${escapeHtml(person.name)}">`;
      case "img": {
        const src = el.src === undefined ? "" : ` ${el.upper ? "SRC" : "src"}="${attr(el.src.url)}"`;
        const set =
          el.srcset === undefined ? "" : ` srcset="${srcset(el.srcset)}" sizes="(max-width: 600px) 100vw, 600px"`;
        const tag = `<${el.upper ? "IMG" : "img"}${src}${set} alt="${escapeHtml(el.alt)}" loading="lazy">`;
        return el.caption === undefined
          ? tag
          : `<figure>\n  ${tag}\n  <figcaption>${escapeHtml(el.caption)}</figcaption>\n</figure>`;
      }
      case "picture": {
        const sources = el.sources
          .map((s) => `  <source${s.type === undefined ? "" : ` type="${s.type}"`} srcset="${srcset(s.srcset)}">`)
          .join("\n");
        return `<picture>\n${sources}\n  <img src="${attr(el.img.src.url)}" alt="${escapeHtml(el.img.alt)}">\n</picture>`;
      }
      case "data-img":
        return `<img src="${escapeHtml(el.uri)}" alt="${escapeHtml(el.alt)}" width="1" height="1">`;
      case "comment":
        return `<!-- ${el.html} -->`;
      case "script":
        return `<script>\n${el.js}\n</script>`;
      case "p":
        return `<p>${el.html}</p>`;
    }
  };
  const neighbours = [plan.people[index - 1], plan.people[index + 1]]
    .filter((p): p is PersonPlan => p?.page !== undefined)
    .map((p) => `<a href="/web/people/${p.person.wikidataId}">${escapeHtml(p.person.name)}</a>`)
    .join(" · ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${page.base === undefined ? "" : `<base href="${attr(page.base)}">\n`}<title>${escapeHtml(person.name)} - Sample Encyclopedia</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="${escapeHtml(person.name)}">
<meta property="og:type" content="profile">
${page.head.map(element).join("\n")}
<link rel="stylesheet" href="/web/static/site.css">
</head>
<body>
<header><a href="/web/">Sample Encyclopedia</a></header>
<main>
<h1>${escapeHtml(person.name)}</h1>
${page.body.map(element).join("\n")}
</main>
<footer>${neighbours}</footer>
</body>
</html>
`;
}

export { TMDB_IMAGE_PREFIX };
