/**
 * An HTTP client for URLs we did not choose: image URLs scraped from the web, and the APIs that list
 * them. It only ever connects to public addresses (or explicitly allow-listed local endpoints), follows
 * redirects itself so that every hop is checked again, never reads more than a byte cap, gives the
 * whole exchange one deadline, retries only what can get better by waiting, and is polite per host.
 *
 * Why connect-time checks on top of `checkHost`: a name can resolve to a public address when checked
 * and to 127.0.0.1 a moment later when connected (DNS rebinding). The undici connector below does the
 * resolution itself and refuses non-public answers, so the address checked is the address connected to.
 */
import type { IncomingHttpHeaders } from "node:http";
import PQueue from "p-queue";
import pRetry from "p-retry";
import { Agent, request } from "undici";
import { BlockedAddressError, guardedConnector } from "./connect-guard";
import { FetchFailure } from "./fetch-failure";
import { checkHost, checkUrl, type LookupAll, systemLookup, type UrlPolicy } from "./url-safety";

export interface SafeFetchOptions {
  /** Local endpoints (`host:port`) that may be on private addresses; see UrlPolicy. */
  allowList?: readonly string[];
  /** One deadline for the whole exchange (every redirect hop, headers and body), per attempt. */
  timeoutMs: number;
  /** A body longer than this is not read (`too-large`). */
  maxBytes: number;
  maxRedirects: number;
  /** Retries after the first attempt, for transient failures only. Default 2. */
  retries?: number;
  /**
   * Whether a missed deadline is one of those transient failures. Default true; false where the deadline is the
   * verdict (an image too slow to download is rejected), so that a slow URL costs one deadline, not 1 + retries.
   */
  retryTimeouts?: boolean;
  /** First backoff; doubles each retry. Default 200 ms. */
  retryBaseMs?: number;
  /** A server's `Retry-After` is honoured up to this. Default 5 s. */
  maxRetryAfterMs?: number;
  /** Requests in flight to one host at a time. Default 4. */
  perHostConcurrency?: number;
  /** Requests started per host per second. Default 10. */
  perHostRequestsPerSecond?: number;
  userAgent?: string;
  /** Name resolution; the system resolver by default. Used for the pre-check and at connect time. */
  lookup?: LookupAll;
  /** Monotonic milliseconds, for `elapsedMs`. */
  now?: () => number;
}

export interface FetchInit {
  /** Extra request headers. Authorization and cookies are dropped when a redirect leaves the origin. */
  headers?: Record<string, string>;
  /** Overrides the fetcher's byte cap for this request. */
  maxBytes?: number;
}

export interface FetchResult<T> {
  status: number;
  /** The final URL, after redirects. */
  url: string;
  /** Each redirect target, in order. */
  redirects: string[];
  headers: IncomingHttpHeaders;
  body: T;
  /** From the call to the result, retries included. */
  elapsedMs: number;
}

export interface SafeFetcher {
  fetchBytes(url: string, init?: FetchInit): Promise<FetchResult<Buffer>>;
  fetchJson(url: string, init?: FetchInit): Promise<FetchResult<unknown>>;
  fetchText(url: string, init?: FetchInit): Promise<FetchResult<string>>;
  /** Closes pooled connections; the fetcher cannot be used afterwards. */
  close(): Promise<void>;
}

const DEFAULT_USER_AGENT = "sluice/0.1 (+https://github.com/sluice)";
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that identify us to one origin and must not be handed to another by a redirect. */
const ORIGIN_BOUND_HEADERS = ["authorization", "cookie", "proxy-authorization"];
const ERROR_BODY_BYTES = 4096;

type Hop =
  | { kind: "redirect"; location: string }
  | { kind: "final"; status: number; headers: IncomingHttpHeaders; body: Buffer };

/** Aborts an attempt; recognised by identity so a timeout is never mistaken for another abort. */
class DeadlineExceeded extends Error {
  override readonly name = "DeadlineExceeded";
}

export function createSafeFetcher(options: SafeFetchOptions): SafeFetcher {
  const policy: UrlPolicy = { allowList: options.allowList ?? [] };
  const lookup = options.lookup ?? systemLookup;
  const now = options.now ?? (() => performance.now());
  const retries = options.retries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const agent = new Agent({
    connect: guardedConnector(policy, lookup, options.timeoutMs),
    // Backstops only: the attempt's deadline (an AbortSignal) is what normally ends a slow exchange.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  const queues = new Map<string, PQueue>();
  const queueFor = (host: string): PQueue => {
    let queue = queues.get(host);
    if (!queue) {
      queue = new PQueue({
        concurrency: options.perHostConcurrency ?? 4,
        intervalCap: options.perHostRequestsPerSecond ?? 10,
        interval: 1000,
      });
      queues.set(host, queue);
    }
    return queue;
  };

  /** One request/response on one URL, holding a slot of the host's queue until the body is read. */
  async function exchange(url: URL, headers: Record<string, string>, signal: AbortSignal, maxBytes: number) {
    const response = await request(url, { method: "GET", headers, signal, dispatcher: agent });
    const { statusCode: status, headers: responseHeaders, body } = response;
    try {
      if (REDIRECT_STATUSES.has(status)) {
        const location = first(responseHeaders.location);
        if (location !== undefined) {
          await body.dump({ limit: ERROR_BODY_BYTES }).catch(() => undefined);
          return { kind: "redirect", location } satisfies Hop;
        }
      }
      if (status < 200 || status > 299) {
        const snippet = await readCapped(body, ERROR_BODY_BYTES, url, true).catch(() => Buffer.alloc(0));
        throw new FetchFailure("http-error", `HTTP ${status} from ${url.href}`, {
          url: url.href,
          status,
          retryAfterMs: parseRetryAfter(first(responseHeaders["retry-after"]), maxRetryAfterMs),
          responseBody: snippet.toString("utf8"),
        });
      }
      const declared = Number(first(responseHeaders["content-length"]));
      if (Number.isFinite(declared) && declared > maxBytes) {
        throw new FetchFailure("too-large", `Content-Length ${declared} is over the ${maxBytes}-byte cap`, {
          url: url.href,
          status,
        });
      }
      return {
        kind: "final",
        status,
        headers: responseHeaders,
        body: await readCapped(body, maxBytes, url),
      } satisfies Hop;
    } finally {
      // Whatever was not read is not wanted: destroying the body closes the connection rather than
      // draining an arbitrarily large response into the pool.
      // (The abort error that destroying emits is expected; nobody else is listening for it.)
      if (!body.readableEnded) body.on("error", () => undefined).destroy();
    }
  }

  /** One attempt: the whole redirect chain under one deadline, which starts when the first request does. */
  async function attempt(start: URL, init: FetchInit, startedAt: number): Promise<FetchResult<Buffer>> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const startClock = () => {
      timer ??= setTimeout(
        () => controller.abort(new DeadlineExceeded(`no complete response within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    };
    const maxBytes = init.maxBytes ?? options.maxBytes;
    let headers: Record<string, string> = {
      "user-agent": userAgent,
      // The bytes as served are the image itself; a compressed transfer would need decoding here,
      // and decompression is its own bomb.
      "accept-encoding": "identity",
      ...lowerCaseKeys(init.headers ?? {}),
    };
    let url = start;
    const redirects: string[] = [];
    try {
      for (;;) {
        let hop: Hop;
        try {
          hop = await queueFor(url.hostname).add(
            () => {
              startClock();
              return exchange(url, headers, controller.signal, maxBytes);
            },
            { signal: controller.signal },
          );
        } catch (error) {
          throw toFailure(error, url, controller.signal, redirects.length > 0);
        }
        if (hop.kind === "final") {
          return { ...hop, url: url.href, redirects, elapsedMs: now() - startedAt };
        }
        if (redirects.length >= options.maxRedirects) {
          throw new FetchFailure("too-many-redirects", `more than ${options.maxRedirects} redirects`, {
            url: url.href,
            detail: `next: ${hop.location}`,
          });
        }
        const target = await checkRedirect(hop.location, url);
        if (target.origin !== url.origin) headers = withoutKeys(headers, ORIGIN_BOUND_HEADERS);
        redirects.push(target.href);
        url = target;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async function checkRedirect(location: string, from: URL): Promise<URL> {
    let raw: string;
    try {
      raw = new URL(location, from).href;
    } catch (error) {
      throw unsafeRedirect(from, location, "invalid-url", `Location ${JSON.stringify(location)} is not a URL`, error);
    }
    const syntax = checkUrl(raw);
    if (!syntax.ok) throw unsafeRedirect(from, raw, syntax.reason, syntax.detail);
    const host = await checkHost(syntax.url, policy, lookup);
    if (!host.ok) throw unsafeRedirect(from, raw, host.reason, host.detail);
    return syntax.url;
  }

  async function fetchBytes(raw: string, init: FetchInit = {}): Promise<FetchResult<Buffer>> {
    const startedAt = now();
    const syntax = checkUrl(raw);
    if (!syntax.ok) throw new FetchFailure(syntax.reason, syntax.detail, { url: raw });
    const host = await checkHost(syntax.url, policy, lookup);
    if (!host.ok) throw new FetchFailure(host.reason, host.detail, { url: syntax.normalized });

    return pRetry(() => attempt(syntax.url, init, startedAt), {
      retries,
      factor: 2,
      minTimeout: retryBaseMs,
      shouldRetry: async ({ error, retriesConsumed }) => {
        if (!(error instanceof FetchFailure) || !error.transient) return false;
        if (error.reason === "timeout" && options.retryTimeouts === false) return false;
        // p-retry waits its own backoff next; wait only for what Retry-After asks beyond that.
        const backoff = retryBaseMs * 2 ** retriesConsumed;
        const extra = (error.retryAfterMs ?? 0) - backoff;
        if (extra > 0) await new Promise((resolve) => setTimeout(resolve, extra));
        return true;
      },
    });
  }

  async function fetchText(url: string, init: FetchInit = {}): Promise<FetchResult<string>> {
    const result = await fetchBytes(url, {
      ...init,
      headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", ...init.headers },
    });
    return { ...result, body: decodeText(result.body, first(result.headers["content-type"])) };
  }

  async function fetchJson(url: string, init: FetchInit = {}): Promise<FetchResult<unknown>> {
    const result = await fetchBytes(url, { ...init, headers: { accept: "application/json", ...init.headers } });
    try {
      return { ...result, body: JSON.parse(result.body.toString("utf8")) as unknown };
    } catch (error) {
      throw new FetchFailure("invalid-response", `${result.url} did not return JSON`, {
        url: result.url,
        status: result.status,
        cause: error,
      });
    }
  }

  return {
    fetchBytes,
    fetchJson,
    fetchText,
    close: async () => {
      for (const queue of queues.values()) queue.clear();
      queues.clear();
      await agent.close();
    },
  };
}

function unsafeRedirect(from: URL, target: string, reason: string, detail: string, cause?: unknown): FetchFailure {
  return new FetchFailure("unsafe-redirect", `redirect from ${from.href} to ${target} refused: ${reason}`, {
    url: target,
    detail: `${reason}: ${detail}`,
    cause,
  });
}

/** Any error from one hop, as a FetchFailure; a policy failure after a redirect is the redirect's fault. */
function toFailure(error: unknown, url: URL, signal: AbortSignal, afterRedirect: boolean): FetchFailure {
  if (signal.aborted && signal.reason instanceof DeadlineExceeded) {
    return new FetchFailure("timeout", `${url.href}: ${signal.reason.message}`, { url: url.href, cause: error });
  }
  if (error instanceof FetchFailure) return error;
  const blocked = findCause(error, (e): e is BlockedAddressError => e instanceof BlockedAddressError);
  if (blocked) {
    if (afterRedirect) return unsafeRedirect(url, url.href, blocked.reason, blocked.message, error);
    return new FetchFailure(blocked.reason, blocked.message, { url: url.href, cause: error });
  }
  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? "");
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return new FetchFailure("timeout", `${url.href}: ${(error as Error).message}`, { url: url.href, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new FetchFailure("network-error", `${url.href}: ${code ? `${code} ` : ""}${message}`, {
    url: url.href,
    cause: error,
  });
}

function findCause<T>(error: unknown, test: (e: unknown) => e is T): T | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    if (test(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Reads a body up to `cap` bytes. Past the cap it stops at once (the caller destroys the stream, which
 * closes the socket) and fails with `too-large`, or with `truncate` just returns what it has.
 */
async function readCapped(body: AsyncIterable<Buffer>, cap: number, url: URL, truncate = false): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > cap) {
      if (truncate) {
        chunks.push(chunk.subarray(0, chunk.length - (total - cap)));
        break;
      }
      throw new FetchFailure("too-large", `body is over the ${cap}-byte cap`, { url: url.href });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, capMs: number, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.max(0, Math.min(ms, capMs));
}

/** Text in the charset the Content-Type names, UTF-8 when it names none or one we do not know. */
function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutKeys(headers: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.includes(k)));
}
