/**
 * The behaviours the pipeline must cope with (flaky, redirected, slow, stalled, too large, lying
 * headers, errors) really happen over HTTP, and the bytes served really are what the manifest says
 * the clean stage will find in them.
 */
import { imageSize } from "image-size";
import { LIMITS } from "#faces/contracts";
import { differenceHash, hammingDistance } from "#faces/media/phash";
import type { ExpectedCandidate } from "#local/sample-web/manifest";
import { sampleWebForThisFile } from "./fixture";
import { decodeFully, download, endsAtEndMarker, formatOf, mapLimit } from "./support";

jest.setTimeout(90_000);

const sample = sampleWebForThisFile();
/** A ZIP local file header. */
const ZIP = "PK\u0003\u0004";

describe("behaviours", () => {
  test("flaky: 503, 503, then 200 (per path, per server)", async () => {
    const { url } = sample.byCase("503-503-200");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(url);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  test("redirects: a good chain of 2, a chain of 7, redirects to private addresses", async () => {
    const hops = async (start: string) => {
      const locations: string[] = [];
      let url = start;
      for (;;) {
        const res = await fetch(url, { redirect: "manual" });
        await res.arrayBuffer();
        const location = res.headers.get("location");
        if (res.status < 300 || res.status >= 400 || location === null) return { locations, status: res.status };
        url = new URL(location, url).href;
        locations.push(url);
        if (!url.startsWith(sample.web.url) || locations.length > 10) return { locations, status: res.status };
      }
    };
    const good = await hops(sample.byCase("redirect-chain-2-ok").url);
    expect(good.locations).toHaveLength(2);
    expect(good.status).toBe(200);
    expect((await hops(sample.byCase("redirect-chain-5-ok").url)).locations).toHaveLength(5);
    expect((await hops(sample.byCase("redirect-chain-7").url)).locations.length).toBeGreaterThan(LIMITS.maxRedirects);
    const privateTargets = sample.all().filter((c) => c.case === "redirect-to-private");
    const finals = await Promise.all(privateTargets.map(async (c) => (await hops(c.url)).locations.at(-1) ?? ""));
    expect(finals).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
        "http://169.254.169.254/latest/meta-data/",
        expect.stringMatching(/^http:\/\/10\.1\.2\.3\//),
        expect.stringMatching(/^http:\/\/\[::1\]:\d+\//),
        "file:///etc/passwd",
        expect.stringMatching(/^http:\/\/192\.168\.0\.1\//),
      ]),
    );
    expect(finals.filter((url) => url.startsWith(`${sample.web.url}/`))).toEqual([]);
  });

  test("slow: 300 ms is late but whole; the stalled ones do not finish within the 2 s deadline", async () => {
    const whole = async () => {
      const started = Date.now();
      const res = await fetch(sample.byCase("slow-300ms").url);
      await res.arrayBuffer();
      return { status: res.status, late: Date.now() - started >= 290 };
    };
    const within = async (ms: number, url: string) => {
      try {
        await (await fetch(url, { signal: AbortSignal.timeout(ms) })).arrayBuffer();
        return "finished";
      } catch {
        return "timed out";
      }
    };
    /** Headers arrive at once, the body never completes. */
    const headersOnly = async () => {
      const res = await fetch(sample.byCase("body-stalls").url, { signal: AbortSignal.timeout(1500) });
      const body = await res.arrayBuffer().then(
        () => "complete",
        () => "stalled",
      );
      return { status: res.status, body };
    };
    const results = await Promise.all([
      whole(),
      within(2100, sample.byCase("no-headers-in-time").url),
      within(2100, sample.byCase("body-stalls").url),
      headersOnly(),
    ]);
    expect(results).toEqual([{ status: 200, late: true }, "timed out", "timed out", { status: 200, body: "stalled" }]);
  });

  test("too large: more than MAX_IMAGE_BYTES arrive, with and without Content-Length", async () => {
    for (const name of ["12-MiB-with-length", "11-MiB-chunked"]) {
      const res = await fetch(sample.byCase(name).url);
      expect(res.headers.get("content-type")).toBe("image/jpeg");
      let bytes = 0;
      let first: Uint8Array | undefined;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        first ??= chunk;
        bytes += chunk.length;
      }
      expect(bytes).toBeGreaterThan(LIMITS.maxImageBytes);
      expect(formatOf(Buffer.from(first ?? []))).toBe("jpeg");
      expect(res.headers.get("content-length")).toBe(name.includes("with-length") ? String(bytes) : null);
    }
  });

  test("decompression bombs: a few bytes whose header declares more than MAX_IMAGE_PIXELS", async () => {
    const bombs = sample.all().filter((c) => c.download === "decompression-bomb");
    expect(bombs.length).toBeGreaterThanOrEqual(3);
    for (const bomb of bombs) {
      const bytes = await download(bomb.url);
      expect(bytes.length).toBeLessThan(4096);
      const { width, height } = imageSize(bytes);
      expect(width * height).toBeGreaterThan(LIMITS.maxImagePixels);
    }
    expect(imageSize(await download(sample.byCase("bomb-60000x60000-png").url))).toMatchObject({
      width: 60000,
      height: 60000,
      type: "png",
    });
  });

  test("errors: /missing is 404, /error is 500 with an HTML page every time, unknown paths 404", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${sample.web.url}/error/anything/photo.jpg`);
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("Internal Server Error");
    }
    expect((await fetch(`${sample.web.url}/missing/x.jpg`)).status).toBe(404);
    expect((await fetch(`${sample.web.url}/nowhere`)).status).toBe(404);
  });
});

describe("the bytes", () => {
  let stored: Array<ExpectedCandidate & { wikidataId: string; bytes: Buffer }>;

  beforeAll(async () => {
    const candidates = sample.all().filter((c) => c.download === "stored");
    const bytes = await mapLimit(candidates, 12, (c) => download(c.url));
    stored = candidates.map((c, i) => ({ ...c, bytes: bytes[i] as Buffer }));
  });

  test("are what the manifest says the clean stage will find", async () => {
    const problems: string[] = [];
    for (const c of stored) {
      const verdict = c.clean;
      const format = formatOf(c.bytes);
      const text = c.bytes.toString("latin1");
      const says = (ok: boolean, what: string) => {
        if (!ok) problems.push(`${c.url} (${c.case}, ${verdict}): ${what}`);
      };
      const decoded = format === "other" ? undefined : await decodeFully(c.bytes).catch(() => undefined);
      switch (verdict) {
        case "clean":
        case "near-duplicate":
          says(decoded !== undefined, "decodes");
          says(endsAtEndMarker(c.bytes), "ends at its end marker");
          if (decoded) {
            says(decoded.pages === 1, "one frame");
            says(Math.min(decoded.width, decoded.height) >= LIMITS.minImageSide, "big enough");
            says(
              Math.max(decoded.width, decoded.height) / Math.min(decoded.width, decoded.height) <=
                LIMITS.maxAspectRatio,
              "not too elongated",
            );
            says(decoded.lumaStdev >= LIMITS.minLumaStdev * 2, `varied (stdev ${decoded.lumaStdev.toFixed(1)})`);
          }
          says(
            !/<script|<\?php|<html|<svg|<iframe|javascript:|%PDF-/i.test(text) && !text.includes(ZIP),
            "no embedded payload",
          );
          break;
        case "undecodable":
          says(format !== "other" && decoded === undefined, "fails to decode fully");
          break;
        case "animated":
          says((decoded?.pages ?? 0) > 1, "several frames");
          break;
        case "too-small":
          says(
            decoded !== undefined && Math.min(decoded.width, decoded.height) < LIMITS.minImageSide,
            "a side under 64",
          );
          break;
        case "extreme-aspect-ratio":
          says(
            decoded !== undefined &&
              Math.max(decoded.width, decoded.height) / Math.min(decoded.width, decoded.height) > LIMITS.maxAspectRatio,
            "over 3:1",
          );
          break;
        case "near-uniform":
          says(
            decoded !== undefined && decoded.lumaStdev < LIMITS.minLumaStdev / 2,
            `flat (stdev ${decoded?.lumaStdev.toFixed(1)})`,
          );
          break;
        case "trailing-data":
          says(format !== "other" && !endsAtEndMarker(c.bytes), "bytes after the end marker");
          break;
        case "polyglot":
          says(decoded !== undefined && endsAtEndMarker(c.bytes), "an intact image");
          says(/<script|<\?php|%PDF-/.test(text) || text.includes(ZIP), "a payload inside");
          break;
        case "active-content":
          says(format === "other" && /<script[\s>]|\son[a-z]+\s*=/i.test(text), "markup with script");
          break;
        case "not-an-image":
          says(format === "other" && !/<script|\son[a-z]+\s*=|javascript:/i.test(text), "no image, no script");
          break;
        default:
          says(false, "a clean outcome");
      }
    }
    expect(problems).toEqual([]);
  });

  test("distinct clean pictures of a person are more than 10 bits apart; near-duplicates at most 10 from an earlier one", async () => {
    const hashes = await mapLimit(stored, 8, (c) =>
      c.clean === "clean" || c.clean === "near-duplicate"
        ? differenceHash(c.bytes, LIMITS.maxImagePixels)
        : Promise.resolve(""),
    );
    let closest = 64;
    let pairs = 0;
    for (const { wikidataId } of sample.web.manifest.perPerson) {
      const clean: string[] = [];
      stored.forEach((c, i) => {
        if (c.wikidataId !== wikidataId) return;
        const hash = hashes[i] ?? "";
        if (c.clean === "clean") {
          for (const earlier of clean) {
            closest = Math.min(closest, hammingDistance(earlier, hash));
            pairs++;
          }
          clean.push(hash);
        } else if (c.clean === "near-duplicate") {
          expect(Math.min(...clean.map((earlier) => hammingDistance(earlier, hash)))).toBeLessThanOrEqual(
            LIMITS.nearDuplicateDistance,
          );
        }
      });
    }
    expect(pairs).toBeGreaterThan(100);
    // Well clear of the threshold, so a hash computed after re-encoding cannot flip a decision.
    expect(closest).toBeGreaterThan(LIMITS.nearDuplicateDistance + 3);
  });

  test("duplicates are byte-identical to an image stored earlier for the same person", async () => {
    const duplicates = sample.all().filter((c) => c.download === "duplicate-image");
    expect(duplicates.length).toBeGreaterThanOrEqual(3);
    for (const duplicate of duplicates) {
      const bytes = await download(duplicate.url);
      const candidates =
        sample.web.manifest.perPerson.find((p) => p.wikidataId === duplicate.wikidataId)?.candidates ?? [];
      const at = candidates.findIndex((c) => c.url === duplicate.url && c.download === "duplicate-image");
      const earlier = candidates.slice(0, at).filter((c) => c.download === "stored");
      const same = stored.filter(
        (s) => s.wikidataId === duplicate.wikidataId && earlier.some((e) => e.url === s.url) && s.bytes.equals(bytes),
      );
      expect(same.length).toBe(1);
    }
  });
});
