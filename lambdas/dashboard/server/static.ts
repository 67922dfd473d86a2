/**
 * The web app's files, served from memory: read once at init from the `web/` folder the function's bundling
 * writes beside the handler (lib/stacks/dashboard/web-bundle.ts). Unknown paths get the app's page (it routes by
 * the URL's hash), asset paths that do not exist a 404.
 */
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { type DashRequest, type DashResponse, HttpError, SECURITY_HEADERS } from "./http";

export interface StaticFile {
  readonly body: string;
  readonly contentType: string;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** Reads every text file of `dir` (one level: the bundle writes no folders). */
export function readWebFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new Error(`the web app is missing: no folder ${dir} (the function's bundling builds it)`, { cause: error });
  }
  for (const name of names) {
    const contentType = TYPES[extname(name)];
    if (contentType === undefined) continue;
    files.set(`/${name}`, { body: readFileSync(join(dir, name), "utf8"), contentType });
  }
  if (!files.has("/index.html")) throw new Error(`the web app in ${dir} has no index.html`);
  return files;
}

/** Answers a GET for a file of the app; `/` and paths without an extension get `index.html`. */
export function serveStatic(files: ReadonlyMap<string, StaticFile>, request: DashRequest): DashResponse {
  if (request.method !== "GET" && request.method !== "HEAD") {
    throw new HttpError(405, "method-not-allowed", `${request.path} answers GET, not ${request.method}`);
  }
  const path = extname(request.path) === "" ? "/index.html" : request.path;
  const file = files.get(path);
  if (file === undefined) throw new HttpError(404, "not-found", `no file ${request.path}`);
  return {
    statusCode: 200,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": file.contentType,
      // Names carry no content hash: always revalidate, so a deploy is seen at the next load.
      "cache-control": "no-cache",
    },
    body: request.method === "HEAD" ? "" : file.body,
  };
}
