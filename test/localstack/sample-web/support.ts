/**
 * Test support for the sample web: the real response shapes as zod schemas, an independent
 * reference scraper (what the scrape stage must find, rebuilt from the HTTP answers alone), a plain
 * downloader that fetches the bytes behind a stored candidate's URL, and byte checks. None of it
 * decides an outcome: the cases declare those (localstack/sample-web/outcome.ts).
 */
import { createHash } from "node:crypto";
import { Parser } from "htmlparser2";
import sharp from "sharp";
import { parseSrcset } from "srcset";
import { z } from "zod";
import type { SourceKind } from "#faces/contracts";

export const SparqlResults = z.strictObject({
  head: z.strictObject({ vars: z.array(z.string()) }),
  results: z.strictObject({
    bindings: z.array(
      z.strictObject({
        person: z.strictObject({
          type: z.literal("uri"),
          value: z.string().regex(/^http:\/\/www\.wikidata\.org\/entity\/Q[1-9]\d*$/),
        }),
        personLabel: z.strictObject({
          "xml:lang": z.literal("en"),
          type: z.literal("literal"),
          value: z.string().min(1),
        }),
        occupations: z.strictObject({ type: z.literal("literal"), value: z.string() }),
      }),
    ),
  }),
});

const Snak = z.object({
  snaktype: z.enum(["value", "somevalue", "novalue"]),
  property: z.string().regex(/^P\d+$/),
  hash: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  datavalue: z.object({ value: z.unknown(), type: z.string() }).optional(),
  datatype: z.string(),
});

const P18Statement = z.object({
  mainsnak: Snak.extend({
    property: z.literal("P18"),
    datavalue: z.strictObject({ value: z.string().min(1), type: z.literal("string") }).optional(),
    datatype: z.literal("commonsMedia"),
  }),
  type: z.literal("statement"),
  id: z.string().regex(/^Q[1-9]\d*\$[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/),
  rank: z.enum(["preferred", "normal", "deprecated"]),
  qualifiers: z.record(z.string(), z.array(Snak)).optional(),
  "qualifiers-order": z.array(z.string()).optional(),
});

export const Claims = z.strictObject({
  claims: z.union([z.strictObject({}), z.strictObject({ P18: z.array(P18Statement).min(1) })]),
});

export const WikidataError = z.strictObject({ error: z.strictObject({ code: z.string(), info: z.string() }) });

export const TmdbSearch = z.strictObject({
  page: z.number().int().positive(),
  results: z.array(
    z.strictObject({
      adult: z.boolean(),
      gender: z.number().int().min(0).max(3),
      id: z.number().int().positive(),
      known_for_department: z.string(),
      name: z.string(),
      original_name: z.string(),
      popularity: z.number().nonnegative(),
      profile_path: z
        .string()
        .regex(/^\/[A-Za-z0-9]+\.jpg$/)
        .nullable(),
      known_for: z.array(z.unknown()),
    }),
  ),
  total_pages: z.number().int().positive(),
  total_results: z.number().int().nonnegative(),
});

export const TmdbImages = z.strictObject({
  id: z.number().int().positive(),
  profiles: z.array(
    z.strictObject({
      aspect_ratio: z.number().positive(),
      height: z.number().int().positive(),
      iso_639_1: z.null(),
      file_path: z.string().regex(/^\/[A-Za-z0-9]+\.jpg$/),
      vote_average: z.number().min(0).max(10),
      vote_count: z.number().int().nonnegative(),
      width: z.number().int().positive(),
    }),
  ),
});

export const TmdbError = z.strictObject({
  status_code: z.number().int(),
  status_message: z.string(),
  success: z.literal(false),
});

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** Commons' file URL for a P18 value, written independently of the sample web's code. */
export function commonsFileUrl(origin: string, value: string): string {
  const underscored = value.replace(/ /g, "_");
  const name = underscored.charAt(0).toUpperCase() + underscored.slice(1);
  const md5 = createHash("md5").update(name).digest("hex");
  return new URL(`/commons/${md5[0]}/${md5.slice(0, 2)}/${encodeURIComponent(name)}`, origin).href;
}

/** The image URLs of a page in document order (each once), as a scraper with an HTML parser and a srcset parser finds them. */
function scrapePage(html: string, pageUrl: string): string[] {
  let base: string | undefined;
  const found: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "base" && base === undefined && attributes.href !== undefined)
          base = new URL(attributes.href, pageUrl).href;
        if (name === "meta" && attributes.property === "og:image" && attributes.content !== undefined)
          found.push(attributes.content);
        if (name === "img" && attributes.src !== undefined) found.push(attributes.src);
        if ((name === "img" || name === "source") && attributes.srcset !== undefined) {
          for (const entry of parseSrcset(attributes.srcset)) found.push(entry.url);
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const resolved = found
    .filter((raw) => !/^\s*data:/i.test(raw))
    .map((raw) => {
      try {
        return new URL(raw, base ?? pageUrl).href;
      } catch {
        return raw;
      }
    });
  // One find per URL on a page.
  return [...new Set(resolved)];
}

/** Every candidate of one person, from the HTTP answers alone, in the scrape stage's order. */
export async function scrapePerson(
  origin: string,
  wikidataId: string,
  name: string,
  tmdbKey: string,
): Promise<Array<{ source: SourceKind; url: string }>> {
  const out: Array<{ source: SourceKind; url: string }> = [];
  const claims = Claims.parse(
    (await getJson(`${origin}/wikidata/w/api.php?action=wbgetclaims&entity=${wikidataId}&property=P18&format=json`))
      .body,
  );
  for (const statement of "P18" in claims.claims ? claims.claims.P18 : []) {
    const value = statement.mainsnak.datavalue?.value;
    if (statement.mainsnak.snaktype === "value" && value !== undefined)
      out.push({ source: "wikidata", url: commonsFileUrl(origin, value) });
  }
  const auth = { headers: { Authorization: `Bearer ${tmdbKey}` } };
  const search = TmdbSearch.parse(
    (
      await getJson(
        `${origin}/tmdb/3/search/person?query=${encodeURIComponent(name)}&include_adult=false&language=en-US&page=1`,
        auth,
      )
    ).body,
  );
  const hit = search.results.find((r) => r.name === name);
  if (hit !== undefined) {
    let images = await getJson(`${origin}/tmdb/3/person/${hit.id}/images`, auth);
    if (images.status === 429) images = await getJson(`${origin}/tmdb/3/person/${hit.id}/images`, auth);
    for (const profile of TmdbImages.parse(images.body).profiles)
      out.push({ source: "tmdb", url: new URL(`/tmdb-images/t/p/original${profile.file_path}`, origin).href });
  }
  const pageUrl = `${origin}/web/people/${wikidataId}`;
  const page = await fetch(pageUrl);
  if (page.status === 200) for (const url of scrapePage(await page.text(), pageUrl)) out.push({ source: "web", url });
  else await page.arrayBuffer();
  // One find per URL and source.
  const seen = new Set<string>();
  return out.filter(({ source, url }) => !seen.has(`${source} ${url}`) && Boolean(seen.add(`${source} ${url}`)));
}

/** The bytes a URL of the sample web ends at: redirects followed, the flaky 503s waited out. Decides nothing. */
export async function download(url: string): Promise<Buffer> {
  let current = url;
  for (let hop = 0; hop <= 5; hop++) {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(current, { redirect: "manual" });
      if (res.status === 503 && attempt < 2) {
        await res.arrayBuffer();
        continue;
      }
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        break;
      }
      if (res.status !== 200) throw new Error(`${current}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    }
  }
  throw new Error(`${url}: too many redirects`);
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export type SimpleFormat = "jpeg" | "png" | "gif" | "webp" | "other";

export function formatOf(bytes: Buffer): SimpleFormat {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (bytes.toString("latin1", 0, 4) === "GIF8") return "gif";
  if (bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "webp";
  return "other";
}

/** Does the file end at its format's end marker (up to 16 zero bytes of padding allowed)? */
export function endsAtEndMarker(bytes: Buffer): boolean {
  let end = bytes.length;
  while (end > 0 && bytes.length - end < 16 && bytes[end - 1] === 0) end--;
  const body = bytes.subarray(0, end);
  switch (formatOf(bytes)) {
    case "jpeg":
      return body[body.length - 2] === 0xff && body[body.length - 1] === 0xd9;
    case "png":
      return bytes.subarray(bytes.length - 12).equals(Buffer.from("0000000049454e44ae426082", "hex"));
    case "gif":
      return body[body.length - 1] === 0x3b;
    case "webp":
      return bytes.readUInt32LE(4) + 8 === bytes.length;
    default:
      return false;
  }
}

/** Decodes every pixel (failing on truncation), flattened on white, and measures it. */
export async function decodeFully(
  bytes: Buffer,
): Promise<{ width: number; height: number; pages: number; lumaStdev: number }> {
  const { pages = 1 } = await sharp(bytes, { failOn: "truncated" }).metadata();
  const { data, info } = await sharp(bytes, { failOn: "truncated" })
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  let squares = 0;
  const count = info.width * info.height;
  for (let i = 0; i < count * info.channels; i += info.channels) {
    const luma =
      info.channels >= 3
        ? 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0)
        : (data[i] ?? 0);
    sum += luma;
    squares += luma * luma;
  }
  const mean = sum / count;
  return {
    width: info.width,
    height: info.height,
    pages,
    lumaStdev: Math.sqrt(Math.max(0, squares / count - mean * mean)),
  };
}
