import diagnosticsChannel from "node:diagnostics_channel";
import { BlockedAddressError, guardedConnector } from "#shared/net/connect-guard";
import { FetchFailure } from "#shared/net/fetch-failure";
import { createSafeFetcher, parseRetryAfter, type SafeFetcher, type SafeFetchOptions } from "#shared/net/safe-fetch";
import type { LookupAll } from "#shared/net/url-safety";
import { startServer, type TestServer } from "./http-server";

const servers: TestServer[] = [];
const fetchers: SafeFetcher[] = [];

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

function fetcher(allowList: string[], overrides: Partial<SafeFetchOptions> = {}): SafeFetcher {
  const f = createSafeFetcher({
    allowList,
    timeoutMs: 2_000,
    maxBytes: 1024 * 1024,
    maxRedirects: 5,
    retryBaseMs: 10,
    ...overrides,
  });
  fetchers.push(f);
  return f;
}

/** The FetchFailure a promise rejects with (fails the test if it resolves or rejects otherwise). */
async function failure(promise: Promise<unknown>): Promise<FetchFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchFailure) return error;
    throw error;
  }
  throw new Error("expected a FetchFailure, got a result");
}

/** Hostnames undici tried to connect to while `fn` ran. */
async function connectionAttempts(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (message: unknown) => {
    seen.push((message as { connectParams: { hostname: string } }).connectParams.hostname);
  };
  diagnosticsChannel.subscribe("undici:client:beforeConnect", listener);
  try {
    await fn();
  } finally {
    diagnosticsChannel.unsubscribe("undici:client:beforeConnect", listener);
  }
  return seen;
}

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("redirects", () => {
  test("a chain of redirects is followed to the final response, each hop recorded", async () => {
    const s = await server((req, res) => {
      if (req.url === "/a") res.writeHead(302, { location: "/b" }).end("moved");
      else if (req.url === "/b") res.writeHead(301, { location: "c?x=1" }).end();
      else if (req.url === "/c?x=1") res.writeHead(200, { "content-type": "image/jpeg" }).end("JPEGDATA");
      else res.writeHead(404).end();
    });
    const result = await fetcher([s.hostPort]).fetchBytes(s.url("/a"));
    expect(result.status).toBe(200);
    expect(result.url).toBe(s.url("/c?x=1"));
    expect(result.redirects).toEqual([s.url("/b"), s.url("/c?x=1")]);
    expect(result.body.toString()).toBe("JPEGDATA");
    expect(result.headers["content-type"]).toBe("image/jpeg");
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  test("a redirect to a loopback port that is not allow-listed is refused before it is requested", async () => {
    const other = await server((_req, res) => res.end("internal admin page"));
    const s = await server((_req, res) => res.writeHead(302, { location: other.url("/admin") }).end());
    const error = await failure(fetcher([s.hostPort]).fetchBytes(s.url("/start")));
    expect(error.reason).toBe("unsafe-redirect");
    expect(error.detail).toMatch(/^private-address: /);
    expect(error.url).toBe(other.url("/admin"));
    expect(error.transient).toBe(false);
    expect(other.requests).toHaveLength(0);
    expect(s.requests).toHaveLength(1); // not retried
  });

  test.each([
    ["http://169.254.169.254/latest/meta-data/iam/security-credentials/", "metadata"],
    ["http://10.0.0.1/", "private"],
    ["http://[::ffff:10.0.0.1]/", "private"],
  ])("a redirect to %s is refused without any connection attempt", async (target, kind) => {
    const s = await server((_req, res) => res.writeHead(307, { location: target }).end());
    const f = fetcher([s.hostPort]);
    let error: FetchFailure | undefined;
    const attempts = await connectionAttempts(async () => {
      error = await failure(f.fetchBytes(s.url("/")));
    });
    expect(error?.reason).toBe("unsafe-redirect");
    expect(error?.detail).toContain(kind);
    expect(attempts).toEqual(["127.0.0.1"]);
  });

  test("a redirect to a name resolving to a private address is refused", async () => {
    const s = await server((_req, res) => res.writeHead(302, { location: "http://internal.example/" }).end());
    const lookup: LookupAll = async (host) => [
      { address: host === "internal.example" ? "192.168.1.10" : "127.0.0.1", family: 4 },
    ];
    const error = await failure(fetcher([s.hostPort], { lookup }).fetchBytes(s.url("/")));
    expect(error).toMatchObject({ reason: "unsafe-redirect", detail: expect.stringContaining("192.168.1.10") });
  });

  test("a redirect to another scheme or with credentials is refused with the target's own reason", async () => {
    const s = await server((req, res) => {
      const location = req.url === "/ftp" ? "ftp://example.com/a.jpg" : `http://u:p@${s.hostPort}/x`;
      res.writeHead(302, { location }).end();
    });
    const f = fetcher([s.hostPort]);
    expect(await failure(f.fetchBytes(s.url("/ftp")))).toMatchObject({
      reason: "unsafe-redirect",
      detail: expect.stringMatching(/^unsafe-scheme: /),
    });
    expect(await failure(f.fetchBytes(s.url("/creds")))).toMatchObject({
      reason: "unsafe-redirect",
      detail: expect.stringMatching(/^credentials-in-url: /),
    });
  });

  test("more redirects than allowed is too-many-redirects", async () => {
    const s = await server((req, res) => {
      const n = Number(req.url?.slice(1));
      res.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const error = await failure(fetcher([s.hostPort], { maxRedirects: 3 }).fetchBytes(s.url("/0")));
    expect(error.reason).toBe("too-many-redirects");
    expect(s.requests.map((r) => r.url)).toEqual(["/0", "/1", "/2", "/3"]);
  });

  test("Authorization is sent to the origin but not carried across a redirect to another origin", async () => {
    const other = await server((_req, res) => res.end("ok"));
    const s = await server((req, res) => {
      if (req.url === "/same") res.writeHead(302, { location: "/landing" }).end();
      else if (req.url === "/landing") res.end("ok");
      else res.writeHead(302, { location: other.url("/x") }).end();
    });
    const f = fetcher([s.hostPort, other.hostPort]);
    const headers = { Authorization: "Bearer secret-token" };
    await f.fetchBytes(s.url("/same"), { headers });
    await f.fetchBytes(s.url("/elsewhere"), { headers });
    expect(s.requests.map((r) => r.headers.authorization)).toEqual([
      "Bearer secret-token",
      "Bearer secret-token",
      "Bearer secret-token",
    ]);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe("the initial URL", () => {
  test("credentials in the URL are refused before anything is sent", async () => {
    const s = await server((_req, res) => res.end("ok"));
    const error = await failure(fetcher([s.hostPort]).fetchBytes(`http://admin:hunter2@${s.hostPort}/`));
    expect(error.reason).toBe("credentials-in-url");
    expect(s.requests).toHaveLength(0);
  });

  test.each([
    ["file:///etc/passwd", "unsafe-scheme"],
    ["not a url", "invalid-url"],
    ["http://127.0.0.1:9/", "private-address"],
    ["http://169.254.169.254/", "private-address"],
  ])("%s → %s", async (url, reason) => {
    expect((await failure(fetcher([]).fetchBytes(url))).reason).toBe(reason);
  });

  test("a name that does not resolve is unresolvable-host", async () => {
    const lookup: LookupAll = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await failure(fetcher([], { lookup }).fetchBytes("https://nowhere.invalid/"))).toMatchObject({
      reason: "unresolvable-host",
      transient: false,
    });
  });
});

describe("DNS rebinding", () => {
  test("a name that resolves to a public address when checked and a private one at connect is blocked at connect", async () => {
    const s = await server((_req, res) => res.end("secret"));
    let calls = 0;
    const rebinding: LookupAll = async () => {
      calls++;
      return [{ address: calls === 1 ? "93.184.216.34" : "127.0.0.1", family: 4 }];
    };
    // The server's own host:port is allow-listed; the name pointing at it is not.
    const f = fetcher([s.hostPort], { lookup: rebinding });
    const error = await failure(f.fetchBytes(`http://images.example:${s.port}/a.jpg`));
    expect(error.reason).toBe("private-address");
    expect(error.message).toContain("at connect time");
    expect(error.cause).toBeDefined();
    expect(calls).toBe(2);
    expect(s.requests).toHaveLength(0);
  });

  test("the connector refuses non-public IP literals itself", async () => {
    const connect = guardedConnector({ allowList: [] }, async () => [], 1000);
    const error = await new Promise<Error | null>((resolve) =>
      connect({ hostname: "10.0.0.1", host: "10.0.0.1", protocol: "http:", port: "" }, (...args) => resolve(args[0])),
    );
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).reason).toBe("private-address");
  });
});

describe("errors and retries", () => {
  test("404 fails with http-error and is not retried", async () => {
    const s = await server((_req, res) =>
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"gone"}'),
    );
    const error = await failure(fetcher([s.hostPort], { retries: 3 }).fetchBytes(s.url("/missing")));
    expect(error).toMatchObject({
      reason: "http-error",
      status: 404,
      transient: false,
      responseBody: '{"error":"gone"}',
    });
    expect(s.requests).toHaveLength(1);
  });

  test("503, 503, 200 succeeds after two retries", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      n++;
      if (n < 3) res.writeHead(503).end("busy");
      else res.end("finally");
    });
    const result = await fetcher([s.hostPort], { retries: 2 }).fetchBytes(s.url("/"));
    expect(result.body.toString()).toBe("finally");
    expect(s.requests).toHaveLength(3);
  });

  test("a persistent 500 is http-error after retries + 1 attempts", async () => {
    const s = await server((_req, res) => res.writeHead(500).end());
    const error = await failure(fetcher([s.hostPort], { retries: 2 }).fetchBytes(s.url("/")));
    expect(error).toMatchObject({ reason: "http-error", status: 500, transient: true });
    expect(s.requests).toHaveLength(3);
  });

  test("429 with Retry-After waits as asked, up to the cap", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      n++;
      if (n === 1) res.writeHead(429, { "retry-after": "3600" }).end();
      else res.end("ok");
    });
    const started = performance.now();
    const result = await fetcher([s.hostPort], { retries: 1, retryBaseMs: 1, maxRetryAfterMs: 150 }).fetchBytes(
      s.url("/"),
    );
    const elapsed = performance.now() - started;
    expect(result.body.toString()).toBe("ok");
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
  });

  test("a refused connection is a transient network-error", async () => {
    const gone = await startServer((_req, res) => res.end());
    await gone.close();
    const error = await failure(fetcher([gone.hostPort], { retries: 1 }).fetchBytes(gone.url("/")));
    expect(error).toMatchObject({ reason: "network-error", transient: true });
    expect(error.message).toContain("ECONNREFUSED");
  });

  test.each([
    ["Retry-After seconds", "2", 2000],
    ["capped", "120", 5000],
    ["unreadable", "soon", undefined],
  ])("parseRetryAfter: %s", (_label, value, expected) => {
    expect(parseRetryAfter(value, 5000)).toBe(expected);
  });

  test("parseRetryAfter reads HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", 10_000, now)).toBe(3000);
  });
});

describe("timeouts", () => {
  test("headers that come too late are a timeout", async () => {
    const s = await server((_req, res) => {
      setTimeout(() => res.end("late"), 1_000).unref();
    });
    const started = performance.now();
    const error = await failure(fetcher([s.hostPort], { timeoutMs: 150, retries: 0 }).fetchBytes(s.url("/")));
    expect(error).toMatchObject({ reason: "timeout", transient: true });
    expect(performance.now() - started).toBeLessThan(900);
  });

  test("a body that trickles past the deadline is a timeout, though each chunk is prompt", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("x"), 40);
      res.on("close", () => clearInterval(timer));
    });
    const error = await failure(fetcher([s.hostPort], { timeoutMs: 250, retries: 0 }).fetchBytes(s.url("/")));
    expect(error.reason).toBe("timeout");
  });

  test("a timeout is retried", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      n++;
      if (n === 1) setTimeout(() => res.end("late"), 1_000).unref();
      else res.end("ok");
    });
    const result = await fetcher([s.hostPort], { timeoutMs: 150, retries: 1 }).fetchBytes(s.url("/"));
    expect(result.body.toString()).toBe("ok");
  });

  test("a timeout is final with retryTimeouts: false; other transient failures are still retried", async () => {
    let n = 0;
    const slow = await server((_req, res) => {
      n++;
      if (n === 1) setTimeout(() => res.end("late"), 1_000).unref();
      else res.end("ok");
    });
    const once = fetcher([slow.hostPort], { timeoutMs: 150, retries: 1, retryTimeouts: false });
    expect(await failure(once.fetchBytes(slow.url("/")))).toMatchObject({ reason: "timeout" });
    expect(n).toBe(1);
    let m = 0;
    const flaky = await server((_req, res) => {
      m++;
      res.writeHead(m === 1 ? 503 : 200).end("ok");
    });
    const result = await fetcher([flaky.hostPort], { timeoutMs: 150, retries: 1, retryTimeouts: false }).fetchBytes(
      flaky.url("/"),
    );
    expect(result.body.toString()).toBe("ok");
    expect(m).toBe(2);
  });
});

describe("byte cap", () => {
  test("a chunked body over the cap stops the download and closes the connection early", async () => {
    let written = 0;
    let finished = false;
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" }); // no Content-Length: chunked
      const chunk = Buffer.alloc(16 * 1024, 1);
      let open = true;
      res.on("close", () => {
        open = false;
        closed();
      });
      const pump = () => {
        while (open && written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        if (open) res.end(() => (finished = true));
      };
      pump();
    });
    const error = await failure(fetcher([s.hostPort], { maxBytes: 64 * 1024 }).fetchBytes(s.url("/huge")));
    expect(error).toMatchObject({ reason: "too-large", transient: false });
    await serverSawClose;
    expect(finished).toBe(false);
    expect(written).toBeLessThan(32 * 1024 * 1024);
    expect(s.requests).toHaveLength(1);
  });

  test("a Content-Length over the cap fails before the body is read", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(1024)); // and then nothing: reading would hang until the timeout
    });
    const started = performance.now();
    const error = await failure(
      fetcher([s.hostPort], { maxBytes: 1024 * 1024, timeoutMs: 3_000 }).fetchBytes(s.url("/")),
    );
    expect(error.reason).toBe("too-large");
    expect(error.message).toContain("Content-Length");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("a body exactly at the cap is fine; a per-request cap overrides the fetcher's", async () => {
    const s = await server((_req, res) => res.end(Buffer.alloc(1000, 7)));
    const f = fetcher([s.hostPort], { maxBytes: 1000 });
    expect((await f.fetchBytes(s.url("/"))).body).toHaveLength(1000);
    expect((await failure(f.fetchBytes(s.url("/"), { maxBytes: 999 }))).reason).toBe("too-large");
  });
});

describe("politeness", () => {
  test("no more requests in flight to one host than perHostConcurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await server((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end("ok");
      }, 40);
    });
    const f = fetcher([s.hostPort], { perHostConcurrency: 2, perHostRequestsPerSecond: 100 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => f.fetchBytes(s.url(`/${i}`))));
    expect(s.requests).toHaveLength(8);
    expect(peak).toBe(2);
  });

  test("no more requests per second to one host than perHostRequestsPerSecond", async () => {
    const s = await server((_req, res) => res.end("ok"));
    const f = fetcher([s.hostPort], { perHostConcurrency: 10, perHostRequestsPerSecond: 3 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, (_, i) => f.fetchBytes(s.url(`/${i}`))));
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe("fetchJson and fetchText", () => {
  test("fetchJson parses JSON and asks for it", async () => {
    const s = await server((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"a":[1,2]}'),
    );
    const result = await fetcher([s.hostPort]).fetchJson(s.url("/api"));
    expect(result.body).toEqual({ a: [1, 2] });
    expect(s.requests[0]?.headers.accept).toBe("application/json");
    expect(s.requests[0]?.headers["user-agent"]).toMatch(/^sluice\//);
  });

  test("fetchJson on something that is not JSON is invalid-response, keeping the parse error", async () => {
    const s = await server((_req, res) => res.end("<html>maintenance</html>"));
    const error = await failure(fetcher([s.hostPort]).fetchJson(s.url("/api")));
    expect(error.reason).toBe("invalid-response");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  test("fetchText decodes the charset the Content-Type names", async () => {
    const s = await server((_req, res) =>
      res
        .writeHead(200, { "content-type": "text/html; charset=ISO-8859-1" })
        .end(Buffer.from([0x42, 0x65, 0x79, 0x6f, 0x6e, 0x63, 0xe9])),
    );
    expect((await fetcher([s.hostPort]).fetchText(s.url("/"))).body).toBe("Beyoncé");
  });

  test("the user agent and extra headers are sent; compression is declined", async () => {
    const s = await server((_req, res) => res.end("ok"));
    await fetcher([s.hostPort], { userAgent: "test-agent/1" }).fetchText(s.url("/"), { headers: { "X-Trace": "1" } });
    expect(s.requests[0]?.headers).toMatchObject({
      "user-agent": "test-agent/1",
      "x-trace": "1",
      "accept-encoding": "identity",
    });
  });
});
